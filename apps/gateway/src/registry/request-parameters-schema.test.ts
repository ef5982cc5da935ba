// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env.NAME}` is the registry syntax under test, not a template.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from './load-registry.js';

/** A registry of one remote worker `chat` with `fields` added, plus `others` workers. */
function registryWith(fields: Record<string, unknown>, others: Record<string, unknown>[] = []) {
  return {
    budgetGb: 1,
    workers: [{ name: 'chat', url: 'http://127.0.0.1:9/v1', aliases: ['chat-alias'], ...fields }, ...others],
  };
}

function problem(value: unknown, environment: Record<string, string> = {}): string {
  try {
    parseRegistry(value, '/tmp', 'registry', environment);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('request parameters in the registry', () => {
  it('accepts set, strip, any JSON default and variants, and keeps the typed defaults typed', () => {
    const { registry } = parseRegistry(
      registryWith({
        set: { top_k: 20, chat_template_kwargs: { enable_thinking: false } },
        strip: ['logit_bias'],
        defaults: { temperature: 0.6, min_p: 0.05, repetition_penalty: 1.1, stop: ['</s>'] },
        variants: [
          { alias: 'chat-thinking', set: { chat_template_kwargs: { enable_thinking: true } }, priority: 5 },
        ],
      }),
      '/tmp',
    );
    expect(registry.workers[0]).toMatchObject({
      set: { top_k: 20, chat_template_kwargs: { enable_thinking: false } },
      strip: ['logit_bias'],
      defaults: { temperature: 0.6, min_p: 0.05, repetition_penalty: 1.1 },
      variants: [
        {
          alias: 'chat-thinking',
          set: { chat_template_kwargs: { enable_thinking: true } },
          strip: [],
          defaults: {},
          priority: 5,
        },
      ],
    });
  });

  it.each([
    ['a typed default out of range', { defaults: { temperature: 5 } }, /workers\.0\.defaults\.temperature/],
    ['a typed set value of the wrong type', { set: { top_k: 'many' } }, /workers\.0\.set\.top_k/],
    ['a stop that is not a list of strings', { defaults: { stop: [1] } }, /workers\.0\.defaults\.stop/],
    ['a strip that is not a list', { strip: 'seed' }, /workers\.0\.strip/],
    ['setting the model', { set: { model: 'x' } }, /"model" cannot be set/],
    ['stripping the model', { strip: ['model'] }, /"model" cannot be set, stripped/],
    ['a variant without alias', { variants: [{ set: {} }] }, /workers\.0\.variants\.0\.alias/],
    ['an unknown variant field', { variants: [{ alias: 'v', temperature: 1 }] }, /workers\.0\.variants\.0/],
    ['a fractional priority', { variants: [{ alias: 'v', priority: 0.5 }] }, /variants\.0\.priority/],
    [
      "a variant alias equal to the worker's own alias",
      { variants: [{ alias: 'chat-alias' }] },
      /workers\.0\.variants\.0\.alias: alias "chat-alias" is already used by worker "chat"/,
    ],
    [
      'two variants with one alias',
      { variants: [{ alias: 'v' }, { alias: 'v' }] },
      /workers\.0\.variants\.1\.alias: alias "v" is already used/,
    ],
    [
      'an upstream key with a space',
      { upstreamApiKey: 'a b' },
      /workers\.0\.upstreamApiKey: must be printable/,
    ],
  ])('refuses %s', (_title, fields, message) => {
    expect(problem(registryWith(fields))).toMatch(message);
  });

  it("refuses a variant alias that another worker's alias holds, and the other way round", () => {
    const other = { name: 'other', url: 'http://127.0.0.1:9/v1', variants: [{ alias: 'chat-alias' }] };
    expect(problem(registryWith({}, [other]))).toMatch(
      /workers\.1\.variants\.0\.alias: alias "chat-alias" is already used by worker "chat"/,
    );
    const later = { name: 'later', url: 'http://127.0.0.1:9/v1', aliases: ['chat-fast'] };
    expect(problem(registryWith({ variants: [{ alias: 'chat-fast' }] }, [later]))).toMatch(
      /workers\.1\.aliases\.0: alias "chat-fast" is already used by worker "chat"/,
    );
  });

  it('takes the upstream key from the environment, and refuses it on a managed worker', () => {
    const { registry } = parseRegistry(
      registryWith({ upstreamApiKey: '${env.REMOTE_KEY}' }),
      '/tmp',
      'registry',
      {
        REMOTE_KEY: 'sk-remote',
      },
    );
    expect(registry.workers[0]).toMatchObject({ upstreamApiKey: 'sk-remote' });
    expect(problem(registryWith({ upstreamApiKey: '${env.REMOTE_KEY}' }))).toBe(
      'registry: workers[0].upstreamApiKey: the environment variable REMOTE_KEY is not set (the registry asks for ${env.REMOTE_KEY})',
    );
    const managed = {
      budgetGb: 1,
      workers: [{ name: 'local', command: 'x', port: 18_001, estimatedGb: 1, upstreamApiKey: 'k' }],
    };
    expect(problem(managed)).toMatch(/upstreamApiKey/);
  });
});

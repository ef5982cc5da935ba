import { describe, expect, it } from 'vitest';
import { type WorkerConfig, workerConfigSchema } from '../registry/index.js';
import { mergeForced, requestParameters, rewriteRequest } from './request-rewrite.js';

/** A remote worker's config through the real schema, with the parameters given. */
function worker(parameters: Record<string, unknown>): WorkerConfig {
  return workerConfigSchema.parse({ name: 'model', url: 'http://127.0.0.1:9/v1', ...parameters });
}

function rewrite(
  route: string,
  request: Record<string, unknown>,
  config: WorkerConfig,
  variantAlias: string | null = null,
) {
  const raw = Buffer.from(JSON.stringify(request));
  const variant = config.variants.find((candidate) => candidate.alias === variantAlias) ?? null;
  const body = rewriteRequest(route, structuredClone(request), raw, config, variant);
  return { sameBytes: body === raw, sent: JSON.parse(body.toString('utf8')) as Record<string, unknown> };
}

describe('rewriteRequest', () => {
  const cases: Array<{
    title: string;
    route: string;
    config: Record<string, unknown>;
    request: Record<string, unknown>;
    sent: Record<string, unknown>;
  }> = [
    {
      title: 'strip removes the named fields',
      route: 'chat/completions',
      config: { strip: ['logit_bias', 'seed'] },
      request: { model: 'm', seed: 4, logit_bias: { 1: 2 }, top_p: 0.5 },
      sent: { model: 'm', top_p: 0.5 },
    },
    {
      title: 'defaults fill only what the client left unset (or null)',
      route: 'chat/completions',
      config: { defaults: { temperature: 0.2, top_k: 20, min_p: 0.05 } },
      request: { model: 'm', temperature: 1, top_k: null },
      sent: { model: 'm', temperature: 1, top_k: 20, min_p: 0.05 },
    },
    {
      title: 'set overrides the client',
      route: 'completions',
      config: { set: { top_k: 40, temperature: 0.7 } },
      request: { model: 'm', top_k: 1, prompt: 'p' },
      sent: { model: 'm', top_k: 40, prompt: 'p', temperature: 0.7 },
    },
    {
      title: 'set merges objects key by key',
      route: 'chat/completions',
      config: { set: { chat_template_kwargs: { enable_thinking: false } } },
      request: { model: 'm', chat_template_kwargs: { enable_thinking: true, tools_style: 'a' } },
      sent: { model: 'm', chat_template_kwargs: { enable_thinking: false, tools_style: 'a' } },
    },
    {
      title: 'order: strip, then defaults, then set (a stripped field can be defaulted again)',
      route: 'chat/completions',
      config: { strip: ['seed', 'top_p'], defaults: { seed: 7 }, set: { top_p: 0.9 } },
      request: { model: 'm', seed: 1, top_p: 0.1 },
      sent: { model: 'm', seed: 7, top_p: 0.9 },
    },
    {
      title: 'defaults do not apply to embeddings; set and strip do',
      route: 'embeddings',
      config: { defaults: { temperature: 0.2 }, set: { encoding_format: 'float' }, strip: ['user'] },
      request: { model: 'm', input: 'x', user: 'u' },
      sent: { model: 'm', input: 'x', encoding_format: 'float' },
    },
    {
      title: 'on /v1/messages only the defaults named as in that API apply',
      route: 'messages',
      config: { defaults: { temperature: 0.3, stop: ['</s>'], stop_sequences: ['END'], min_p: 0.1 } },
      request: { model: 'm', max_tokens: 5, messages: [] },
      sent: { model: 'm', max_tokens: 5, messages: [], temperature: 0.3, stop_sequences: ['END'] },
    },
    {
      title: 'on /v1/responses max_tokens is not a field; max_output_tokens is',
      route: 'responses',
      config: { defaults: { max_tokens: 10, max_output_tokens: 20, top_p: 0.5 } },
      request: { model: 'm', input: 'hi' },
      sent: { model: 'm', input: 'hi', max_output_tokens: 20, top_p: 0.5 },
    },
    {
      title: 'upstreamModel renames the model after the parameters',
      route: 'chat/completions',
      config: { upstreamModel: 'upstream', set: { top_k: 1 } },
      request: { model: 'm' },
      sent: { model: 'upstream', top_k: 1 },
    },
  ];
  for (const testCase of cases) {
    it(testCase.title, () => {
      const { sent, sameBytes } = rewrite(testCase.route, testCase.request, worker(testCase.config));
      expect(sent).toEqual(testCase.sent);
      expect(sameBytes).toBe(false);
    });
  }

  it('relays the same bytes when nothing changes (a set value the client already sent included)', () => {
    const config = worker({ set: { top_k: 40 }, strip: ['seed'], defaults: { temperature: 0.5 } });
    const result = rewrite('chat/completions', { model: 'm', top_k: 40, temperature: 1 }, config);
    expect(result.sameBytes).toBe(true);
  });

  it("a variant's parameters go on top of the worker's", () => {
    const config = worker({
      set: { top_k: 20, chat_template_kwargs: { enable_thinking: true } },
      defaults: { temperature: 0.6 },
      strip: ['seed'],
      variants: [
        {
          alias: 'model-fast',
          set: { chat_template_kwargs: { enable_thinking: false } },
          defaults: { temperature: 0.7 },
          strip: ['top_k'],
        },
      ],
    });
    const request = { model: 'model-fast', seed: 3, top_k: 5 };
    expect(rewrite('chat/completions', request, config, 'model-fast').sent).toEqual({
      model: 'model-fast',
      temperature: 0.7,
      chat_template_kwargs: { enable_thinking: false },
    });
    expect(rewrite('chat/completions', request, config).sent).toEqual({
      model: 'model-fast',
      temperature: 0.6,
      top_k: 20,
      chat_template_kwargs: { enable_thinking: true },
    });
  });
});

describe('requestParameters', () => {
  it("adds the strips up and drops the worker's set and defaults of a field the variant strips", () => {
    const parameters = requestParameters(
      { set: { top_k: 1, min_p: 0.1 }, strip: ['seed'], defaults: { top_p: 0.5, temperature: 1 } },
      { set: {}, strip: ['top_k', 'top_p'], defaults: {} },
    );
    expect(parameters).toEqual({
      set: { min_p: 0.1 },
      strip: ['seed', 'top_k', 'top_p'],
      defaults: { temperature: 1 },
    });
  });
});

describe('mergeForced', () => {
  it.each([
    [{ a: 1, b: { c: 1, d: 2 } }, { b: { c: 3 } }, { a: 1, b: { c: 3, d: 2 } }],
    [[1, 2], [3], [3]],
    [{ a: 1 }, 'text', 'text'],
    [undefined, { a: 1 }, { a: 1 }],
    ['text', { a: 1 }, { a: 1 }],
  ])('%j with %j forced gives %j', (base, forced, merged) => {
    expect(mergeForced(base, forced)).toEqual(merged);
  });
});

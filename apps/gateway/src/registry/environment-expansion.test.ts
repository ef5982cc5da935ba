// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env.NAME}` is the registry syntax under test, not a template.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/index.js';
import { expandEnvironment, expandString } from './environment-expansion.js';

const environment = { KEY: 'secret-1', HOST: 'example', EMPTY: '' };

describe('expandString', () => {
  it.each([
    ['no variable', 'no variable'],
    ['${env.KEY}', 'secret-1'],
    ['Bearer ${env.KEY}!', 'Bearer secret-1!'],
    ['${env.HOST}:${env.KEY}', 'example:secret-1'],
    ['$${env.KEY}', '${env.KEY}'],
    ['a $${HOME} b', 'a ${HOME} b'],
    ['${HOME} is not ours', '${HOME} is not ours'],
    ['{port} stays', '{port} stays'],
    ['$$ alone', '$$ alone'],
  ])('%s → %s', (text, expanded) => {
    expect(expandString(text, environment, 'here')).toBe(expanded);
  });

  it.each([
    ['${env.MISSING}', /here: the environment variable MISSING is not set/],
    ['${env.EMPTY}', /here: the environment variable EMPTY is empty/],
    ['${env.}', /here: "\$\{env\.\}" is not a variable name/],
    ['${env.bad-name}', /"\$\{env\.bad-name\}" is not a variable name/],
    ['${env.KEY', /here: "\$\{env\." is not closed/],
  ])('%s is refused', (text, message) => {
    let caught: unknown;
    try {
      expandString(text, environment, 'here');
    } catch (error) {
      caught = error;
    }
    expect(GatewayError.isInstance(caught) && caught.code).toBe('invalid_config');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('expandEnvironment', () => {
  it('expands every string value, in objects and arrays, and leaves keys and other values alone', () => {
    const value = {
      budgetGb: 1,
      '${env.KEY}': 'key stays',
      workers: [{ name: 'a', url: 'http://${env.HOST}/v1', args: ['--key', '${env.KEY}'], pinned: true }],
    };
    expect(expandEnvironment(value, environment)).toEqual({
      budgetGb: 1,
      '${env.KEY}': 'key stays',
      workers: [{ name: 'a', url: 'http://example/v1', args: ['--key', 'secret-1'], pinned: true }],
    });
    expect(value.workers[0]?.url).toBe('http://${env.HOST}/v1');
  });

  it('names the file, the place and the variable, never a value', () => {
    const value = { workers: [{}, {}, { upstreamApiKey: '${env.REMOTE_KEY}', url: '${env.KEY}' }] };
    expect(() => expandEnvironment(value, environment, '/etc/registry.yaml')).toThrow(
      '/etc/registry.yaml: workers[2].upstreamApiKey: the environment variable REMOTE_KEY is not set',
    );
    const nested = { workers: [{ env: { TOKEN: 'x${env.EMPTY}' } }] };
    expect(() => expandEnvironment(nested, environment)).toThrow(
      /registry: workers\[0\]\.env\.TOKEN: .*EMPTY is empty/,
    );
  });
});

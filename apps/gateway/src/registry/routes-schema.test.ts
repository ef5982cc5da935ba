import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/index.js';
import { loadRegistry, parseRegistry } from './load-registry.js';

const workers = [
  { name: 'a', aliases: ['a-alias'], url: 'http://127.0.0.1:9001' },
  { name: 'b', url: 'http://127.0.0.1:9002' },
  { name: 'c', command: 'server', port: 9003, estimatedGb: 1 },
];

/** The message of the invalid_config error a registry with these routes gets. */
function problem(routes: unknown, extra: Record<string, unknown> = {}): string {
  try {
    parseRegistry({ budgetGb: 4, workers, routes, ...extra }, '/tmp');
  } catch (error) {
    if (GatewayError.isInstance(error) && error.code === 'invalid_config') return error.message;
    throw error;
  }
  throw new Error('the registry was accepted');
}

describe('routes in the registry', () => {
  it('accepts routes and fills the defaults: no fallbacks, a breaker of 3 failures and 30 s', () => {
    const { registry } = parseRegistry(
      {
        budgetGb: 4,
        workers,
        routes: {
          chat: { workers: ['a', 'b'], fallbacks: ['small'] },
          small: { workers: ['c'], circuitBreaker: { coolDownSeconds: 5 } },
        },
      },
      '/tmp',
    );
    expect(registry.routes.chat).toEqual({ workers: ['a', 'b'], fallbacks: ['small'] });
    expect(registry.routes.small).toEqual({
      workers: ['c'],
      fallbacks: [],
      circuitBreaker: { coolDownSeconds: 5 },
    });
    expect(registry.circuitBreaker).toEqual({ failureThreshold: 3, coolDownSeconds: 30 });
  });

  it('has no routes by default', () => {
    expect(parseRegistry({ budgetGb: 4, workers }, '/tmp').registry.routes).toEqual({});
  });

  const refusals: Array<{ what: string; routes: unknown; extra?: Record<string, unknown>; message: string }> =
    [
      {
        what: 'a route named like a worker',
        routes: { b: { workers: ['a'] } },
        message: 'routes.b: route "b" is already a name or alias of worker "b"',
      },
      {
        what: 'a route named like a worker alias',
        routes: { 'a-alias': { workers: ['b'] } },
        message: 'routes.a-alias: route "a-alias" is already a name or alias of worker "a"',
      },
      {
        what: 'an unknown worker',
        routes: { chat: { workers: ['a', 'nope'] } },
        message: 'routes.chat.workers.1: unknown worker "nope"',
      },
      {
        what: 'an alias where a worker name belongs',
        routes: { chat: { workers: ['a-alias'] } },
        message: `routes.chat.workers.0: "a-alias" is an alias; list the worker's name "a"`,
      },
      {
        what: 'a worker listed twice',
        routes: { chat: { workers: ['a', 'b', 'a'] } },
        message: 'routes.chat.workers.2: worker "a" is listed twice',
      },
      {
        what: 'an unknown fallback',
        routes: { chat: { workers: ['a'], fallbacks: ['b', 'ghost'] } },
        message: 'routes.chat.fallbacks.1: unknown alias "ghost"',
      },
      {
        what: 'a route falling back to itself',
        routes: { chat: { workers: ['a'], fallbacks: ['chat'] } },
        message: 'routes.chat.fallbacks.0: route "chat" cannot fall back to itself',
      },
      {
        what: 'a cycle of fallbacks',
        routes: {
          one: { workers: ['a'], fallbacks: ['two'] },
          two: { workers: ['b'], fallbacks: ['a-alias', 'three'] },
          three: { workers: ['c'], fallbacks: ['one'] },
        },
        message: 'routes.three.fallbacks.0: fallback cycle: one → two → three → one',
      },
      {
        what: 'a route without workers',
        routes: { chat: { workers: [] } },
        message: 'routes.chat.workers',
      },
      {
        what: 'an unknown field of a route',
        routes: { chat: { workers: ['a'], weights: [1] } },
        message: 'routes.chat',
      },
      {
        what: 'a zero failure threshold',
        routes: { chat: { workers: ['a'] } },
        extra: { circuitBreaker: { failureThreshold: 0 } },
        message: 'circuitBreaker.failureThreshold',
      },
    ];
  for (const { what, routes, extra, message } of refusals) {
    it(`refuses ${what}, naming the place`, () => {
      expect(problem(routes, extra)).toContain(message);
    });
  }

  it('accepts a chain of fallbacks that does not come back (a diamond is no cycle)', () => {
    const { registry } = parseRegistry(
      {
        budgetGb: 4,
        workers,
        routes: {
          top: { workers: ['a'], fallbacks: ['left', 'right'] },
          left: { workers: ['b'], fallbacks: ['bottom'] },
          right: { workers: ['b'], fallbacks: ['bottom'] },
          bottom: { workers: ['c'] },
        },
      },
      '/tmp',
    );
    expect(Object.keys(registry.routes)).toEqual(['top', 'left', 'right', 'bottom']);
  });
});

describe('the shipped replicas example', () => {
  it('is a valid registry with a route over a fleet and a local fallback', () => {
    const { registry } = loadRegistry(join(import.meta.dirname, '..', '..', 'examples', 'replicas.yaml'));
    expect(registry.routes.brain).toEqual({
      workers: ['gpu-box-1', 'gpu-box-2', 'vllm-box'],
      fallbacks: ['brain-small'],
      circuitBreaker: { coolDownSeconds: 10 },
    });
  });
});

// The registry fields of preload and live health: their defaults, `null` turning the probes off, and
// the errors of a wrong value (each naming its field).
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/index.js';
import { parseRegistry } from './load-registry.js';
import type { ManagedWorkerConfig, RemoteWorkerConfig } from './registry-schema.js';

const managed = (extra: Record<string, unknown> = {}) => ({
  name: 'w',
  command: '/bin/worker',
  port: 18_500,
  estimatedGb: 0.1,
  ...extra,
});

function firstWorker(extra: Record<string, unknown>) {
  return parseRegistry({ budgetGb: 1, workers: [managed(extra)] }, '/tmp').registry
    .workers[0] as ManagedWorkerConfig;
}

function problem(extra: Record<string, unknown>): string {
  try {
    firstWorker(extra);
  } catch (error) {
    expect(GatewayError.isInstance(error) && error.code).toBe('invalid_config');
    return (error as Error).message;
  }
  throw new Error('the registry was accepted');
}

describe('preload and health-check fields', () => {
  it('defaults to no preload, not kept loaded, probed every 10 s (5 s timeout, 3 failures)', () => {
    expect(firstWorker({})).toMatchObject({
      preload: false,
      keepLoaded: false,
      healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, failures: 3 },
    });
  });

  it('takes partial health checks, and null to turn the probes off', () => {
    expect(firstWorker({ healthCheck: { failures: 2 } }).healthCheck).toEqual({
      intervalSeconds: 10,
      timeoutSeconds: 5,
      failures: 2,
    });
    expect(firstWorker({ healthCheck: null, preload: true, keepLoaded: true })).toMatchObject({
      healthCheck: null,
      preload: true,
      keepLoaded: true,
    });
  });

  it('refuses a wrong value, naming the field', () => {
    expect(problem({ healthCheck: { failures: 0 } })).toContain('healthCheck.failures');
    expect(problem({ healthCheck: { intervalSeconds: -1 } })).toContain('healthCheck.intervalSeconds');
    expect(problem({ healthCheck: { everySeconds: 1 } })).toContain('healthCheck');
    expect(problem({ preload: 'yes' })).toContain('preload');
  });

  it('gives remote workers a health check (its timeout for the monitor look), never preload', () => {
    const remote = parseRegistry(
      { budgetGb: 1, workers: [{ name: 'r', url: 'http://127.0.0.1:11434/v1', healthPath: '/health' }] },
      '/tmp',
    ).registry.workers[0] as RemoteWorkerConfig;
    expect(remote.healthCheck).toEqual({ intervalSeconds: 10, timeoutSeconds: 5, failures: 3 });
    expect(() =>
      parseRegistry(
        { budgetGb: 1, workers: [{ name: 'r', url: 'http://127.0.0.1:1/v1', preload: true }] },
        '/tmp',
      ),
    ).toThrow();
  });
});

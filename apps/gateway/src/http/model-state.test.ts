// The states clients see (GET /v1/models, load-progress comments), from the worker's lifecycle states.
import { workerStateSchema } from '@klody/gateway-client/schemas';
import { describe, expect, it } from 'vitest';
import { modelState, needsLoad, waitDescription } from './model-state.js';

describe('modelState', () => {
  it('maps every lifecycle state', () => {
    const mapped = Object.fromEntries(
      workerStateSchema.options.map((state) => [state, modelState(state, 0)]),
    );
    expect(mapped).toEqual({
      stopped: 'stopped',
      starting: 'loading',
      ready: 'ready',
      stopping: 'stopped',
      failed: 'failed',
      survivor: 'failed',
      remote: 'remote',
    });
  });

  it('shows a stopped worker that requests wait for as loading', () => {
    expect(modelState('stopped', 2)).toBe('loading');
    expect(modelState('ready', 2)).toBe('ready');
    expect(modelState('failed', 1)).toBe('failed');
  });
});

describe('needsLoad', () => {
  it('is true where a request waits for a process to start (a survivor still answers)', () => {
    const waiting = workerStateSchema.options.filter(needsLoad);
    expect(waiting).toEqual(['stopped', 'starting', 'stopping', 'failed']);
  });

  it('words what a waiting request waits for', () => {
    expect(waitDescription('starting')).toBe('loading');
    expect(waitDescription('stopped')).toBe('waiting for room');
    expect(waitDescription('stopping')).toBe('waiting for its previous process to stop');
  });
});

import { describe, expect, it, vi } from 'vitest';
import { parentOfSleeper, sleeper, useChildren } from '../../fixtures/child-processes.js';
import { isProcessAlive, isProcessGroupAlive } from './process-state.js';
import { signalProcessGroup } from './signal-process-group.js';
import { stopProcessGroup } from './stop-process-group.js';

const children = useChildren();

describe('stopProcessGroup', () => {
  it('stops a process that heeds SIGTERM without SIGKILL', async () => {
    const child = await children.node(sleeper());
    const onKill = vi.fn();
    expect(await stopProcessGroup(child.pid, { graceMs: 5_000, onKill })).toBe(true);
    expect(await child.exited).toEqual([null, 'SIGTERM']);
    expect(onKill).not.toHaveBeenCalled();
  });

  it('sends SIGKILL once the grace has passed to a process that ignores SIGTERM', async () => {
    const child = await children.node(sleeper({ ignoreSigterm: true }));
    const onKill = vi.fn();
    const started = Date.now();
    expect(await stopProcessGroup(child.pid, { graceMs: 200, onKill })).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(onKill).toHaveBeenCalledOnce();
    expect(await child.exited).toEqual([null, 'SIGKILL']);
  });

  it('stops the children of the group too', async () => {
    const leader = await children.node(parentOfSleeper);
    const member = Number(leader.firstLine);
    expect(await stopProcessGroup(leader.pid, { graceMs: 5_000 })).toBe(true);
    expect(isProcessAlive(member)).toBe(false);
    expect(isProcessGroupAlive(leader.pid)).toBe(false);
  });

  it('reports a survivor instead of hiding it', async () => {
    // The kernel always honours SIGKILL: survival is simulated by a signal function that drops it.
    const child = await children.node(sleeper({ ignoreSigterm: true }));
    const sent: string[] = [];
    const gone = await stopProcessGroup(child.pid, {
      graceMs: 100,
      killWaitMs: 100,
      signal: (pid, signal) => {
        sent.push(signal);
        if (signal === 'SIGTERM') signalProcessGroup(pid, signal);
      },
    });
    expect(gone).toBe(false);
    expect(sent).toEqual(['SIGTERM', 'SIGKILL']);
    expect(isProcessAlive(child.pid)).toBe(true);
  });

  it('asks the given liveness check, and returns at once when the process is already gone', async () => {
    const signal = vi.fn();
    const started = Date.now();
    expect(await stopProcessGroup(123_456, { graceMs: 5_000, isAlive: () => false, signal })).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signal.mock.calls).toEqual([[123_456, 'SIGTERM']]);
  });
});

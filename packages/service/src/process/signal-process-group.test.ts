import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parentOfSleeper, sleeper, useChildren } from '../../fixtures/child-processes.js';
import { isProcessAlive } from './process-state.js';
import { signalProcess, signalProcessGroup } from './signal-process-group.js';

const children = useChildren();

describe('signalProcessGroup', () => {
  it('reaches the whole group: the children its leader started too', async () => {
    const leader = await children.node(parentOfSleeper);
    const member = Number(leader.firstLine);
    expect(isProcessAlive(member)).toBe(true);
    expect(signalProcessGroup(leader.pid, 'SIGTERM')).toBe(true);
    expect(await leader.exited).toEqual([null, 'SIGTERM']);
    const deadline = Date.now() + 5_000;
    while (isProcessAlive(member) && Date.now() < deadline) await sleep(10);
    expect(isProcessAlive(member)).toBe(false);
  });

  it('signals the process alone when it leads no group', async () => {
    const child = await children.node(sleeper(), { detached: false });
    expect(signalProcessGroup(child.pid, 'SIGTERM')).toBe(true);
    expect(await child.exited).toEqual([null, 'SIGTERM']);
  });

  it('says false, and does not throw, when there is nothing to signal', async () => {
    const child = await children.node(sleeper());
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    expect(signalProcessGroup(child.pid, 'SIGTERM')).toBe(false);
    expect(signalProcess(child.pid, 'SIGTERM')).toBe(false);
    // 0 and negative numbers would name this process's own group: never signalled.
    for (const pid of [0, -1, -process.pid]) {
      expect(signalProcessGroup(pid, 'SIGCONT')).toBe(false);
      expect(signalProcess(pid, 'SIGCONT')).toBe(false);
    }
  });
});

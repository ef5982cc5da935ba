import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parentOfSleeper, sleeper, useChildren } from '../../fixtures/child-processes.js';
import { isProcessAlive, isProcessGroupAlive } from './process-state.js';

const children = useChildren();

async function until(condition: () => boolean, what: string, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${withinMs} ms`);
    await sleep(10);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('isProcessAlive', () => {
  it('is true for a running process and false once it has exited', async () => {
    const child = await children.node(sleeper(), { detached: false });
    expect(isProcessAlive(child.pid)).toBe(true);
    expect(isProcessAlive(process.pid)).toBe(true);
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    expect(isProcessAlive(child.pid)).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('counts a zombie as dead', async () => {
    // `sleep 30` replaces the shell and never waits for the background `sleep 0.2`: once that one
    // exits, it stays a zombie.
    const parent = await children.command('/bin/sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30']);
    const zombie = Number(parent.firstLine);
    const state = () => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]?.[0];
    await until(() => state() === 'Z', 'the background process becoming a zombie');
    expect(() => process.kill(zombie, 0)).not.toThrow(); // the kernel still knows it…
    expect(isProcessAlive(zombie)).toBe(false); // …but it holds nothing any more
  });

  it('counts a process it may not signal (EPERM) as alive', () => {
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    expect(isProcessAlive(4_000_000)).toBe(true);
    expect(isProcessGroupAlive(4_000_000)).toBe(true);
  });

  it('never calls something that is not a pid alive (0 and negative numbers name groups)', () => {
    for (const pid of [0, -1, -process.pid, 1.5, Number.NaN]) expect(isProcessAlive(pid)).toBe(false);
    for (const pid of [0, -1, 1.5]) expect(isProcessGroupAlive(pid)).toBe(false);
  });
});

describe('isProcessGroupAlive', () => {
  it('is true while a member of the group runs, after its leader has exited', async () => {
    const leader = await children.node(parentOfSleeper);
    const member = Number(leader.firstLine);
    process.kill(leader.pid, 'SIGKILL');
    await leader.exited;
    expect(isProcessAlive(leader.pid)).toBe(false);
    expect(isProcessGroupAlive(leader.pid)).toBe(true);
    process.kill(member, 'SIGKILL');
    // The orphan is reaped by init, or stays a zombie where init does not reap: dead either way.
    await until(() => !isProcessGroupAlive(leader.pid), 'the group being gone');
  });

  it('looks at the process alone when it leads no group', async () => {
    const child = await children.node(sleeper(), { detached: false });
    expect(() => process.kill(-child.pid, 0)).toThrow(); // no group of that id
    expect(isProcessGroupAlive(child.pid)).toBe(true);
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    expect(isProcessGroupAlive(child.pid)).toBe(false);
  });
});

// The worker table's retirement: a reload keeps the entry (and the process) of a worker whose process
// is the same, and retires, apart from the listed workers, one that is removed or becomes another
// process. Through the manager: a retired worker drains, then stops, and leaves the new one's PID
// record alone. No process is started here (an instant fake runtime).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../registry/index.js';
import { LogFiles } from './log-files.js';
import { PidRecords } from './pid-records.js';
import type { ProcessRuntime } from './process-runtime.js';
import { WorkerManager } from './worker-manager.js';
import { WorkerTable } from './worker-table.js';

const home = () => mkdtempSync(join(tmpdir(), 'klody-table-'));

function registry(workers: Array<{ name: string; port: number; aliases?: string[]; slots?: number }>) {
  return parseRegistry(
    {
      budgetGb: 4,
      workers: workers.map((worker) => ({ command: '/bin/fake', estimatedGb: 0.5, ...worker })),
    },
    home(),
  ).registry;
}

describe('WorkerTable', () => {
  it('keeps the entry of a worker whose process is the same, with its new aliases and slots', () => {
    const table = new WorkerTable(registry([{ name: 'a', port: 19_200 }]), '/config');
    const entry = table.entry('a');
    entry.pid = 4242;
    table.apply(registry([{ name: 'a', port: 19_200, aliases: ['alpha'], slots: 3 }]), '/config');
    expect(table.entry('a')).toBe(entry);
    expect(entry.pid).toBe(4242);
    expect(entry.slots.free).toBe(3);
    expect(table.resolve('alpha')).toBe('a');
    expect(table.retired()).toEqual([]);
  });

  it('retires a worker that became another process, and one that was removed, apart from the listed ones', () => {
    const table = new WorkerTable(
      registry([
        { name: 'a', port: 19_200 },
        { name: 'b', port: 19_201, aliases: ['bee'] },
      ]),
      '/config',
    );
    const oldA = table.entry('a');
    const oldB = table.entry('b');
    table.apply(registry([{ name: 'a', port: 19_202 }]), '/other');
    expect(table.configDirectory).toBe('/other');
    expect(table.entry('a')).not.toBe(oldA);
    expect(table.retired()).toEqual([oldB, oldA]);
    expect(oldA.key).toBe('a (retired 2)');
    expect(oldB.key).toBe('b (retired 1)');
    expect(table.find('a (retired 2)')).toBe(oldA);
    expect(table.find('a')).toBe(table.entry('a'));
    // A retired worker is never handed out again, by name or by alias.
    expect(() => table.entry('b')).toThrow(/unknown worker "b"/);
    expect(table.resolve('bee')).toBeNull();
    expect(table.isRetired(oldB)).toBe(true);
    expect(table.all().map((entry) => entry.key)).toEqual(['a', 'b (retired 1)', 'a (retired 2)']);
  });

  it('keeps every retired generation of a name apart, and forgets one once stopped', () => {
    const table = new WorkerTable(registry([{ name: 'a', port: 19_200 }]), '/config');
    const first = table.entry('a');
    table.apply(registry([{ name: 'a', port: 19_201 }]), '/config');
    const second = table.entry('a');
    table.apply(registry([{ name: 'a', port: 19_202 }]), '/config');
    expect(table.retired()).toEqual([first, second]);
    table.forget(first);
    expect(table.retired()).toEqual([second]);
    table.forget(table.entry('a')); // a listed worker is not forgotten
    expect(table.entry('a').config).toMatchObject({ port: 19_202 });
  });
});

/** Processes that start healthy at once and stop as soon as they are signalled. */
function instantRuntime(): ProcessRuntime & { signalled: number[] } {
  const alive = new Set<number>();
  const signalled: number[] = [];
  let nextPid = 5_000;
  return {
    signalled,
    spawn: () => {
      alive.add(nextPid);
      return { pid: nextPid++, exited: new Promise(() => {}) };
    },
    isAlive: (pid) => alive.has(pid),
    signal: (pid) => {
      signalled.push(pid);
      alive.delete(pid);
    },
    isListening: () => null,
    startTime: () => null,
    portInUse: async () => false,
    probeHealth: async () => true,
  };
}

describe('a reload that replaces a worker serving a request', () => {
  it('lets the old process finish, then stops it, leaving the new process and its record alone', async () => {
    const runtime = instantRuntime();
    const folder = home();
    const records = new PidRecords(join(folder, 'run'));
    const manager = new WorkerManager({
      registry: registry([{ name: 'a', port: 19_200 }]),
      configDirectory: folder,
      runtime,
      records,
      logs: new LogFiles({ directory: join(folder, 'logs') }),
      memory: { processTreeBytes: async () => null, availableBytes: async () => null },
      logger: { info() {}, warn() {}, error() {} },
    });
    const lease = await manager.acquire('a');
    const oldPid = manager.status()[0]?.pid;
    manager.reload(registry([{ name: 'a', port: 19_201 }]), folder);
    expect(manager.status().map(({ name, state, pid }) => ({ name, state, pid }))).toEqual([
      { name: 'a', state: 'stopped', pid: null },
      { name: 'a (retired 1)', state: 'ready', pid: oldPid },
    ]);
    // The new process starts on its own port while the old one drains; its record replaces the old one.
    const next = await manager.acquire('a');
    const newPid = manager.status()[0]?.pid;
    expect(records.read('a')?.pid).toBe(newPid);
    lease.release();
    await expect.poll(() => manager.status().length).toBe(1);
    expect(runtime.signalled).toEqual([oldPid]);
    expect(records.read('a')?.pid).toBe(newPid);
    expect(manager.summary().evictions).toEqual({ a: 0 });
    next.release();
  });
});

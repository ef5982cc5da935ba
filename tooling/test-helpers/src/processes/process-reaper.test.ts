import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '@klody/service/process';
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run-fixture.js';
import { createProcessReaper } from './process-reaper.js';

const node = process.execPath;

describe('createProcessReaper', () => {
  it('stops a process and the children it started', async () => {
    const reaper = createProcessReaper();
    const parent = reaper.spawn(node, [
      '-e',
      `const { spawn } = require('node:child_process');
       const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       console.log('grandchild ' + grandchild.pid);
       setInterval(() => {}, 1000);`,
    ]);
    const output = await parent.waitForOutput(/grandchild \d+/);
    const grandchildPid = Number(/grandchild (\d+)/.exec(output)?.[1]);
    expect(isProcessAlive(parent.pid)).toBe(true);
    expect(isProcessAlive(grandchildPid)).toBe(true);

    await reaper.reapAll();

    expect(isProcessAlive(parent.pid)).toBe(false);
    await sleep(50); // init reaps the orphaned grandchild
    expect(isProcessAlive(grandchildPid)).toBe(false);
    expect(reaper.running).toBe(0);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const reaper = createProcessReaper();
    const stubborn = reaper.spawn(node, [
      '-e',
      `process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);`,
    ]);
    await stubborn.waitForOutput('ready');
    const exit = await stubborn.stop(200);
    expect(exit.signal).toBe('SIGKILL');
    expect(isProcessAlive(stubborn.pid)).toBe(false);
  });

  it('rejects waitForOutput with the output when the process exits first', async () => {
    const reaper = createProcessReaper();
    const quitter = reaper.spawn(node, ['-e', 'console.error("boom"); process.exit(3)']);
    await expect(quitter.waitForOutput('never printed')).rejects.toThrow(/exited before printing[\s\S]*boom/);
    expect((await quitter.exited).code).toBe(3);
  });
});

describe('a test process stopped by a signal', () => {
  it('stops the processes it started before it dies', async () => {
    const helpers = new URL('./process-reaper.ts', import.meta.url).href;
    const reaper = createProcessReaper();
    // A process that uses a reaper, like a test worker, and is then sent SIGTERM (a CI timeout).
    const user = reaper.spawn(node, [
      // On sources, as every test runs: the reaper imports @klody/service, unbuilt.
      '--conditions=@klody/source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { createProcessReaper } from ${JSON.stringify(helpers)};
       const child = createProcessReaper().spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
       console.log('child ' + child.pid);
       setInterval(() => {}, 1000);`,
    ]);
    const output = await user.waitForOutput(/child \d+/);
    const childPid = Number(/child (\d+)/.exec(output)?.[1]);
    expect(isProcessAlive(childPid)).toBe(true);
    process.kill(user.pid, 'SIGTERM');
    expect((await user.exited).signal).toBe('SIGTERM');
    await sleep(100);
    expect(isProcessAlive(childPid)).toBe(false);
  });
});

describe('spawnForTest in a failing test', () => {
  it('still stops the process when the test fails', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'klody-reaper-')), 'pid');
    const run = runFixture('failing-test-with-process.fixture.ts', { ...process.env, PID_FILE: pidFile });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('failing on purpose');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
  });
});

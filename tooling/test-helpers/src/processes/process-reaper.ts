import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { isProcessGroupAlive, signalProcessGroup, stopProcessGroup } from '@klody/service/process';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ReapedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything written so far to stdout and stderr, interleaved as it arrived. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output once it matches `pattern`; rejects on timeout or exit, quoting the output. */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Settles when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

export interface ProcessReaper {
  spawn(command: string, args?: readonly string[], options?: SpawnOptions): ReapedProcess;
  /** Stops every process this reaper started that is still running, with its children. */
  reapAll(graceMs?: number): Promise<void>;
  readonly running: number;
}

// Process groups still alive in this process, across reapers: killed synchronously if the test
// process itself exits, so a crashed or interrupted test run leaves no orphan behind.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killLiveGroups(): void {
  for (const pid of liveGroups) signalProcessGroup(pid, 'SIGKILL');
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killLiveGroups);
  // A signal (Ctrl-C on the test run, a CI timeout) ends the process without 'exit' handlers
  // running: stop the children first, then let the signal do what it would have done.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killLiveGroups();
      process.removeListener(signal, onSignal);
      // Only re-raise when nobody else handles it (vitest does for SIGINT: it then exits itself).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function startProcess(command: string, args: readonly string[], options: SpawnOptions): ReapedProcess {
  // detached: the child leads a process group of its own, so stop() reaches its children too.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}: ${child.spawnfile} did not get a pid`);
  }
  const pid = child.pid;
  liveGroups.add(pid);
  installExitHook();

  let combined = '';
  let stdoutText = '';
  let stderrText = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdoutText += text;
    combined += text;
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderrText += text;
    combined += text;
    for (const listener of listeners) listener();
  });

  let hasExited = false;
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.on('error', () => {
      hasExited = true;
      resolveExit({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => {
      hasExited = true;
      for (const listener of listeners) listener();
      resolveExit({ code, signal });
    });
  });

  async function stop(graceMs = 2_000): Promise<ProcessExit> {
    // A group that survives SIGKILL stays listed: the exit hook tries again when the test process ends.
    if (await stopProcessGroup(pid, { graceMs })) liveGroups.delete(pid);
    return exited;
  }

  function waitForOutput(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const matches = () => (typeof pattern === 'string' ? combined.includes(pattern) : pattern.test(combined));
    return new Promise((resolveMatch, reject) => {
      const check = () => {
        if (matches()) {
          cleanup();
          resolveMatch(combined);
        } else if (hasExited) {
          cleanup();
          reject(new Error(`${command} exited before printing ${pattern}; its output:\n${combined}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`${command} did not print ${pattern} within ${timeoutMs} ms; its output:\n${combined}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  void exited.then(() => {
    if (!isProcessGroupAlive(pid)) liveGroups.delete(pid);
  });

  return {
    pid,
    child,
    output: () => combined,
    stdout: () => stdoutText,
    stderr: () => stderrText,
    waitForOutput,
    exited,
    stop,
  };
}

/** Starts child processes that are always reaped: by `reapAll()`, and by a hook if the test process exits. */
export function createProcessReaper(): ProcessReaper {
  const started = new Set<ReapedProcess>();
  return {
    spawn(command, args = [], options = {}) {
      const reaped = startProcess(command, args, options);
      started.add(reaped);
      return reaped;
    },
    async reapAll(graceMs) {
      await Promise.all([...started].map((reaped) => reaped.stop(graceMs)));
      started.clear();
    },
    get running() {
      return [...started].filter((reaped) => isProcessGroupAlive(reaped.pid)).length;
    },
  };
}

// The worker manager's effects on real processes, behind one interface so that the manager's
// decisions can be unit-tested with a fake runtime (testing/fake-runtime.ts).
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { connect } from 'node:net';
import { isProcessAlive, probeHealth, signalProcessGroup } from '@klody/service/process';
import { isListeningOnPort, processStartTime } from './listening-sockets.js';
import type { LogFiles } from './log-files.js';

export interface SpawnSpecification {
  name: string;
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string | undefined;
}

export interface SpawnedProcess {
  pid: number;
  /** Settles when the process exits (only known for processes this gateway spawned). */
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export interface ProcessRuntime {
  spawn(specification: SpawnSpecification): SpawnedProcess;
  isAlive(pid: number): boolean;
  /** Signals the worker's process group (it leads one: spawned detached), falling back to the pid. */
  signal(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void;
  /** Whether the process tree owns a listening socket on the port; null when it cannot be told. */
  isListening(pid: number, port: number): boolean | null;
  startTime(pid: number): string | null;
  /** Whether anything accepts TCP connections on 127.0.0.1:port. */
  portInUse(port: number): Promise<boolean>;
  /** GET url; true on a 2xx answer within the timeout. */
  probeHealth(url: string, timeoutMs: number): Promise<boolean>;
}

export function createProcessRuntime(logs: LogFiles): ProcessRuntime {
  return {
    spawn(specification) {
      const descriptor = logs.open(specification.name);
      try {
        // detached: the worker leads its own process group and session, so it outlives the gateway
        // (a gateway restart adopts it) and a group signal reaches the children it starts.
        const child = spawn(specification.command, [...specification.args], {
          cwd: specification.cwd,
          env: { ...process.env, ...specification.env },
          stdio: ['ignore', descriptor, descriptor],
          detached: true,
        });
        const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
          child.once('error', (error) => {
            logs.rotateIfLarge(specification.name);
            resolve({ code: null, signal: `spawn error: ${error.message}` });
          });
          child.once('exit', (code, signal) => resolve({ code, signal }));
        });
        child.unref();
        if (child.pid === undefined) {
          return { pid: -1, exited };
        }
        return { pid: child.pid, exited };
      } finally {
        closeSync(descriptor);
      }
    },
    // A zombie (exited, not reaped yet) holds no memory and no port: it counts as dead.
    isAlive: isProcessAlive,
    signal(pid, signal) {
      signalProcessGroup(pid, signal);
    },
    isListening: (pid, port) => (process.platform === 'linux' ? isListeningOnPort(pid, port) : null),
    startTime: (pid) => (process.platform === 'linux' ? processStartTime(pid) : null),
    portInUse(port) {
      return new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.setTimeout(500);
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('timeout', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    },
    async probeHealth(url, timeoutMs) {
      return (await probeHealth(url, { timeoutMs })).healthy;
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { type HealthAnswer, stopProcessGroup, waitForHealthy } from '@klody/service/process';
import type { ServiceDefinition } from './service-definition.js';
import { StackError } from './stack-error.js';

export interface ServiceExit {
  service: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  name: string;
  url: string;
  pid: number;
}

export interface RunningStack {
  readonly services: readonly RunningService[];
  /** Settles when a service stops on its own (a crash): the stack is then incomplete. */
  readonly unexpectedExit: Promise<ServiceExit>;
  /** Stops every service, the last started first; resolves when all have exited. */
  stop(): Promise<void>;
}

export interface StartStackOptions {
  /** Receives every line the services print, prefixed with their name. */
  log?: (line: string) => void;
  /** Called when a service is healthy. */
  onReady?: (service: RunningService) => void;
}

interface Supervised {
  definition: ServiceDefinition;
  child: ChildProcess;
  pid: number;
  exited: Promise<ServiceExit>;
  recentLines: string[];
  stopping: boolean;
}

const keptLines = 40;

function launch(definition: ServiceDefinition, log: (line: string) => void): Supervised {
  // Each service leads its own process group: Ctrl-C reaches only the supervisor, which then stops
  // the services in order, each the way it must be stopped (a gateway stops its workers first).
  const child = spawn(definition.command, [...definition.args], {
    cwd: definition.cwd,
    env: { ...process.env, ...definition.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) {
    throw new StackError(
      'service_failed_to_start',
      definition.name,
      `${definition.name}: could not run ${definition.command}`,
    );
  }
  const supervised: Supervised = {
    definition,
    child,
    pid: child.pid,
    recentLines: [],
    stopping: false,
    exited: new Promise((resolveExit) => {
      child.on('exit', (code, signal) => resolveExit({ service: definition.name, code, signal }));
    }),
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8').on('data', (text: string) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        supervised.recentLines.push(line);
        if (supervised.recentLines.length > keptLines) supervised.recentLines.shift();
        log(`[${definition.name}] ${line}`);
      }
    });
  }
  return supervised;
}

async function waitHealthy(service: Supervised): Promise<void> {
  const { definition } = service;
  const timeoutMs = definition.readyTimeoutMs ?? 120_000;
  // A service that exits while starting stops the wait at once.
  const exited = new AbortController();
  void service.exited.then(() => exited.abort());
  const lastLines = () => service.recentLines.join('\n');
  let answer: HealthAnswer;
  try {
    answer = await waitForHealthy(definition.healthUrl, {
      timeoutMs,
      signal: exited.signal,
      intervalMs: 100,
      maxIntervalMs: 100,
    });
  } catch (error) {
    if (!exited.signal.aborted) throw error;
    const exit = await service.exited;
    throw new StackError(
      'service_failed_to_start',
      definition.name,
      `${definition.name} exited (code ${exit.code}, signal ${exit.signal}) before it was ready. Its last lines:\n${lastLines()}`,
    );
  }
  if (answer.healthy) return;
  throw new StackError(
    'service_failed_to_start',
    definition.name,
    `${definition.name} was not ready within ${Math.round(timeoutMs / 1000)} s (${definition.healthUrl}: ${answer.problem}). Its last lines:\n${lastLines()}`,
  );
}

async function stopService(service: Supervised): Promise<void> {
  service.stopping = true;
  await stopProcessGroup(service.pid, { graceMs: service.definition.stopGraceMs ?? 15_000, pollMs: 50 });
  await service.exited;
}

/**
 * Starts the services one after the other (a later one may need an earlier one, as every organ
 * needs the gateway), each once the previous is healthy. If one fails, those already started are
 * stopped and the error names the service and quotes its last lines.
 */
export async function startStack(
  definitions: readonly ServiceDefinition[],
  options: StartStackOptions = {},
): Promise<RunningStack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started: Supervised[] = [];
  const stopAll = async () => {
    for (const service of [...started].reverse()) await stopService(service);
  };
  try {
    for (const definition of definitions) {
      const service = launch(definition, log);
      started.push(service);
      await waitHealthy(service);
      options.onReady?.({ name: definition.name, url: definition.url, pid: service.pid });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const unexpectedExit = Promise.race(
    started.map((service) =>
      service.exited.then((exit) => (service.stopping ? new Promise<ServiceExit>(() => {}) : exit)),
    ),
  );
  let stopping: Promise<void> | undefined;
  return {
    services: started.map((service) => ({
      name: service.definition.name,
      url: service.definition.url,
      pid: service.pid,
    })),
    unexpectedExit,
    stop: () => {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

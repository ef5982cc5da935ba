// A long-lived helper program driven over JSON lines on its stdin and stdout: the Python workers of
// faster-whisper and Piper, which load a model once and then answer requests.
//
// Why a child process with JSON lines rather than a loopback HTTP server: the model is loaded once and
// reused, which is the point, and its only client is the Node process that owns it. Pipes give that
// without a port to choose and guard (no bind rules, no key, nothing another local program can reach),
// and the worker's life is tied to ours: when our end of stdin closes, it exits. Requests are answered
// one at a time (a model on CPU decodes one input at a time), so there is no framing beyond lines.
//
// The protocol: the worker first writes {"event":"ready", ...} once loaded, or
// {"event":"fatal","error":{"code","message"}} and exits; then answers each {"id", ...request} with
// {"id", "result"} or {"id", "error":{"code","message"}}.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { VoiceError, type VoiceErrorCode } from '../errors/index.js';

export interface JsonLinesWorkerOptions {
  /** Engine id, at the start of every error message. */
  engine: string;
  /** The program (a virtual environment's Python) and its arguments (the script and its flags). */
  command: string;
  args: readonly string[];
  /** What the model is, for the "did not load" message. */
  model: string;
  /** How to get the program and its packages, appended to "not found" and "cannot import" errors. */
  installHint: string;
  /** How long loading the model may take (ms). */
  startTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export interface JsonLinesWorker<Ready, Request, Result> {
  /** The worker's ready message (without `event`), once its model is loaded. */
  readonly ready: Promise<Ready>;
  /** Sends one request and waits for its answer; the worker must be idle (the engine queues). */
  request(body: Request, timeoutMs: number): Promise<Result>;
  /**
   * True once the process has failed, been killed or exited: it is then replaced by the engine on the
   * next request (a killed process is counted at once, not when its exit event arrives).
   */
  readonly exited: boolean;
  /** Ends the process: stdin closed, then SIGKILL if it has not gone within a second. */
  close(): Promise<void>;
  /** Stops it at once (a cancelled or timed-out request: the decoding cannot be interrupted otherwise). */
  kill(reason: VoiceError): void;
}

const knownCodes = new Set<VoiceErrorCode>([
  'invalid_options',
  'unknown_language',
  'engine_unavailable',
  'engine_failed',
]);

function toVoiceError(engine: string, error: { code?: unknown; message?: unknown } | undefined): VoiceError {
  const code = knownCodes.has(error?.code as VoiceErrorCode)
    ? (error?.code as VoiceErrorCode)
    : 'engine_failed';
  return new VoiceError(code, `${engine}: ${String(error?.message ?? 'the worker failed')}`);
}

export function startJsonLinesWorker<Ready, Request extends object, Result>(
  options: JsonLinesWorkerOptions,
): JsonLinesWorker<Ready, Request, Result> {
  const { engine } = options;
  const child: ChildProcessWithoutNullStreams = spawn(options.command, [...options.args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Nothing fetched at run time: a Hugging Face library that would download must fail instead.
    env: { ...(options.env ?? process.env), HF_HUB_OFFLINE: '1', PYTHONUNBUFFERED: '1' },
  });
  const stderrTail: string[] = [];
  let exited = false;
  let failure: VoiceError | null = null;
  let pending: {
    id: number;
    resolve: (result: Result) => void;
    reject: (error: VoiceError) => void;
    timer: NodeJS.Timeout;
  } | null = null;
  let nextId = 1;
  let markReady!: (ready: Ready) => void;
  let failReady!: (error: VoiceError) => void;
  const ready = new Promise<Ready>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // A caller that never awaits `ready` must not see an unhandled rejection.
  ready.catch(() => {});
  let isReady = false;

  // While idle, the process must not keep a CLI run alive; while busy, it must.
  const streams = [child.stdin, child.stdout, child.stderr] as unknown as Socket[];
  const hold = (busy: boolean) => {
    if (busy) {
      child.ref();
      for (const stream of streams) stream.ref?.();
    } else {
      child.unref();
      for (const stream of streams) stream.unref?.();
    }
  };
  hold(true);

  const tail = () => (stderrTail.length > 0 ? `: ${stderrTail.slice(-3).join(' | ')}` : '');
  const fail = (error: VoiceError) => {
    failure ??= error;
    if (!isReady) failReady(error);
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      pending = null;
    }
  };

  const startTimer = setTimeout(() => {
    kill(
      new VoiceError(
        'engine_unavailable',
        `${engine}: the model in ${options.model} did not load within ${options.startTimeoutMs} ms`,
      ),
    );
  }, options.startTimeoutMs);

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    for (const line of text.split('\n')) {
      if (line.trim()) stderrTail.push(line.trim());
    }
    if (stderrTail.length > 20) stderrTail.splice(0, stderrTail.length - 20);
  });
  child.stdin.on('error', () => {}); // a dead worker is reported by 'exit', not as EPIPE
  child.on('error', (error: NodeJS.ErrnoException) => {
    exited = true;
    clearTimeout(startTimer);
    fail(
      error.code === 'ENOENT'
        ? new VoiceError(
            'engine_unavailable',
            `${engine}: ${options.command} not found (${options.installHint})`,
            { cause: error },
          )
        : new VoiceError('engine_failed', `${engine}: could not start ${options.command}: ${error.message}`, {
            cause: error,
          }),
    );
  });
  child.on('exit', (code, signal) => {
    exited = true;
    clearTimeout(startTimer);
    fail(new VoiceError('engine_failed', `${engine}: the worker exited with ${code ?? signal}${tail()}`));
  });

  createInterface({ input: child.stdout }).on('line', (line) => {
    let message: {
      event?: string;
      id?: number;
      result?: Result;
      error?: { code?: unknown; message?: unknown };
    };
    try {
      message = JSON.parse(line);
    } catch {
      stderrTail.push(`stdout: ${line.slice(0, 200)}`);
      return;
    }
    if (message.event === 'ready') {
      clearTimeout(startTimer);
      isReady = true;
      hold(false);
      const { event: _event, ...ready } = message;
      markReady(ready as Ready);
      return;
    }
    if (message.event === 'fatal') {
      clearTimeout(startTimer);
      const error = toVoiceError(engine, message.error);
      const hint = error.code === 'engine_unavailable' ? ` (${options.installHint})` : '';
      fail(new VoiceError(error.code, `${error.message}${hint}`));
      return;
    }
    if (!pending || message.id !== pending.id) return; // an answer to a request we gave up on
    const current = pending;
    pending = null;
    clearTimeout(current.timer);
    hold(false);
    if (message.result) current.resolve(message.result);
    else current.reject(toVoiceError(engine, message.error));
  });

  function kill(reason: VoiceError): void {
    fail(reason);
    if (!exited) child.kill('SIGKILL');
  }

  return {
    ready,
    get exited() {
      return exited || failure !== null;
    },
    async request(body, timeoutMs) {
      await ready;
      if (failure) throw failure;
      if (pending) throw new VoiceError('engine_failed', `${engine}: a request is already running`);
      hold(true);
      return new Promise<Result>((resolve, reject) => {
        const id = nextId;
        nextId += 1;
        const timer = setTimeout(
          () =>
            kill(
              new VoiceError('engine_failed', `${engine}: no answer within ${timeoutMs} ms; worker stopped`),
            ),
          timeoutMs,
        );
        pending = { id, resolve, reject, timer };
        child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
      });
    },
    kill,
    close() {
      if (exited) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 1000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.stdin.end();
      });
    },
  };
}

// The TypeScript end of faster_whisper_worker.py: one long-lived Python process, JSON lines over its
// stdin and stdout.
//
// Why a child process with JSON lines rather than a loopback HTTP server: the model is loaded once and
// reused, which is the point, and its only client is the Node process that owns it. Pipes give that
// without a port to choose and guard (no bind rules, no key, nothing another local program can reach),
// and the worker's life is tied to ours: when our end of stdin closes, it exits. Requests are answered
// one at a time (the model decodes one input at a time on CPU), so there is no framing beyond lines.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { VoiceError, type VoiceErrorCode } from '../../errors/index.js';

export interface FasterWhisperProcessOptions {
  /** The Python that can import faster_whisper (the models' virtual environment). */
  python: string;
  /** faster_whisper_worker.py */
  script: string;
  /** The CTranslate2 Whisper folder. */
  model: string;
  threads: number;
  computeType: string;
  /** How long loading the model may take (ms). */
  startTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export interface WorkerWord {
  start: number;
  end: number;
  word: string;
  probability: number;
}

export interface WorkerSegment {
  start: number;
  end: number;
  text: string;
  words: WorkerWord[] | null;
}

export interface WorkerResult {
  language: string;
  languageProbability: number;
  duration: number;
  segments: WorkerSegment[];
}

export interface WorkerRequest {
  /** base64 of 16 kHz mono 16-bit little-endian PCM. */
  audio: string;
  language: string | null;
  prompt: string | null;
  words: boolean;
  beamSize: number;
}

export interface WorkerReady {
  loadSeconds: number;
  threads: number;
  computeType: string;
}

export interface FasterWhisperProcess {
  readonly ready: Promise<WorkerReady>;
  /** Sends one request and waits for its answer; the process must be idle (the engine queues). */
  request(body: WorkerRequest, timeoutMs: number): Promise<WorkerResult>;
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

const engine = 'faster-whisper';
const knownCodes = new Set<VoiceErrorCode>([
  'invalid_options',
  'unknown_language',
  'engine_unavailable',
  'engine_failed',
]);

function toVoiceError(error: { code?: unknown; message?: unknown } | undefined): VoiceError {
  const code = knownCodes.has(error?.code as VoiceErrorCode)
    ? (error?.code as VoiceErrorCode)
    : 'engine_failed';
  return new VoiceError(code, `${engine}: ${String(error?.message ?? 'the worker failed')}`);
}

export function startFasterWhisperProcess(options: FasterWhisperProcessOptions): FasterWhisperProcess {
  const child: ChildProcessWithoutNullStreams = spawn(
    options.python,
    [
      options.script,
      '--model',
      options.model,
      '--threads',
      String(options.threads),
      '--compute-type',
      options.computeType,
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...(options.env ?? process.env), HF_HUB_OFFLINE: '1', PYTHONUNBUFFERED: '1' },
    },
  );
  const stderrTail: string[] = [];
  let exited = false;
  let failure: VoiceError | null = null;
  let pending: {
    id: number;
    resolve: (result: WorkerResult) => void;
    reject: (error: VoiceError) => void;
    timer: NodeJS.Timeout;
  } | null = null;
  let nextId = 1;
  let markReady!: (ready: WorkerReady) => void;
  let failReady!: (error: VoiceError) => void;
  const ready = new Promise<WorkerReady>((resolve, reject) => {
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
            `${engine}: ${options.python} not found (the Python with faster-whisper; run pnpm klody-models install)`,
            { cause: error },
          )
        : new VoiceError('engine_failed', `${engine}: could not start ${options.python}: ${error.message}`, {
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
      result?: WorkerResult;
      error?: { code?: unknown; message?: unknown };
    } & Partial<WorkerReady>;
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
      markReady({
        loadSeconds: Number(message.loadSeconds),
        threads: Number(message.threads),
        computeType: String(message.computeType),
      });
      return;
    }
    if (message.event === 'fatal') {
      clearTimeout(startTimer);
      const error = toVoiceError(message.error);
      const hint = error.code === 'engine_unavailable' ? ' (run pnpm klody-models install)' : '';
      fail(new VoiceError(error.code, `${error.message}${hint}`));
      return;
    }
    if (!pending || message.id !== pending.id) return; // an answer to a request we gave up on
    const current = pending;
    pending = null;
    clearTimeout(current.timer);
    hold(false);
    if (message.result) current.resolve(message.result);
    else current.reject(toVoiceError(message.error));
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
      return new Promise<WorkerResult>((resolve, reject) => {
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

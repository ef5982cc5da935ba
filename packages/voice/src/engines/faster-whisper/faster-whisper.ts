import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { MonoAudio } from '../../audio/pcm-audio.js';
import { toMonoAt } from '../../audio/resample.js';
import { floatToPcm16 } from '../../audio/wav.js';
import { throwIfAborted, VoiceError } from '../../errors/index.js';
import { formatLanguage } from '../../language/language-codes.js';
import { type JsonLinesWorker, startJsonLinesWorker } from '../../process/json-lines-worker.js';
import { packageScriptPath } from '../../process/package-script.js';
import type {
  SpeechToText,
  TranscribeOptions,
  Transcription,
  TranscriptWord,
} from '../../speech-to-text/speech-to-text.js';

/** What faster_whisper_worker.py says once its model is loaded. */
export interface FasterWhisperReady {
  loadSeconds: number;
  threads: number;
  computeType: string;
}

interface WorkerWord {
  start: number;
  end: number;
  word: string;
  probability: number;
}

interface WorkerResult {
  language: string;
  languageProbability: number;
  duration: number;
  segments: { start: number; end: number; text: string; words: WorkerWord[] | null }[];
}

interface WorkerRequest {
  /** base64 of 16 kHz mono 16-bit little-endian PCM. */
  audio: string;
  language: string | null;
  prompt: string | null;
  words: boolean;
  beamSize: number;
  vadFilter: boolean;
}

type FasterWhisperWorker = JsonLinesWorker<FasterWhisperReady, WorkerRequest, WorkerResult>;

export interface FasterWhisperOptions {
  /** The CTranslate2 Whisper folder (holds model.bin), e.g. `pnpm klody-models path whisper-base`'s folder. */
  model: string;
  /** A Python that can import faster_whisper (default `python3`; the models' venv has one). */
  python?: string;
  /** CPU threads for CTranslate2 (default: the cores, at most 4 — more gains little on base). */
  threads?: number;
  /** Beam width (default 5, faster-whisper's; 1 is greedy and about twice as fast). */
  beamSize?: number;
  /**
   * Skip the silences with the Silero VAD that faster-whisper bundles before decoding (default off):
   * for long recordings with pauses, where Whisper base tends to invent text in silence.
   */
  vadFilter?: boolean;
  /** CTranslate2 compute type (default int8: the smallest and fastest on CPU). */
  computeType?: string;
  /** Longest one transcription may take (default 10 minutes). */
  timeoutMs?: number;
  /** Longest loading the model may take (default 2 minutes). */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface FasterWhisperSpeechToText extends SpeechToText {
  /** Starts the worker and loads the model now rather than on the first request. */
  warm(): Promise<FasterWhisperReady>;
  /** Stops the worker (a later request starts a new one). */
  close(): Promise<void>;
}

const engine = 'faster-whisper';
const sampleRate = 16_000;

/** faster_whisper_worker.py, shipped with the package. */
export function fasterWhisperScriptPath(): string {
  return packageScriptPath(import.meta.url, 'engines/faster-whisper/faster_whisper_worker.py');
}

/**
 * Whisper through faster-whisper (CTranslate2, MIT) in a long-lived Python worker: the model is loaded
 * once, on the first request or `warm()`. Detects the language (with its probability), gives segments
 * and, when asked, word time spans. Requests run one at a time; a cancelled or timed-out request stops
 * the worker (decoding cannot be interrupted otherwise), and the next one starts a fresh worker.
 */
export function createFasterWhisperSpeechToText(options: FasterWhisperOptions): FasterWhisperSpeechToText {
  const python = options.python ?? 'python3';
  const threads = options.threads ?? Math.max(1, Math.min(4, cpus().length));
  let worker: FasterWhisperWorker | null = null;
  // One request at a time: each waits for the one before it, whatever its outcome.
  let queue: Promise<unknown> = Promise.resolve();

  function ensureModel(): void {
    if (!existsSync(join(options.model, 'model.bin'))) {
      throw new VoiceError(
        'engine_unavailable',
        `${engine}: no Whisper model in ${options.model} (model.bin is missing); run pnpm klody-models install`,
      );
    }
  }

  function current(): FasterWhisperWorker {
    if (!worker || worker.exited) {
      ensureModel();
      worker = startJsonLinesWorker<FasterWhisperReady, WorkerRequest, WorkerResult>({
        engine,
        command: python,
        args: [
          fasterWhisperScriptPath(),
          '--model',
          options.model,
          '--threads',
          String(threads),
          '--compute-type',
          options.computeType ?? 'int8',
        ],
        model: options.model,
        installHint: 'the Python with faster-whisper: run pnpm klody-models install',
        startTimeoutMs: options.startTimeoutMs ?? 120_000,
        ...(options.env ? { env: options.env } : {}),
      });
    }
    return worker;
  }

  async function transcribeNow(audio: MonoAudio, request: TranscribeOptions): Promise<Transcription> {
    throwIfAborted(request.signal);
    const running = current();
    try {
      await running.ready;
    } catch (error) {
      worker = null;
      throw error;
    }
    throwIfAborted(request.signal);
    const mono = toMonoAt(audio, sampleRate);
    const prompt = request.prompt ?? request.phrases?.join('. ');
    const onAbort = () => running.kill(new VoiceError('aborted', `${engine}: cancelled`));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await running.request(
        {
          audio: Buffer.from(floatToPcm16(mono.samples)).toString('base64'),
          language: request.language ? formatLanguage(request.language, 'iso-639-1') : null,
          prompt: prompt || null,
          words: request.wordTimestamps === true,
          beamSize: options.beamSize ?? 5,
          vadFilter: options.vadFilter === true,
        },
        options.timeoutMs ?? 600_000,
      );
      const segments = result.segments.filter((segment) => segment.text.length > 0);
      const words: TranscriptWord[] | undefined = request.wordTimestamps
        ? segments.flatMap((segment) =>
            (segment.words ?? []).map((word) => ({
              start: word.start,
              end: word.end,
              word: word.word,
              probability: word.probability,
            })),
          )
        : undefined;
      return {
        text: segments.map((segment) => segment.text).join(' '),
        segments: segments.map(({ start, end, text }) => ({ start, end, text })),
        language: result.language,
        languageProbability: result.languageProbability,
        ...(words ? { words } : {}),
        duration: mono.samples.length / sampleRate,
      };
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    id: engine,
    languages: async () => [],
    async warm() {
      const run = queue.then(() => current().ready);
      queue = run.catch(() => {});
      try {
        return await run;
      } catch (error) {
        worker = null;
        throw error;
      }
    },
    transcribe(audio: MonoAudio, request: TranscribeOptions = {}): Promise<Transcription> {
      if (audio.samples.length === 0)
        return Promise.reject(new VoiceError('empty_audio', `${engine}: the audio holds no samples`));
      const run = queue.then(() => transcribeNow(audio, request));
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      await queue;
      const closing = worker;
      worker = null;
      await closing?.close();
    },
  };
}

import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MonoAudio } from '../../audio/pcm-audio.js';
import { toMonoAt } from '../../audio/resample.js';
import { encodeWav } from '../../audio/wav.js';
import { VoiceError } from '../../errors/index.js';
import { formatLanguage } from '../../language/language-codes.js';
import { runProcess } from '../../process/run-process.js';
import type {
  SpeechToText,
  TranscribeOptions,
  Transcription,
  TranscriptSegment,
} from '../../speech-to-text/speech-to-text.js';

export interface WhisperCppOptions {
  /** The whisper.cpp CLI (default `whisper-cli`; older builds call it `main`). */
  executable?: string;
  /** Path to a ggml model (e.g. `ggml-large-v3-turbo.bin`). */
  model: string;
  threads?: number;
  /** Extra arguments appended as given (beam size, GPU flags…). */
  extraArguments?: string[];
  timeoutMs?: number;
}

/** Arguments for one transcription: JSON output to `<outputBase>.json`, no progress prints. */
export function whisperCppArguments(
  options: Pick<WhisperCppOptions, 'model' | 'threads' | 'extraArguments'>,
  input: string,
  outputBase: string,
  request: { language?: string; prompt?: string },
): string[] {
  const args = [
    '-m',
    options.model,
    '-f',
    input,
    '-l',
    request.language ? formatLanguage(request.language, 'iso-639-1') : 'auto',
  ];
  if (options.threads !== undefined) args.push('-t', String(options.threads));
  if (request.prompt) args.push('--prompt', request.prompt);
  args.push('-oj', '-of', outputBase, '-np', ...(options.extraArguments ?? []));
  return args;
}

/** Reads whisper.cpp's `-oj` JSON: `transcription[]` with millisecond `offsets`, `result.language`. */
export function parseWhisperCppJson(json: string): {
  segments: TranscriptSegment[];
  language: string | null;
} {
  let parsed: {
    result?: { language?: unknown };
    transcription?: { offsets?: { from?: unknown; to?: unknown }; text?: unknown }[];
  };
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new VoiceError('engine_failed', 'whisper-cpp wrote output that is not JSON', { cause: error });
  }
  const segments = (parsed.transcription ?? [])
    .map((item) => ({
      start: (Number(item.offsets?.from) || 0) / 1000,
      end: (Number(item.offsets?.to) || 0) / 1000,
      text: typeof item.text === 'string' ? item.text.trim() : '',
    }))
    .filter((segment) => segment.text.length > 0);
  const language = typeof parsed.result?.language === 'string' ? parsed.result.language : null;
  return { segments, language };
}

/**
 * whisper.cpp as an external command (MIT; models under their own licence): any language its model
 * knows, French included. Runs only where the binary and a model are configured.
 */
export function createWhisperCppSpeechToText(options: WhisperCppOptions): SpeechToText {
  const engine = 'whisper-cpp';
  const executable = options.executable ?? 'whisper-cli';
  return {
    id: engine,
    languages: async () => [],
    async transcribe(audio: MonoAudio, request: TranscribeOptions = {}): Promise<Transcription> {
      if (audio.samples.length === 0)
        throw new VoiceError('empty_audio', `${engine}: the audio holds no samples`);
      try {
        await access(options.model);
      } catch (error) {
        throw new VoiceError('engine_unavailable', `${engine}: model file ${options.model} not found`, {
          cause: error,
        });
      }
      const folder = await mkdtemp(join(tmpdir(), 'klody-whisper-'));
      try {
        const input = join(folder, 'input.wav');
        const mono = toMonoAt(audio, 16_000);
        await writeFile(input, encodeWav({ channels: [mono.samples], sampleRate: 16_000 }));
        const outputBase = join(folder, 'output');
        const prompt = request.prompt ?? request.phrases?.join('. ');
        await runProcess(
          executable,
          whisperCppArguments(options, input, outputBase, {
            ...(request.language ? { language: request.language } : {}),
            ...(prompt ? { prompt } : {}),
          }),
          {
            engine,
            installHint: 'build whisper.cpp (github.com/ggml-org/whisper.cpp) and put whisper-cli on PATH',
            timeoutMs: options.timeoutMs ?? 600_000,
            ...(request.signal ? { signal: request.signal } : {}),
          },
        );
        const { segments, language } = parseWhisperCppJson(await readFile(`${outputBase}.json`, 'utf8'));
        return {
          text: segments.map((segment) => segment.text).join(' '),
          segments,
          language: language ?? (request.language ? formatLanguage(request.language, 'iso-639-1') : null),
          duration: mono.samples.length / 16_000,
        };
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  };
}

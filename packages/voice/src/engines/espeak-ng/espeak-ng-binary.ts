import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav } from '../../audio/wav.js';
import { runProcess } from '../../process/run-process.js';
import { createSegmentedTextToSpeech } from '../../text-to-speech/segmented-text-to-speech.js';
import type { SynthesizeOptions, TextToSpeech } from '../../text-to-speech/text-to-speech.js';
import {
  type EspeakCatalogue,
  espeakLanguages,
  espeakPitch,
  espeakSpeechVoices,
  espeakWordsPerMinute,
  parseEspeakVariantList,
  parseEspeakVoiceList,
  type ResolvedEspeakVoice,
  resolveEspeakVoice,
} from './espeak-voices.js';

export interface EspeakNgOptions {
  /** The binary (default `espeak-ng` on PATH). */
  executable?: string;
  /** Folder holding MBROLA voices (default `/usr/share/mbrola`); MBROLA voices are listed only when present. */
  mbrolaDirectory?: string;
  /** Per-segment time limit (ms, default 60 s). */
  timeoutMs?: number;
}

const installHint =
  'install it with: apt-get install espeak-ng (Debian/Ubuntu) or brew install espeak-ng (macOS)';

interface Prepared {
  voice: ResolvedEspeakVoice;
  wordsPerMinute: number;
  pitch: number;
}

/** espeak-ng arguments for one segment (text goes through stdin, never the command line). */
export function espeakNgArguments(prepared: Prepared): string[] {
  return [
    '-v',
    prepared.voice.argument,
    '-s',
    String(prepared.wordsPerMinute),
    '-p',
    String(prepared.pitch),
    '-b',
    '1',
    '--stdin',
    '--stdout',
  ];
}

/**
 * espeak-ng through its system binary: every language and voice it has, rate and pitch. One short
 * process per segment (about 10 ms each), so streaming starts after the first sentence.
 */
export function createEspeakNgTextToSpeech(options: EspeakNgOptions = {}): TextToSpeech {
  const executable = options.executable ?? 'espeak-ng';
  const engine = 'espeak-ng';
  const mbrolaDirectory = options.mbrolaDirectory ?? '/usr/share/mbrola';
  let catalogue: Promise<EspeakCatalogue> | null = null;
  const loadCatalogue = () => {
    catalogue ??= (async () => {
      const [voices, variants] = await Promise.all([
        runProcess(executable, ['--voices'], { engine, installHint }),
        runProcess(executable, ['--voices=variant'], { engine, installHint }),
      ]);
      const hasMbrola = (file: string) => {
        const name = file.replace(/^mb\/mb-/, '').replace(/-.*$/, '');
        return existsSync(join(mbrolaDirectory, name));
      };
      return {
        voices: parseEspeakVoiceList(voices.stdout.toString('utf8'), hasMbrola),
        variants: parseEspeakVariantList(variants.stdout.toString('utf8')),
      };
    })();
    // A failed load (binary missing) is retried on the next call rather than cached forever.
    catalogue.catch(() => {
      catalogue = null;
    });
    return catalogue;
  };
  return createSegmentedTextToSpeech<Prepared>({
    id: engine,
    languages: async () => espeakLanguages(await loadCatalogue()),
    voices: async () => espeakSpeechVoices(await loadCatalogue()),
    async prepare(request: SynthesizeOptions) {
      const voice = resolveEspeakVoice(await loadCatalogue(), request, engine);
      return {
        voice,
        wordsPerMinute: espeakWordsPerMinute(request.speed),
        pitch: espeakPitch(request.pitch),
      };
    },
    segmentationLanguage: (prepared) => prepared.voice.entry.language,
    async synthesizeSegment(text, prepared, signal) {
      const result = await runProcess(executable, espeakNgArguments(prepared), {
        engine,
        installHint,
        input: text,
        timeoutMs: options.timeoutMs ?? 60_000,
        ...(signal ? { signal } : {}),
      });
      const wav = decodeWav(result.stdout, `${engine} output`);
      return { samples: wav.channels[0] ?? new Float32Array(0), sampleRate: wav.sampleRate };
    },
  });
}

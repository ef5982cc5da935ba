import { throwIfAborted, VoiceError } from '../../errors/index.js';
import { createSegmentedTextToSpeech } from '../../text-to-speech/segmented-text-to-speech.js';
import type { SynthesizeOptions, TextToSpeech } from '../../text-to-speech/text-to-speech.js';
import {
  type EspeakCatalogue,
  type EspeakVoiceEntry,
  espeakLanguages,
  espeakPitch,
  espeakSpeechVoices,
  espeakWordsPerMinute,
  type ResolvedEspeakVoice,
  resolveEspeakVoice,
} from './espeak-voices.js';

/** The part of the Emscripten build we use (`@echogarden/espeak-ng-emscripten`). */
export interface EspeakWasmWorker {
  list_voices(): { name: string; identifier: string; languages: { priority: number; name: string }[] }[];
  set_voice(name: string): number;
  set_rate(wordsPerMinute: number): number;
  set_pitch(pitch: number): number;
  get_samplerate(): number;
  synthesize(text: string, callback: (samples: Int16Array, events: unknown[]) => void): void;
}

export type LoadEspeakWasm = () => Promise<EspeakWasmWorker>;

export interface EspeakNgWasmOptions {
  /** Loads the WASM engine; the default imports the optional package `@echogarden/espeak-ng-emscripten`. */
  load?: LoadEspeakWasm;
}

const packageName = '@echogarden/espeak-ng-emscripten';

/** Imports the optional GPL-3.0 package lazily; its absence is `engine_unavailable`, not a crash at import. */
export const loadEspeakWasmPackage: LoadEspeakWasm = async () => {
  let factory: () => Promise<{ eSpeakNGWorker: new () => EspeakWasmWorker }>;
  try {
    const imported = (await import(/* @vite-ignore */ packageName)) as { default: typeof factory };
    factory = imported.default;
  } catch (error) {
    throw new VoiceError(
      'engine_unavailable',
      `espeak-ng-wasm: the optional package ${packageName} is not installed (pnpm add ${packageName}@0.3.5; GPL-3.0)`,
      { cause: error },
    );
  }
  const module = await factory();
  return new module.eSpeakNGWorker();
};

function catalogueOf(worker: EspeakWasmWorker): EspeakCatalogue {
  const voices: EspeakVoiceEntry[] = worker.list_voices().flatMap((voice) => {
    if (voice.identifier.startsWith('mb/')) return [];
    const [first, ...rest] = voice.languages;
    if (!first) return [];
    return [
      {
        language: first.name.toLowerCase(),
        name: voice.name,
        file: voice.identifier,
        aliases: rest.map((alias) => ({ language: alias.name.toLowerCase(), priority: alias.priority })),
        priority: first.priority,
        gender: null,
      },
    ];
  });
  return { voices, variants: [] };
}

interface Prepared {
  voice: ResolvedEspeakVoice;
  wordsPerMinute: number;
  pitch: number;
}

/**
 * espeak-ng compiled to WebAssembly (no system package needed), the fallback when the binary is
 * absent. Same voices and languages as the binary (without MBROLA and variants). Synthesis runs on
 * the calling thread, one segment at a time.
 */
export function createEspeakNgWasmTextToSpeech(options: EspeakNgWasmOptions = {}): TextToSpeech {
  const engine = 'espeak-ng-wasm';
  const load = options.load ?? loadEspeakWasmPackage;
  let state: Promise<{ worker: EspeakWasmWorker; catalogue: EspeakCatalogue }> | null = null;
  const ready = () => {
    state ??= load().then((worker) => ({ worker, catalogue: catalogueOf(worker) }));
    state.catch(() => {
      state = null;
    });
    return state;
  };
  return createSegmentedTextToSpeech<Prepared>({
    id: engine,
    languages: async () => espeakLanguages((await ready()).catalogue),
    voices: async () => espeakSpeechVoices((await ready()).catalogue),
    async prepare(request: SynthesizeOptions) {
      const { catalogue } = await ready();
      if (request.voice?.includes('+')) {
        throw new VoiceError(
          'unknown_voice',
          `${engine} has no voice variants ("${request.voice}"); use the espeak-ng binary for +variant voices`,
        );
      }
      return {
        voice: resolveEspeakVoice(catalogue, request, engine),
        wordsPerMinute: espeakWordsPerMinute(request.speed),
        pitch: espeakPitch(request.pitch),
      };
    },
    segmentationLanguage: (prepared) => prepared.voice.entry.language,
    async synthesizeSegment(text, prepared, signal) {
      const { worker } = await ready();
      throwIfAborted(signal);
      // The worker is shared: voice and rate are set again for every segment, never assumed.
      if (
        worker.set_voice(prepared.voice.entry.language) !== 0 &&
        worker.set_voice(prepared.voice.argument) !== 0
      ) {
        throw new VoiceError(
          'unknown_voice',
          `${engine} could not select the voice "${prepared.voice.entry.language}"`,
        );
      }
      worker.set_rate(prepared.wordsPerMinute);
      worker.set_pitch(prepared.pitch);
      const pieces: Int16Array[] = [];
      let length = 0;
      worker.synthesize(text, (samples) => {
        pieces.push(samples);
        length += samples.length;
      });
      const output = new Float32Array(length);
      let offset = 0;
      for (const piece of pieces) {
        for (let index = 0; index < piece.length; index += 1)
          output[offset + index] = (piece[index] ?? 0) / 32768;
        offset += piece.length;
      }
      return { samples: output, sampleRate: worker.get_samplerate() };
    },
  });
}

import { findExecutable } from '../../process/run-process.js';
import type { TextToSpeech } from '../../text-to-speech/text-to-speech.js';
import { createEspeakNgTextToSpeech, type EspeakNgOptions } from './espeak-ng-binary.js';
import { createEspeakNgWasmTextToSpeech, type EspeakNgWasmOptions } from './espeak-ng-wasm.js';

/**
 * espeak-ng through the system binary when it is on PATH, else its WASM build (the optional
 * package). The returned engine's `id` says which one it is.
 */
export function createEspeakNg(options: EspeakNgOptions & EspeakNgWasmOptions = {}): TextToSpeech {
  const executable = options.executable ?? 'espeak-ng';
  if (findExecutable(executable)) return createEspeakNgTextToSpeech(options);
  return createEspeakNgWasmTextToSpeech(options);
}

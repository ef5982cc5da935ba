export { createEspeakNg } from './espeak-ng-auto.js';
export { createEspeakNgTextToSpeech, type EspeakNgOptions, espeakNgArguments } from './espeak-ng-binary.js';
export {
  createEspeakNgWasmTextToSpeech,
  type EspeakNgWasmOptions,
  type EspeakWasmWorker,
  type LoadEspeakWasm,
  loadEspeakWasmPackage,
} from './espeak-ng-wasm.js';
export {
  type EspeakCatalogue,
  type EspeakVoiceEntry,
  espeakPitch,
  espeakWordsPerMinute,
  parseEspeakVariantList,
  parseEspeakVoiceList,
  resolveEspeakVoice,
} from './espeak-voices.js';

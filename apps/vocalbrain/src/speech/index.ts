export { collectSpeech, encodeSpeech } from './encode-speech.js';
export { type SpeechFormat, speechContentType, speechFormats, speechSampleRate } from './speech-format.js';
export {
  type SpeechServices,
  type StartedSpeech,
  type StartSpeechOptions,
  startSpeech,
} from './start-speech.js';
export { type SynthesizedSpeech, synthesizeSpeech } from './synthesize-speech.js';

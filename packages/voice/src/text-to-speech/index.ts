export {
  checkSynthesizeOptions,
  createSegmentedTextToSpeech,
  type SegmentSynthesizer,
} from './segmented-text-to-speech.js';
export type { SpeechChunk, SpeechVoice, SynthesizeOptions, TextToSpeech } from './text-to-speech.js';

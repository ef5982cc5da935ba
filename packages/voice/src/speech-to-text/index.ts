export type {
  SpeechToText,
  TranscribeOptions,
  Transcription,
  TranscriptSegment,
  TranscriptWord,
} from './speech-to-text.js';

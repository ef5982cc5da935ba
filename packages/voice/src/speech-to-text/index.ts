export { type NoMatch, type NoMatchReason, noMatchFor } from './no-match.js';
export type {
  SpeechToText,
  TranscribeOptions,
  Transcription,
  TranscriptSegment,
  TranscriptWord,
} from './speech-to-text.js';

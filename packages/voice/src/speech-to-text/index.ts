export type { SpeechToText, TranscribeOptions, Transcription, TranscriptSegment } from './speech-to-text.js';

import { compressedContentTypes } from '../http/ffmpeg.js';
import { openAiPcmSampleRate } from '../http/speech-audio.js';

/** The audio formats VocalBrain answers speech in: OpenAI's, less aac and flac. */
export const speechFormats = ['wav', 'pcm', 'mp3', 'opus'] as const;

export type SpeechFormat = (typeof speechFormats)[number];

export function speechContentType(format: SpeechFormat): string {
  if (format === 'wav') return 'audio/wav';
  if (format === 'pcm') return 'audio/pcm';
  return compressedContentTypes[format];
}

/**
 * A WAV answer keeps the engine's own rate (its header says it); pcm has no header, so it is OpenAI's
 * 24 kHz, and mp3 and opus are encoded from that same PCM.
 */
export function speechSampleRate(format: SpeechFormat, engineSampleRate: number): number {
  return format === 'wav' ? engineSampleRate : openAiPcmSampleRate;
}

import { VoiceError } from '../errors/index.js';
import type { MonoAudio } from './pcm-audio.js';
import { resample } from './resample.js';

export interface ConcatenateOptions {
  /** Silence inserted between two pieces (seconds, default 0). */
  silenceSeconds?: number;
  /** Output sample rate; pieces at another rate are resampled (default: the first piece's). */
  sampleRate?: number;
}

/** Joins mono pieces end to end with optional silences between them. */
export function concatenateAudio(pieces: readonly MonoAudio[], options: ConcatenateOptions = {}): MonoAudio {
  const silenceSeconds = options.silenceSeconds ?? 0;
  if (!Number.isFinite(silenceSeconds) || silenceSeconds < 0) {
    throw new VoiceError(
      'invalid_options',
      `silenceSeconds must be a finite number ≥ 0, got ${silenceSeconds}`,
    );
  }
  const sampleRate = options.sampleRate ?? pieces[0]?.sampleRate ?? 16_000;
  const converted = pieces.map((piece) =>
    piece.sampleRate === sampleRate ? piece.samples : resample(piece.samples, piece.sampleRate, sampleRate),
  );
  const gap = Math.round(silenceSeconds * sampleRate);
  const total =
    converted.reduce((sum, samples) => sum + samples.length, 0) + gap * Math.max(0, converted.length - 1);
  const samples = new Float32Array(total);
  let offset = 0;
  converted.forEach((piece, index) => {
    if (index > 0) offset += gap;
    samples.set(piece, offset);
    offset += piece.length;
  });
  return { samples, sampleRate };
}

/** `seconds` of digital silence. */
export function silence(seconds: number, sampleRate: number): MonoAudio {
  return { samples: new Float32Array(Math.max(0, Math.round(seconds * sampleRate))), sampleRate };
}

/** A stretch of speech, in seconds from the start of the audio. */
export interface SpeechSegment {
  start: number;
  end: number;
}

export interface DetectSpeechOptions {
  /** Probability above which a window is speech (0–1). */
  threshold?: number;
  /** Probability below which speech ends (defaults to `threshold - 0.15`). */
  negativeThreshold?: number;
  /** Speech shorter than this is dropped (ms). */
  minSpeechMs?: number;
  /** Silence shorter than this does not end a segment (ms). */
  minSilenceMs?: number;
  /** Padding added to each side of a segment (ms). */
  speechPadMs?: number;
  signal?: AbortSignal;
}

export interface VoiceActivityDetector {
  readonly id: string;
  /** Speech segments in mono `pcm` sampled at `sampleRate` (resampled as the model needs). */
  detect(pcm: Float32Array, sampleRate: number, options?: DetectSpeechOptions): Promise<SpeechSegment[]>;
}

/**
 * Speech probabilities of audio that arrives in frames of any length (a microphone, a WebSocket).
 * Only complete windows are scored; the remainder waits for the next frame.
 */
export interface VoiceActivityStream {
  /** The rate `push` expects (mono). */
  readonly sampleRate: number;
  /** Samples per scored window. */
  readonly windowSamples: number;
  /** Probability of each complete window now available, in order; the remainder is kept. */
  push(pcm: Float32Array): Promise<Float32Array>;
  /** Forgets buffered samples and the model's state: the next push starts a fresh stream. */
  reset(): void;
}

/** Anything that opens voice-activity streams (`createSileroVad` does). */
export interface VoiceActivityStreamSource {
  createStream(): VoiceActivityStream;
}

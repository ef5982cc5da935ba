/** Mono audio as 32-bit float samples in [-1, 1]: what every engine takes and gives. */
export interface MonoAudio {
  samples: Float32Array;
  /** Samples per second (Hz). */
  sampleRate: number;
}

/** Audio with one or more channels, as read from or written to a WAV file. */
export interface MultiChannelAudio {
  /** One Float32Array per channel, all the same length, samples in [-1, 1]. */
  channels: Float32Array[];
  sampleRate: number;
}

/** Duration in seconds. */
export function audioDuration(audio: MonoAudio | MultiChannelAudio): number {
  const length = 'samples' in audio ? audio.samples.length : (audio.channels[0]?.length ?? 0);
  return audio.sampleRate > 0 ? length / audio.sampleRate : 0;
}

import { encodeWav } from '@klody/voice';

/** A short melody of sine tones as WAV bytes: real audio for tracks whose descriptions tests write. */
export function toneClip(
  frequencies: readonly number[],
  options: { noteSeconds?: number; sampleRate?: number } = {},
) {
  const sampleRate = options.sampleRate ?? 16_000;
  const noteLength = Math.round((options.noteSeconds ?? 0.25) * sampleRate);
  const samples = new Float32Array(noteLength * frequencies.length);
  frequencies.forEach((frequency, note) => {
    for (let index = 0; index < noteLength; index++) {
      // A short fade in and out on each note: no clicks.
      const envelope = Math.min(1, index / 200, (noteLength - index) / 200);
      samples[note * noteLength + index] =
        0.3 * envelope * Math.sin((2 * Math.PI * frequency * index) / sampleRate);
    }
  });
  return encodeWav({ channels: [samples], sampleRate });
}

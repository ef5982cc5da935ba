import { floatToPcm16, integratedLoudness, pcm16ToFloat, resample, type SpeechChunk } from '@klody/voice';
import { describe, expect, it } from 'vitest';
import {
  openAiPcmSampleRate,
  resampleBlockSeconds,
  sentencePauseSeconds,
  speechPcm,
} from './speech-audio.js';

// Speech-like sentences without an engine: tones with a slow envelope and seeded noise.
function fakeSentence(seconds: number, sampleRate: number, seed: number, amplitude = 0.3): Float32Array {
  let state = seed;
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, index) => {
    state = (state * 48_271) % 2_147_483_647;
    const time = index / sampleRate;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * time);
    return (
      amplitude *
      envelope *
      (0.7 * Math.sin(2 * Math.PI * 180 * time) +
        0.2 * Math.sin(2 * Math.PI * 2400 * time) +
        0.1 * (state / 2_147_483_647 - 0.5))
    );
  });
}

async function* fakeChunks(sentences: Float32Array[], sampleRate: number): AsyncGenerator<SpeechChunk> {
  for (const [index, samples] of sentences.entries()) {
    yield { samples, sampleRate, index, text: `sentence ${index}`, start: 0, end: 0 };
  }
}

async function collect(parts: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const collected: Uint8Array[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

describe('speechPcm', () => {
  const sentences = [fakeSentence(2.3, 22_050, 11), fakeSentence(1.1, 22_050, 29)];

  it('resamples block by block to the very bytes of each sentence resampled whole, pauses between', async () => {
    const parts = await collect(
      speechPcm(fakeChunks(sentences, 22_050), { sampleRate: openAiPcmSampleRate, loudnessLufs: null }),
    );
    const pause = new Uint8Array(Math.round(sentencePauseSeconds * openAiPcmSampleRate) * 2);
    const expected = Buffer.concat([
      floatToPcm16(resample(sentences[0] as Float32Array, 22_050, openAiPcmSampleRate)),
      pause,
      floatToPcm16(resample(sentences[1] as Float32Array, 22_050, openAiPcmSampleRate)),
    ]);
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
    // Not one part per sentence: the 2.3 s sentence leaves in blocks of about 0.1 s.
    expect(parts.length).toBeGreaterThan(30);
  });

  it('gives the first block before the rest of the sentence is resampled', async () => {
    const parts = speechPcm(fakeChunks(sentences, 22_050), {
      sampleRate: openAiPcmSampleRate,
      loudnessLufs: null,
    });
    const first = await parts.next();
    const samples = (first.value as Uint8Array).length / 2;
    // The first block's output (all but the kernel's reach), not the 2.3 s sentence.
    expect(samples).toBeGreaterThan(resampleBlockSeconds * openAiPcmSampleRate * 0.9);
    expect(samples).toBeLessThanOrEqual(resampleBlockSeconds * openAiPcmSampleRate);
    await parts.return(undefined);
  });

  it('sends a sentence already at the answer rate in one piece, as the engine gave it', async () => {
    const parts = await collect(
      speechPcm(fakeChunks(sentences, 22_050), { sampleRate: 22_050, loudnessLufs: null }),
    );
    expect(parts).toHaveLength(3);
    expect(Buffer.from(parts[0] as Uint8Array).equals(floatToPcm16(sentences[0] as Float32Array))).toBe(true);
  });

  it('brings the answer to a profile loudness with one gain, under the peak ceiling', async () => {
    const quiet = [fakeSentence(2.3, 22_050, 11, 0.05), fakeSentence(1.1, 22_050, 29, 0.05)];
    const parts = await collect(
      speechPcm(fakeChunks(quiet, 22_050), { sampleRate: openAiPcmSampleRate, loudnessLufs: -20 }),
    );
    const samples = pcm16ToFloat(Buffer.concat(parts));
    const firstLength = Math.round(2.3 * openAiPcmSampleRate);
    const measured = integratedLoudness({
      samples: samples.subarray(0, firstLength),
      sampleRate: openAiPcmSampleRate,
    });
    expect(measured).not.toBeNull();
    expect(Math.abs((measured as number) + 20)).toBeLessThan(0.5);
    let peak = 0;
    for (const value of samples) peak = Math.max(peak, Math.abs(value));
    expect(peak).toBeLessThan(1);
    // A target too loud for the audio's peaks: the ceiling (-1 dBFS) wins over the loudness.
    const loud = await collect(
      speechPcm(fakeChunks(quiet, 22_050), { sampleRate: openAiPcmSampleRate, loudnessLufs: -10 }),
    );
    const louder = pcm16ToFloat(Buffer.concat(loud));
    let peakLoud = 0;
    for (const value of louder) peakLoud = Math.max(peakLoud, Math.abs(value));
    expect(peakLoud).toBeGreaterThan(0.85);
    expect(peakLoud).toBeLessThanOrEqual(0.9);
    const louderFirst = integratedLoudness({
      samples: louder.subarray(0, firstLength),
      sampleRate: openAiPcmSampleRate,
    });
    expect(louderFirst as number).toBeLessThan(-10.5);
  });
});

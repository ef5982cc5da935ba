import { describe, expect, it } from 'vitest';
import { VoiceError } from '../errors/index.js';
import { decodeWav, encodeWav, wavHeader } from './wav.js';

function errorOf(action: () => unknown): VoiceError {
  try {
    action();
  } catch (error) {
    if (VoiceError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a VoiceError');
}

const ramp = Float32Array.from({ length: 100 }, (_, index) => (index - 50) / 64);

describe('WAV', () => {
  it('round-trips 16-bit mono and float32 stereo', () => {
    const mono = decodeWav(encodeWav({ channels: [ramp], sampleRate: 22_050 }));
    expect(mono.sampleRate).toBe(22_050);
    expect(mono.info).toEqual({ sampleRate: 22_050, channelCount: 1, bitsPerSample: 16, format: 'pcm' });
    for (let index = 0; index < ramp.length; index += 1)
      expect(mono.channels[0]?.[index]).toBeCloseTo(ramp[index] ?? 0, 4);
    const right = ramp.map((value) => -value);
    const stereo = decodeWav(
      encodeWav({ channels: [ramp, right], sampleRate: 48_000 }, { encoding: 'float32' }),
    );
    expect(stereo.channels).toHaveLength(2);
    expect(Array.from(stereo.channels[1] ?? [])).toEqual(Array.from(right));
  });

  it('clamps overs instead of wrapping around', () => {
    const decoded = decodeWav(encodeWav({ channels: [Float32Array.from([1.5, -2, 0.5])], sampleRate: 8000 }));
    expect(Array.from(decoded.channels[0] ?? []).map((value) => Math.round(value * 1000) / 1000)).toEqual([
      1, -1, 0.5,
    ]);
  });

  it('reads 24-bit PCM and a streamed WAV whose sizes are unknown (0xFFFFFFFF)', () => {
    const header = wavHeader(16_000, 1, 0xffffffff);
    const body = new Uint8Array([0x00, 0x40, 0x00, 0x80, 0x7f]); // two samples and a stray byte
    const file = new Uint8Array([...header, ...body]);
    expect(Array.from(decodeWav(file).channels[0] ?? [])).toEqual([0.5, -1]);
    const wav24 = encodeWav({ channels: [Float32Array.from([0])], sampleRate: 8000 });
    const view = new DataView(wav24.buffer);
    view.setUint16(32, 3, true);
    view.setUint16(34, 24, true);
    view.setUint32(40, 3, true);
    const file24 = new Uint8Array([...wav24.slice(0, 44), 0x00, 0x00, 0xc0]);
    expect(decodeWav(file24).channels[0]?.[0]).toBeCloseTo(-0.5, 6);
  });

  it('names what is wrong with bad files', () => {
    expect(errorOf(() => decodeWav(new Uint8Array(0), 'empty.wav'))).toMatchObject({
      code: 'invalid_audio',
      message: 'empty.wav is not a readable WAV file: it is empty (0 bytes)',
    });
    const text = new TextEncoder().encode('this is a text file, not audio at all');
    expect(errorOf(() => decodeWav(text, 'notes.txt')).message).toMatch(/notes\.txt .*no RIFF\/WAVE header/);
    const truncated = encodeWav({ channels: [ramp], sampleRate: 16_000 }).slice(0, 30);
    expect(errorOf(() => decodeWav(truncated, 'cut.wav'))).toMatchObject({ code: 'invalid_audio' });
    expect(errorOf(() => decodeWav(truncated, 'cut.wav')).message).toMatch(/fmt chunk is truncated/);
    const noSamples = wavHeader(16_000, 1, 0);
    expect(errorOf(() => decodeWav(noSamples, 'zero.wav'))).toMatchObject({
      code: 'empty_audio',
      message: 'zero.wav is a WAV file with no samples (0-length audio)',
    });
    const compressed = encodeWav({ channels: [ramp], sampleRate: 16_000 });
    new DataView(compressed.buffer).setUint16(20, 0x55, true); // MP3 in WAV
    expect(errorOf(() => decodeWav(compressed, 'mp3.wav'))).toMatchObject({ code: 'unsupported_audio' });
  });
});

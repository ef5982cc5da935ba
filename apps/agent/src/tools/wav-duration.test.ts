import { describe, expect, it } from 'vitest';
import { wavDurationSeconds } from './wav-duration.js';

/** A PCM WAV of `samples` 16-bit mono samples at `rate`, its data size written as `declared`. */
function wav(rate: number, samples: number, declared?: number, extraChunk = false): Uint8Array {
  const dataBytes = samples * 2;
  const extra = extraChunk ? 8 + 5 + 1 : 0; // a 5-byte LIST chunk, padded to 6
  const buffer = Buffer.alloc(44 + extra + dataBytes);
  buffer.write('RIFF', 0, 'latin1');
  buffer.writeUInt32LE(36 + extra + dataBytes, 4);
  buffer.write('WAVE', 8, 'latin1');
  buffer.write('fmt ', 12, 'latin1');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28); // byte rate
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  let offset = 36;
  if (extraChunk) {
    buffer.write('LIST', offset, 'latin1');
    buffer.writeUInt32LE(5, offset + 4);
    offset += 8 + 6;
  }
  buffer.write('data', offset, 'latin1');
  buffer.writeUInt32LE(declared ?? dataBytes, offset + 4);
  return new Uint8Array(buffer);
}

describe('wavDurationSeconds', () => {
  it('reads the duration from the byte rate and the data size', () => {
    expect(wavDurationSeconds(wav(22_050, 22_050 * 2))).toBeCloseTo(2, 6);
    expect(wavDurationSeconds(wav(16_000, 8_000))).toBeCloseTo(0.5, 6);
  });

  it('skips other chunks, padded to an even size', () => {
    expect(wavDurationSeconds(wav(16_000, 16_000, undefined, true))).toBeCloseTo(1, 6);
  });

  it('counts the bytes present when a streamed WAV carries a placeholder size', () => {
    expect(wavDurationSeconds(wav(16_000, 16_000, 0xffffffff))).toBeCloseTo(1, 6);
    expect(wavDurationSeconds(wav(16_000, 16_000, 0))).toBeCloseTo(1, 6);
  });

  it('gives null for bytes that are not a WAV', () => {
    expect(wavDurationSeconds(new TextEncoder().encode('ID3 this is an mp3 file'))).toBeNull();
    expect(wavDurationSeconds(new Uint8Array(4))).toBeNull();
  });
});

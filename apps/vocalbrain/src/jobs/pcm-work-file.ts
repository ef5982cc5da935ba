// The growing audio of one job item: raw 16-bit little-endian mono PCM, one synthesized segment
// appended after another. The database records the file's length after each finished segment; that
// recorded length, not the file's size, is the truth: a process killed between the append and the
// database update leaves extra bytes that the next run cuts off before it goes on.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { endianness } from 'node:os';

/** Appends samples and makes them durable before the caller records the new length. */
export function appendPcm(path: string, samples: Float32Array): number {
  const descriptor = openSync(path, 'a');
  try {
    const bytes = samplesToPcm16(samples);
    let written = 0;
    while (written < bytes.byteLength) {
      written += writeSync(descriptor, bytes, written, bytes.byteLength - written);
    }
    fsyncSync(descriptor);
    return fstatSync(descriptor).size;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Brings the file back to the length the database recorded: longer (a segment appended but never
 * recorded) is cut; shorter means the audio of recorded segments is gone (the caller rewinds the
 * progress to what is there, `pcmFileSize`, and calls again).
 */
export function restorePcmLength(path: string, recordedBytes: number): 'intact' | 'trimmed' | 'missing' {
  if (!existsSync(path)) return recordedBytes === 0 ? 'intact' : 'missing';
  const descriptor = openSync(path, 'r+');
  try {
    const size = fstatSync(descriptor).size;
    if (size === recordedBytes) return 'intact';
    if (size < recordedBytes) return 'missing';
    ftruncateSync(descriptor, recordedBytes);
    fsyncSync(descriptor);
    return 'trimmed';
  } finally {
    closeSync(descriptor);
  }
}

/** The work file's size in bytes; 0 when it does not exist. */
export function pcmFileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

const littleEndian = endianness() === 'LE';

/**
 * Float samples in [-1, 1] to 16-bit little-endian PCM, scaled by 32768 like @klody/voice's
 * `floatToPcm16` (so its decoding gives the samples back) and clamped; through an Int16Array on
 * little-endian machines, which is several times faster over a chapter than a DataView.
 */
export function samplesToPcm16(samples: Float32Array, into?: Uint8Array): Uint8Array {
  // `into`, when given and large enough, is reused (the normaliser writes a chapter through one buffer).
  const bytes =
    into && into.byteLength >= samples.length * 2 && into.byteOffset === 0
      ? into.subarray(0, samples.length * 2)
      : new Uint8Array(samples.length * 2);
  if (littleEndian) {
    const values = new Int16Array(bytes.buffer, 0, samples.length);
    for (let index = 0; index < samples.length; index += 1) {
      const value = Math.round((samples[index] as number) * 32768);
      values[index] = Math.max(-32768, Math.min(32767, value));
    }
    return bytes;
  }
  const view = new DataView(bytes.buffer, 0, bytes.byteLength);
  for (let index = 0; index < samples.length; index += 1) {
    const value = Math.round((samples[index] as number) * 32768);
    view.setInt16(index * 2, Math.max(-32768, Math.min(32767, value)), true);
  }
  return bytes;
}

/** Buffers `readPcmSamples` may reuse from one call to the next. */
export interface PcmReadBuffers {
  bytes: Uint8Array;
  samples: Float32Array;
}

/**
 * Reads `count` samples from sample `start` on (fewer at the end of the file), into `buffers` when they
 * are large enough (the result is then a view of them, valid until the next read).
 */
export function readPcmSamples(
  descriptor: number,
  start: number,
  count: number,
  buffers?: PcmReadBuffers,
): Float32Array {
  const reuse = buffers && buffers.samples.length >= count && buffers.bytes.byteLength >= count * 2;
  const bytes = reuse ? buffers.bytes.subarray(0, count * 2) : new Uint8Array(count * 2);
  let read = 0;
  while (read < bytes.byteLength) {
    const got = readSync(descriptor, bytes, read, bytes.byteLength - read, start * 2 + read);
    if (got === 0) break;
    read += got;
  }
  const length = Math.floor(read / 2);
  const samples = reuse ? buffers.samples.subarray(0, length) : new Float32Array(length);
  if (littleEndian) {
    const values = new Int16Array(bytes.buffer, bytes.byteOffset, length);
    for (let index = 0; index < length; index += 1) samples[index] = (values[index] as number) / 32768;
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let index = 0; index < length; index += 1) samples[index] = view.getInt16(index * 2, true) / 32768;
  }
  return samples;
}

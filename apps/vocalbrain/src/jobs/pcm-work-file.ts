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
  writeSync,
} from 'node:fs';
import { floatToPcm16, pcm16ToFloat } from '@klody/voice';

/** Appends samples and makes them durable before the caller records the new length. */
export function appendPcm(path: string, samples: Float32Array): number {
  const descriptor = openSync(path, 'a');
  try {
    const bytes = floatToPcm16(samples);
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
 * recorded) is cut; shorter means the audio of recorded segments is gone, which the caller must treat
 * as a broken job rather than silently redo.
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

/** Reads `count` samples from sample `start` on (fewer at the end of the file). */
export function readPcmSamples(descriptor: number, start: number, count: number): Float32Array {
  const buffer = Buffer.alloc(count * 2);
  let read = 0;
  while (read < buffer.byteLength) {
    const got = readSync(descriptor, buffer, read, buffer.byteLength - read, start * 2 + read);
    if (got === 0) break;
    read += got;
  }
  return pcm16ToFloat(buffer.subarray(0, read - (read % 2)));
}

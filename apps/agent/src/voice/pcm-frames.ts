// Binary frames ⇄ PCM samples. Frames are s16le; Int16Array has the host's byte order, so on a
// little-endian host (every machine Klody runs on) the bytes are copied as they are, and only a
// big-endian host reads them sample by sample. Always copies: a frame's Buffer is a view into a pool
// that ws reuses, at an offset that may be odd (Int16Array needs an even one).
import { endianness } from 'node:os';

const littleEndianHost = endianness() === 'LE';

/** The samples of a binary frame, or null when it has an odd number of bytes (not s16 PCM). */
export function pcmFromFrame(bytes: Uint8Array): Int16Array | null {
  if (bytes.byteLength % 2 !== 0) return null;
  const pcm = new Int16Array(bytes.byteLength / 2);
  if (littleEndianHost) {
    new Uint8Array(pcm.buffer).set(bytes);
    return pcm;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < pcm.length; index++) pcm[index] = view.getInt16(index * 2, true);
  return pcm;
}

/** A binary frame of the samples, s16le, in its own memory (the caller may reuse `pcm` at once). */
export function frameFromPcm(pcm: Int16Array): Buffer {
  const frame = Buffer.allocUnsafe(pcm.byteLength);
  if (littleEndianHost) {
    frame.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    return frame;
  }
  for (let index = 0; index < pcm.length; index++) frame.writeInt16LE(pcm[index] as number, index * 2);
  return frame;
}

/**
 * How long a WAV file plays, in seconds, read from its header: the `fmt ` chunk's byte rate and the
 * `data` chunk's size. A streamed WAV may carry a placeholder size (0 or 0xFFFFFFFF): then the bytes
 * actually present count. Null when the bytes are not a WAV this can read.
 */
export function wavDurationSeconds(bytes: Uint8Array): number | null {
  if (bytes.length < 12) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return null;
  let byteRate: number | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && body + 12 <= bytes.length) byteRate = view.getUint32(body + 8, true);
    if (id === 'data') {
      if (!byteRate) return null;
      const present = bytes.length - body;
      const dataBytes = size === 0 || size > present ? present : size;
      return dataBytes / byteRate;
    }
    // Chunks are padded to an even size.
    offset = body + size + (size % 2);
  }
  return null;
}

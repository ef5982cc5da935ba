/** A response body read up to a size limit. */
export interface LimitedBody {
  bytes: Uint8Array;
  /** True when the body had more than `maxBytes` bytes: the rest was not read. */
  truncated: boolean;
}

/**
 * Reads at most `maxBytes` of a response body and cancels the rest, so a huge (or endless) page
 * costs `maxBytes` of memory and no more. The caller's time limit must be on the request's signal:
 * it aborts a body that stalls between two chunks too.
 */
export async function readBodyWithin(response: Response, maxBytes: number): Promise<LimitedBody> {
  if (!response.body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        size += room;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Stops the download (and frees the socket) when we stopped reading early; harmless otherwise.
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}

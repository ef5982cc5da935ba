/** A JSON body read within a size limit, or why it could not be. */
export type JsonWithin = { ok: true; value: unknown } | { ok: false; reason: 'too_large' | 'not_json' };

/**
 * Reads a response body as JSON, at most `maxBytes` of it: a house with thousands of entities (or a
 * server that never stops sending) costs `maxBytes` of memory, then the download is cancelled. The
 * caller's time limit must be on the request's signal: it also stops a body that stalls.
 */
export async function readJsonWithin(response: Response, maxBytes: number): Promise<JsonWithin> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) return { ok: false, reason: 'too_large' };
        chunks.push(value);
      }
    } finally {
      // Stops the download (and frees the socket) when we stopped early; harmless otherwise.
      await reader.cancel().catch(() => undefined);
    }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'not_json' };
  }
}

// Reads a Server-Sent Events body the way the page does: blocks split on blank lines, `event:` and
// `data:` fields, data parsed as JSON.

export interface ServerSentEvent {
  event: string;
  data: unknown;
}

export function parseServerSentEvents(text: string): ServerSentEvent[] {
  return text
    .split(/\n\n/)
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      return { event, data: data ? JSON.parse(data) : null };
    });
}

/** Reads a streamed response's events as they arrive, until the stream ends. */
export async function* readServerSentEvents(response: Response): AsyncIterable<ServerSentEvent> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      yield* parseServerSentEvents(buffer.slice(0, boundary + 2));
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
    }
  }
}

// The tokens of one relayed answer, read from the bytes the relay passes on, never from a second pass
// over the response: the relay feeds each chunk to `push` as it goes to the client, and the observer
// keeps a bounded amount of it. A JSON answer is kept whole only while it is small (a chat answer is a
// few KiB; a large embeddings batch is not worth scanning, and each request in flight may hold this
// much); a stream (SSE) keeps its first few KiB and
// its last ones, where OpenAI-style workers put `usage` (the final chunk), Anthropic-style ones the
// input tokens (`message_start`) and the output tokens (`message_delta`), and llama-server its
// `timings`. Memory stays bounded whatever the answer's size.

/** What a worker reported about one answer; null where it reported nothing. */
export interface ObservedUsage {
  tokensIn: number | null;
  tokensOut: number | null;
  /** llama-server's own generation time (`timings.predicted_ms`), the truest divisor for tokens/s. */
  generationMs: number | null;
  /** How the answer came: one JSON body, an SSE stream, or neither (not read). */
  format: 'json' | 'stream' | null;
}

export interface UsageObserverLimits {
  /** A JSON answer longer than this is not scanned (its tokens stay unknown). */
  maxJsonBytes: number;
  /** How much of a stream's start is kept. */
  streamHeadBytes: number;
  /** How much of a stream's end is kept. */
  streamTailBytes: number;
}

export const defaultUsageObserverLimits: UsageObserverLimits = {
  maxJsonBytes: 256 * 1024,
  streamHeadBytes: 8 * 1024,
  streamTailBytes: 32 * 1024,
};

type Mode = 'unknown' | 'json' | 'stream' | 'ignored';

/** Bytes kept from the end of a stream: whole chunks, the oldest dropped once the rest is enough. */
class BoundedTail {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** Whether bytes were dropped from the front (the first event in the tail may then be cut). */
  dropped = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0] as Buffer).length >= this.limit) {
      this.size -= (this.chunks.shift() as Buffer).length;
      this.dropped = true;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    if (all.length <= this.limit) return all.toString('utf8');
    this.dropped = true;
    return all.subarray(all.length - this.limit).toString('utf8');
  }
}

export class UsageObserver {
  private mode: Mode = 'unknown';
  private readonly json: Buffer[] = [];
  private jsonSize = 0;
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private readonly tail: BoundedTail;
  private total = 0;
  /** The first bytes, kept until they say what the answer is (a socket may deliver them one by one). */
  private pending: Buffer[] = [];

  constructor(private readonly limits: UsageObserverLimits = defaultUsageObserverLimits) {
    this.tail = new BoundedTail(limits.streamTailBytes);
  }

  /** One chunk of the answer, as the relay passed it on (the observer does not keep a reference). */
  push(chunk: Buffer): void {
    if (this.mode === 'ignored' || chunk.length === 0) return;
    if (this.mode === 'unknown') {
      this.pending.push(Buffer.from(chunk));
      const start = Buffer.concat(this.pending);
      this.mode = detectMode(start);
      if (this.mode === 'unknown') return;
      this.pending = [];
      if (this.mode === 'ignored') return;
      this.keep(start);
      return;
    }
    this.keep(chunk);
  }

  private keep(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.mode === 'json') {
      if (this.jsonSize + chunk.length > this.limits.maxJsonBytes) {
        this.mode = 'ignored';
        this.json.length = 0;
        return;
      }
      this.json.push(Buffer.from(chunk));
      this.jsonSize += chunk.length;
      return;
    }
    if (this.headSize < this.limits.streamHeadBytes) {
      const part = chunk.subarray(0, this.limits.streamHeadBytes - this.headSize);
      this.head.push(Buffer.from(part));
      this.headSize += part.length;
    }
    this.tail.push(Buffer.from(chunk));
  }

  /** What the answer reported so far (call it once the answer ended). */
  usage(): ObservedUsage {
    const found = new UsageFields();
    if (this.mode === 'json') {
      const value = parseJson(Buffer.concat(this.json).toString('utf8'));
      if (value !== undefined) found.read(value);
    } else if (this.mode === 'stream') {
      // The whole stream when it fit in the tail; else the events wholly inside its head, then those
      // wholly inside its tail (later reports win: a running count ends with its final value).
      const tailText = this.tail.text();
      if (this.total > this.limits.streamTailBytes) {
        for (const event of completeEvents(Buffer.concat(this.head).toString('utf8'), 'head'))
          found.readEvent(event);
      }
      for (const event of completeEvents(tailText, this.tail.dropped ? 'tail' : 'whole'))
        found.readEvent(event);
    }
    return { ...found.result(), format: this.mode === 'json' || this.mode === 'stream' ? this.mode : null };
  }
}

const streamFields = ['data:', 'event:', 'id:', 'retry:', ':'];

/**
 * The first bytes say what the answer is: a JSON object, an SSE stream (a field or a comment), or
 * something not read; 'unknown' while they are too few to tell.
 */
function detectMode(bytes: Buffer): Mode {
  const start = bytes.subarray(0, 64).toString('utf8').trimStart();
  if (start === '') return bytes.length < 64 ? 'unknown' : 'ignored';
  if (start.startsWith('{')) return 'json';
  if (streamFields.some((field) => start.startsWith(field))) return 'stream';
  if (streamFields.some((field) => field.startsWith(start))) return 'unknown';
  return 'ignored';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The SSE events of a piece of a stream: a head's last event may be cut (it is dropped), a tail's
 * first one too (dropped), and a whole stream's last event needs no closing blank line.
 */
function completeEvents(text: string, piece: 'head' | 'tail' | 'whole'): string[] {
  const events = text.split(/\r?\n\r?\n/);
  if (piece === 'tail') events.shift();
  if (piece === 'head') events.pop();
  return events;
}

const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;

const record = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;

/** The usage fields found so far, each kept at its latest reported value. */
class UsageFields {
  private tokensIn: number | null = null;
  private tokensOut: number | null = null;
  private timingsIn: number | null = null;
  private timingsOut: number | null = null;
  private generationMs: number | null = null;

  /** One SSE event: its `data:` lines, read only when they may hold what we look for. */
  readEvent(event: string): void {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
      .join('\n');
    if (data === '' || data === '[DONE]') return;
    if (!data.includes('"usage"') && !data.includes('"timings"')) return;
    const value = parseJson(data);
    if (value !== undefined) this.read(value);
  }

  /** One JSON answer or event: `usage` at its top, or in its `response` (Responses API) or `message`. */
  read(value: unknown): void {
    const top = record(value);
    if (!top) return;
    for (const holder of [top, record(top.response), record(top.message)]) {
      const usage = record(holder?.usage);
      if (!usage) continue;
      this.tokensIn = count(usage.prompt_tokens) ?? count(usage.input_tokens) ?? this.tokensIn;
      this.tokensOut = count(usage.completion_tokens) ?? count(usage.output_tokens) ?? this.tokensOut;
    }
    const timings = record(top.timings);
    if (timings) {
      this.timingsIn = count(timings.prompt_n) ?? this.timingsIn;
      this.timingsOut = count(timings.predicted_n) ?? this.timingsOut;
      this.generationMs = count(timings.predicted_ms) ?? this.generationMs;
    }
  }

  result(): Omit<ObservedUsage, 'format'> {
    return {
      tokensIn: this.tokensIn ?? this.timingsIn,
      tokensOut: this.tokensOut ?? this.timingsOut,
      generationMs: this.generationMs,
    };
  }
}

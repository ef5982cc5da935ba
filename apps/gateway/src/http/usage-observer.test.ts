// The usage observer on answers shaped as real workers send them (OpenAI, llama-server, the Responses
// and Messages APIs), fed in the chunks a socket may cut them into.
import { describe, expect, it } from 'vitest';
import { UsageObserver } from './usage-observer.js';

function observe(chunks: Array<string | Buffer>, observer = new UsageObserver()) {
  for (const chunk of chunks) observer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return observer.usage();
}

/** The text cut every `size` bytes, as a slow socket would deliver it. */
function cut(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

const sse = (events: unknown[]) =>
  `${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: [DONE]\n\n`;

const openAiChat = {
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The image shows a wooden boardwalk.', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 1117,
    completion_tokens: 46,
    total_tokens: 1163,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_fc9f1d7035',
};

const chunk = (content: string | null, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-123',
  object: 'chat.completion.chunk',
  created: 1694268190,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_44709d6fcb',
  choices: content === null ? [] : [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
  usage: null,
  ...extra,
});

const llamaServerTimings = {
  prompt_n: 12,
  prompt_ms: 30.104,
  prompt_per_second: 398.61,
  predicted_n: 16,
  predicted_ms: 140.237,
  predicted_per_second: 114.09,
};

describe('a JSON answer', () => {
  it('reads an OpenAI chat completion’s usage', () => {
    expect(observe([JSON.stringify(openAiChat)])).toEqual({
      tokensIn: 1117,
      tokensOut: 46,
      generationMs: null,
      format: 'json',
    });
  });

  it('reads llama-server’s timings alongside its usage, even cut into 7-byte pieces', () => {
    const answer = JSON.stringify({
      ...openAiChat,
      usage: { prompt_tokens: 12, completion_tokens: 16 },
      timings: llamaServerTimings,
    });
    expect(observe(cut(answer, 7))).toEqual({
      tokensIn: 12,
      tokensOut: 16,
      generationMs: 140.237,
      format: 'json',
    });
  });

  it('falls back on timings’ counts when a worker reports no usage', () => {
    const { usage: _usage, ...withoutUsage } = openAiChat;
    expect(observe([JSON.stringify({ ...withoutUsage, timings: llamaServerTimings })])).toEqual({
      tokensIn: 12,
      tokensOut: 16,
      generationMs: 140.237,
      format: 'json',
    });
  });

  it('reads the input_tokens and output_tokens of the Responses and Messages APIs', () => {
    const response = {
      id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
      object: 'response',
      status: 'completed',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi' }] }],
      usage: { input_tokens: 36, output_tokens: 87, total_tokens: 123 },
    };
    expect(observe([JSON.stringify(response)])).toMatchObject({ tokensIn: 36, tokensOut: 87 });
    const message = {
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hi!' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 2095, output_tokens: 503 },
    };
    expect(observe([JSON.stringify(message)])).toMatchObject({ tokensIn: 2095, tokensOut: 503 });
  });

  it('counts embeddings’ prompt tokens and leaves the output unknown', () => {
    const embeddings = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292, 0.015797347] }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    };
    expect(observe([JSON.stringify(embeddings)])).toEqual({
      tokensIn: 8,
      tokensOut: null,
      generationMs: null,
      format: 'json',
    });
  });

  it('ignores a body over the limit and keeps no more than the limit of it', () => {
    const observer = new UsageObserver({ maxJsonBytes: 4096, streamHeadBytes: 1024, streamTailBytes: 1024 });
    const vector = Array.from({ length: 2_000 }, (_, index) => index / 7);
    const big = JSON.stringify({
      data: [{ embedding: vector }],
      usage: { prompt_tokens: 9, total_tokens: 9 },
    });
    expect(big.length).toBeGreaterThan(4096);
    expect(observe(cut(big, 1000), observer)).toEqual({
      tokensIn: null,
      tokensOut: null,
      generationMs: null,
      format: null,
    });
  });

  it('reports nothing for an HTML error page or a JSON error', () => {
    expect(observe(['<html><body>worker overloaded</body></html>'])).toEqual({
      tokensIn: null,
      tokensOut: null,
      generationMs: null,
      format: null,
    });
    expect(observe(['{"error":{"code":"x","message":"y"}}']).tokensOut).toBeNull();
    expect(observe(['{"usage": {"prompt_tokens": 3, "completion_tokens"'])).toEqual({
      tokensIn: null,
      tokensOut: null,
      generationMs: null,
      format: 'json',
    });
  });
});

describe('a stream', () => {
  it('reads the final usage chunk of an OpenAI stream (stream_options.include_usage)', () => {
    const stream = sse([
      chunk('Hello'),
      chunk(' there'),
      chunk(null, { usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }),
    ]);
    expect(observe([stream])).toEqual({
      tokensIn: 9,
      tokensOut: 2,
      generationMs: null,
      format: 'stream',
    });
  });

  it('reads llama-server’s last chunk (usage and timings), cut at every byte', () => {
    const stream = sse([
      chunk('Once'),
      chunk(' upon'),
      {
        ...chunk(''),
        choices: [{ finish_reason: 'stop', index: 0, delta: {} }],
        usage: { completion_tokens: 16, prompt_tokens: 12, total_tokens: 28 },
        timings: llamaServerTimings,
      },
    ]);
    expect(observe(cut(stream, 1))).toEqual({
      tokensIn: 12,
      tokensOut: 16,
      generationMs: 140.237,
      format: 'stream',
    });
  });

  it('finds the usage at the end of a stream far longer than what it keeps, in bounded memory', () => {
    const limits = { maxJsonBytes: 4096, streamHeadBytes: 512, streamTailBytes: 2048 };
    const observer = new UsageObserver(limits);
    const events = Array.from({ length: 5_000 }, (_, index) => chunk(`token ${index} é`));
    events.push(chunk(null, { usage: { prompt_tokens: 40, completion_tokens: 5000, total_tokens: 5040 } }));
    const stream = sse(events);
    expect(stream.length).toBeGreaterThan(500_000);
    for (const piece of cut(stream, 333)) observer.push(piece);
    const kept = observer as unknown as { tail: { chunks: Buffer[] }; head: Buffer[] };
    const keptBytes =
      kept.tail.chunks.reduce((sum, piece) => sum + piece.length, 0) +
      kept.head.reduce((sum, piece) => sum + piece.length, 0);
    expect(keptBytes).toBeLessThanOrEqual(512 + 2048 + 333);
    expect(observer.usage()).toEqual({
      tokensIn: 40,
      tokensOut: 5000,
      generationMs: null,
      format: 'stream',
    });
  });

  it('reads the Responses API’s response.completed event', () => {
    const stream = [
      'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1","status":"in_progress","usage":null}}\n\n',
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}\n\n',
      'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":37,"output_tokens":11,"total_tokens":48}}}\n\n',
    ].join('');
    expect(observe(cut(stream, 10))).toMatchObject({ tokensIn: 37, tokensOut: 11 });
  });

  it('reads the Messages API’s input tokens at the start and output tokens at the end of a long stream', () => {
    const limits = { maxJsonBytes: 4096, streamHeadBytes: 1024, streamTailBytes: 1024 };
    const deltas = Array.from(
      { length: 300 },
      (_, index) =>
        `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word ${index} "}}\n\n`,
    ).join('');
    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}\n\n',
      deltas,
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":300}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    expect(observe(cut(stream, 100), new UsageObserver(limits))).toMatchObject({
      tokensIn: 25,
      tokensOut: 300,
    });
  });

  it('reports nothing for a stream without usage (a plain OpenAI stream)', () => {
    expect(observe([sse([chunk('a'), chunk('b')])])).toEqual({
      tokensIn: null,
      tokensOut: null,
      generationMs: null,
      format: 'stream',
    });
  });
});

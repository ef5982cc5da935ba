// A generation that fails after a streamed answer has begun (the status line is sent): the stream must
// end with OpenAI's error chunk, which clients report, not stop without a finish reason (the AI SDK
// then says only "Response stream ended without a finish reason"). The engine is a fake whose run
// throws, since the failure, not the model, is under test.
import { expect, it } from 'vitest';
import type { LlamaEngine } from './llama-engine.js';
import { createWorkerApp } from './worker-app.js';

const fakeFailingEngine: LlamaEngine = {
  modelId: 'fake',
  contextSize: 2048,
  prepareChat: () => ({
    promptTokens: 3,
    run: async (callbacks) => {
      callbacks.onText?.('Hel');
      throw new Error('Failed to parse grammar');
    },
  }),
  prepareCompletion: () => {
    throw new Error('not used');
  },
  embed: async () => ({ vectors: [], promptTokens: 0 }),
  dispose: async () => {},
};

it('ends a failed streamed chat with an error chunk naming the failure', async () => {
  const { app } = createWorkerApp(fakeFailingEngine, {
    embeddings: false,
    bodyLimitBytes: 1 << 20,
    workerKey: null,
  });
  const response = await app.request('http://127.0.0.1/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', host: '127.0.0.1' },
    body: JSON.stringify({ model: 'fake', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  expect(response.status).toBe(200);
  const events = (await response.text())
    .split('\n\n')
    .map((block) => block.replace(/^data: /, '').trim())
    .filter(Boolean);
  expect(JSON.parse(events.at(-2) as string).choices[0].delta).toEqual({ content: 'Hel' });
  expect(JSON.parse(events.at(-1) as string)).toEqual({
    error: {
      code: 'generation_failed',
      type: 'server_error',
      message: 'generation failed: Failed to parse grammar',
    },
  });
});

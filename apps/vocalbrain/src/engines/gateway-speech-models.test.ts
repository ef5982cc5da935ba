import { describe, expect, it } from 'vitest';
import { createGatewaySpeechModels } from './gateway-speech-models.js';

/** A fake gateway's fetch: answers the model list it is given, counting the calls. */
function fakeGatewayFetch(answers: (() => Response)[]) {
  let calls = 0;
  const fetch = (async () => {
    const answer = answers[Math.min(calls, answers.length - 1)] as () => Response;
    calls += 1;
    return answer();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

const list = (data: unknown[]) => () => Response.json({ object: 'list', data });

describe('the gateway’s speech models', () => {
  it('keeps the tts and stt kinds only', async () => {
    const gateway = fakeGatewayFetch([
      list([
        { id: 'tts', kind: 'tts' },
        { id: 'voice-worker', kind: 'tts' },
        { id: 'stt', kind: 'stt' },
        { id: 'brain', kind: 'chat' },
        { id: 'other' },
      ]),
    ]);
    const models = createGatewaySpeechModels({
      url: 'http://127.0.0.1:1',
      apiKey: null,
      fetch: gateway.fetch,
    });
    expect(await models.current()).toEqual({
      state: 'ok',
      url: 'http://127.0.0.1:1',
      speech: ['tts', 'voice-worker'],
      transcription: ['stt'],
      reason: null,
    });
  });

  it('reads one voice worker serving tts and stt under kind tts by the configured aliases, not its name', async () => {
    const gateway = fakeGatewayFetch([
      list([
        { id: 'voice', worker: 'voice', kind: 'tts' },
        { id: 'speak', worker: 'voice', kind: 'tts' },
        { id: 'hear', worker: 'voice', kind: 'tts' },
      ]),
    ]);
    const models = createGatewaySpeechModels({
      url: 'http://127.0.0.1:1',
      apiKey: null,
      fetch: gateway.fetch,
      speechAlias: 'speak',
      transcriptionAlias: 'hear',
    });
    const answer = await models.current();
    expect([answer.speech, answer.transcription]).toEqual([['speak'], ['hear']]);
  });

  it('is disabled without a URL, and unreachable (with the reason) when the answer is not a model list', async () => {
    expect((await createGatewaySpeechModels({ url: null, apiKey: null }).current()).state).toBe('disabled');
    const broken = fakeGatewayFetch([() => new Response('<html>', { status: 502 })]);
    const models = createGatewaySpeechModels({
      url: 'http://127.0.0.1:1',
      apiKey: null,
      fetch: broken.fetch,
    });
    const answer = await models.current();
    expect(answer.state).toBe('unreachable');
    expect(answer.reason).toContain('GET /v1/models answered 502');
  });

  it('answers from its cache, and once stale gives the old answer at once while asking again', async () => {
    let clock = 0;
    const gateway = fakeGatewayFetch([
      list([{ id: 'tts', kind: 'tts' }]),
      list([{ id: 'tts2', kind: 'tts' }]),
    ]);
    const models = createGatewaySpeechModels({
      url: 'http://127.0.0.1:1',
      apiKey: null,
      fetch: gateway.fetch,
      cacheMs: 1_000,
      now: () => clock,
    });
    expect((await models.current()).speech).toEqual(['tts']);
    expect((await models.current()).speech).toEqual(['tts']);
    expect(gateway.calls()).toBe(1);
    clock = 2_000;
    expect((await models.current()).speech).toEqual(['tts']);
    expect(gateway.calls()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await models.current()).speech).toEqual(['tts2']);
  });
});

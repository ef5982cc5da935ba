// VocalBrain against every fault of the shared fault table (@klody/test-helpers), by the same table as
// every app: a real VocalBrain server (real engines, a real SQLite library with one track) whose
// gateway is a fault upstream, for each fault on every route of the gateway. What VocalBrain asks the
// gateway for is its model list (the voice list's tts aliases) and embeddings (the audio library's
// search): both must degrade with a note naming the gateway — the voice list without the gateway's
// voices, the search by words — never a hang past the time limits, never a 500, never silence.
import { type FaultUpstream, faultCases, startFaultUpstream } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { encodeWav } from '@klody/voice';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './speech-test-server.js';

const embeddingTimeoutSeconds = 1;
// The slowest path: the embedder's model-list check (5 s, fixed) then one embedding request.
const answerBoundMs = (5 + embeddingTimeoutSeconds) * 1000 + 2_500;

let upstream: FaultUpstream;
let server: TestServer | null = null;
let home: string;
const environment = () => ({
  KLODY_GATEWAY_URL: upstream.url,
  KLODY_VOCALBRAIN_GATEWAY_TIMEOUT: String(embeddingTimeoutSeconds),
});
beforeAll(async () => {
  upstream = await startFaultUpstream({ models: ['brain', 'embed'], trickleIntervalMs: 2_000 });
  // The track goes in once, while the gateway is well, so that every search has something to find.
  const first = await startTestServer({ env: environment() });
  home = first.home;
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(toneWav())], { type: 'audio/wav' }), 'lighthouse.wav');
  form.set('description', 'the keeper of the lighthouse hums at dusk');
  const added = await fetch(`${first.url}/api/library/tracks`, { method: 'POST', body: form });
  expect(added.status).toBe(201);
  await first.close();
});
afterEach(async () => {
  await server?.close();
  server = null;
});
afterAll(async () => {
  await upstream.close();
});

/** One second of a quiet tone: a track the library accepts. */
function toneWav(): Uint8Array {
  const sampleRate = 16_000;
  const samples = new Float32Array(sampleRate).map(
    (_, index) => 0.1 * Math.sin((2 * Math.PI * 440 * index) / sampleRate),
  );
  return encodeWav({ channels: [samples], sampleRate });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; milliseconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, milliseconds: performance.now() - started };
}

describeRequiring({ tools: ['espeak-ng'] }, 'VocalBrain over the shared fault table', () => {
  it.each(faultCases)('$name: $description', async (faultCase) => {
    // A fresh server over the same library meets the fault before it has cached the gateway's answers.
    await upstream.setFault(faultCase.fault);
    server = await startTestServer({ home, env: environment() });

    const voices = await timed(() => fetch(`${server?.url}/v1/audio/voices`));
    expect(voices.value.status).toBe(200);
    const list = (await voices.value.json()) as { voices: { engine: string }[]; notes: string[] };
    expect(list.voices.some((voice) => voice.engine === 'espeak-ng')).toBe(true);
    expect(voices.milliseconds).toBeLessThan(answerBoundMs);

    const found = await timed(() =>
      fetch(`${server?.url}/api/library/find?q=${encodeURIComponent('lighthouse keeper')}`),
    );
    expect(found.value.status).toBe(200);
    const answer = (await found.value.json()) as {
      tracks: { title: string }[];
      mode: string;
      note: string | null;
    };
    expect(found.milliseconds).toBeLessThan(answerBoundMs);
    expect(answer.tracks.map((track) => track.title)).toContain('lighthouse');
    if (faultCase.fault.kind === 'ok') expect(answer.mode).not.toBe('lexical');
    else {
      // Degraded, and said: the search by words, with a note naming the gateway or its embedder.
      expect(answer.mode).toBe('lexical');
      expect(answer.note).toMatch(/gateway|embedder/);
    }

    const health = await timed(() => fetch(`${server?.url}/health`));
    expect(health.value.status).toBe(200);
    expect(health.milliseconds).toBeLessThan(answerBoundMs);
    const report = (await health.value.json()) as { status: string; reason: string | null };
    if (faultCase.fault.kind === 'ok') expect(report.status).toBe('ok');
    else {
      expect(report.status).toBe('degraded');
      expect(report.reason).toMatch(new RegExp(upstream.url.replace(/[.:/]/g, '\\$&')));
    }
  });
});

// The job API over real HTTP (a real server, the real queue, espeak-ng, a database file): submit,
// follow as server-sent events, fetch the WAV (409 until it exists), batches, cancel in the middle
// with a consistent partial state, removal, and the errors.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceApp, type RunningService, serve } from '@klody/service';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { decodeWav } from '@klody/voice';
import { voiceErrorToServiceError } from '@klody/voice/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { jobRoutes } from '../src/http/job-routes.js';
import { startServer } from '../src/http/start-server.js';
import { createEspeakJobQueue, type EspeakJobQueue } from '../src/jobs/testing/espeak-job-queue.js';

// biome-ignore lint/suspicious/noExplicitAny: test code reads many JSON answers; the assertions check them
type Json = any;

const paragraph =
  'The whale rose beside the ship, and the sailors cheered from the rigging. The captain wrote it in ' +
  'the log, then looked at the sky. The wind was rising from the west, and the clouds were low. ';

async function post(url: string, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function get(url: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/** Reads a job's SSE stream to its end (the server ends it at done, failed or cancelled). */
async function events(url: string): Promise<Json[]> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: job'))
    .map((block) =>
      JSON.parse(
        block
          .split('\n')
          .find((line) => line.startsWith('data: '))
          ?.slice(6) ?? 'null',
      ),
    );
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeRequiring({ tools: ['espeak-ng'] }, 'the job API', () => {
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-routes-'));
  let jobs: EspeakJobQueue;
  let server: RunningService;
  let base = '';

  beforeAll(async () => {
    jobs = createEspeakJobQueue({
      databasePath: join(home, 'vocalbrain.db'),
      audioDirectory: join(home, 'audio'),
      segmentMaxCharacters: 160,
      segmentMinCharacters: 40,
    });
    const app = createServiceApp({ mapError: voiceErrorToServiceError });
    app.route('/', jobRoutes({ jobs: jobs.queue, engines: jobs.engines }));
    server = await serve({ fetch: app.fetch, service: 'vocalbrain-jobs-test', port: 0 });
    base = server.url;
    jobs.queue.start();
  });

  afterAll(async () => {
    await server?.close({ graceMs: 100 });
    await jobs?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses bad requests with clear errors', async () => {
    const empty = await post(`${base}/api/jobs`, { text: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_request');
    const both = await post(`${base}/api/jobs`, { text: 'Hello.', texts: ['Hello.'] });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/either text .* or texts/);
    const punctuation = await post(`${base}/api/jobs`, { text: '... !!!' });
    expect(punctuation.status).toBe(400);
    expect(punctuation.body.error.code).toBe('empty_text');
    const batch = await post(`${base}/api/jobs`, { texts: ['Hello.', '   '] });
    expect(batch.status).toBe(400);
    expect(batch.body.error.message).toBe('texts[1]: the text to speak is empty');
    const voice = await post(`${base}/api/jobs`, { text: 'Hello.', voice: 'espeak-ng/en-usa' });
    expect(voice.status).toBe(404);
    expect(voice.body.error).toMatchObject({ code: 'unknown_voice' });
    expect(voice.body.error.message).toMatch(/espeak-ng has no voice "en-usa"; near: .*en-us/);
    const engine = await post(`${base}/api/jobs`, { text: 'Hello.', engine: 'xtts' });
    expect(engine.status).toBe(404);
    expect(engine.body.error.message).toMatch(/no speech engine "xtts" here; available: espeak-ng/);
    const profile = await post(`${base}/api/jobs`, { text: 'Hello.', profile: 'narrator' });
    expect(profile.status).toBe(404);
    expect(profile.body.error.code).toBe('unknown_profile');
    const json = await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":',
    });
    expect(json.status).toBe(400);
    expect((await get(`${base}/api/jobs/job_missing`)).status).toBe(404);
    expect(jobs.queue.list()).toHaveLength(0);
  });

  it('answers 202, streams the progress, and serves the WAV once done (409 before)', async () => {
    const submitted = await post(`${base}/api/jobs`, {
      input: paragraph.repeat(3),
      voice: 'espeak-ng/en-us',
    });
    expect(submitted.status).toBe(202);
    const { job } = submitted.body;
    expect(job).toMatchObject({ kind: 'text', status: 'queued', segmentsDone: 0 });
    expect(job.segmentsTotal).toBeGreaterThan(3);
    const early = await fetch(`${base}/api/jobs/${job.id}/audio`);
    // Queued or running: not ready (it may have finished already on a fast machine, then 200).
    if (early.status !== 200) {
      expect(early.status).toBe(409);
      expect((await early.json()).error.code).toBe('job_not_done');
    } else await early.arrayBuffer();

    const seen = await events(`${base}/api/jobs/${job.id}/events`);
    expect(seen.at(-1)?.status).toBe('done');
    const done = seen.map((view) => view.segmentsDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen.at(-1)?.segmentsDone).toBe(job.segmentsTotal);
    expect(seen.at(-1)?.items[0].audioUrl).toBe(`/api/jobs/${job.id}/audio?item=0`);

    const audio = await fetch(`${base}${seen.at(-1)?.items[0].audioUrl}`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    const wav = decodeWav(new Uint8Array(await audio.arrayBuffer()));
    const seconds = (wav.channels[0]?.length ?? 0) / wav.sampleRate;
    expect(seconds).toBeGreaterThan(15);
    expect(seconds).toBeLessThan(60);

    const listed = await get(`${base}/api/jobs`);
    expect(listed.body.jobs.map((entry: Json) => entry.id)).toContain(job.id);
  }, 120_000);

  it('makes one file per text of a batch', async () => {
    const submitted = await post(`${base}/api/jobs`, {
      texts: ['The first chapter is short.', 'The second chapter is a little longer than the first one.'],
      engine: 'espeak-ng',
      language: 'en-us',
    });
    expect(submitted.status).toBe(202);
    const { job } = submitted.body;
    const seen = await events(`${base}/api/jobs/${job.id}/events`);
    const final = seen.at(-1);
    expect(final.status).toBe('done');
    expect(final.items).toHaveLength(2);
    const durations: number[] = [];
    for (const item of [0, 1]) {
      const response = await fetch(`${base}/api/jobs/${job.id}/audio?item=${item}`);
      expect(response.status).toBe(200);
      const wav = decodeWav(new Uint8Array(await response.arrayBuffer()));
      durations.push((wav.channels[0]?.length ?? 0) / wav.sampleRate);
    }
    expect(durations[1]).toBeGreaterThan((durations[0] ?? 0) * 1.3);
    const missing = await get(`${base}/api/jobs/${job.id}/audio?item=2`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('item_not_found');
    expect(existsSync(join(home, 'audio', `${job.id}-1.wav`))).toBe(true);
  }, 120_000);

  it('cancels at a segment boundary, leaving a consistent partial state, then removes the job', async () => {
    const submitted = await post(`${base}/api/jobs`, {
      text: paragraph.repeat(40),
      voice: 'espeak-ng/en-us',
    });
    const { job } = submitted.body;
    await until(
      async () => (await get(`${base}/api/jobs/${job.id}`)).body.job.segmentsDone >= 3,
      60_000,
      'three segments',
    );
    const cancelled = await post(`${base}/api/jobs/${job.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.cancelRequested).toBe(true);
    await until(
      async () => (await get(`${base}/api/jobs/${job.id}`)).body.job.status === 'cancelled',
      30_000,
      'the cancel',
    );
    const after = (await get(`${base}/api/jobs/${job.id}`)).body.job;
    expect(after.segmentsDone).toBeGreaterThanOrEqual(3);
    expect(after.segmentsDone).toBeLessThan(after.segmentsTotal);
    expect(after.reason).toBe(`cancelled after ${after.segmentsDone} segments`);
    // The work file holds exactly the finished segments the database records.
    const progress = jobs.store.itemProgress(job.id, 0);
    expect(progress.segmentsDone).toBe(after.segmentsDone);
    const workFile = join(home, 'audio', '.work', `${job.id}-0.pcm`);
    expect(statSync(workFile).size).toBe(progress.pcmBytes);
    // No segment is synthesized after the cancel.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(jobs.store.itemProgress(job.id, 0).segmentsDone).toBe(after.segmentsDone);

    const audio = await get(`${base}/api/jobs/${job.id}/audio`);
    expect(audio.status).toBe(409);
    expect(audio.body.error.message).toMatch(/is cancelled: its audio is not ready/);
    const again = await post(`${base}/api/jobs/${job.id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('job_finished');

    const removed = await fetch(`${base}/api/jobs/${job.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(existsSync(workFile)).toBe(false);
    expect((await get(`${base}/api/jobs/${job.id}`)).status).toBe(404);
  }, 120_000);
});

describeRequiring({ tools: ['espeak-ng'] }, 'VocalBrain’s server', () => {
  it('mounts the job API and runs its jobs', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-server-'));
    const config = readConfig({
      KLODY_HOME: home,
      KLODY_GATEWAY_URL: 'none',
      KLODY_VOCALBRAIN_CALIBRATE: '0',
      KLODY_MODELS_DIR: join(home, 'no-models'),
      PATH: process.env.PATH,
    });
    const server = await startServer(config, { port: 0 });
    try {
      const submitted = await post(`${server.url}/api/jobs`, { text: paragraph, voice: 'espeak-ng/en-us' });
      expect(submitted.status).toBe(202);
      const seen = await events(`${server.url}/api/jobs/${submitted.body.job.id}/events`);
      expect(seen.at(-1)?.status).toBe('done');
      expect(existsSync(join(home, 'vocalbrain', 'audio', `${submitted.body.job.id}.wav`))).toBe(true);
    } finally {
      await server.close({ graceMs: 100 });
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});

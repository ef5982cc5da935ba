// The router on a real server: the engines are calibrated at start-up (measured, not written down),
// real requests add to the measurements, /api/route and x-klody-route say why, and impossible
// requests are 422 with the reason.
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer, temporaryHome } from './speech-test-server.js';

const english = 'Good morning everyone, and thank you for coming to the meeting today.';

function route(server: TestServer, query: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/api/route?${new URLSearchParams(query)}`);
}

function measurementRows(home: string): { engine: string; source: string; first_audio_ms: number }[] {
  const file = new Database(join(home, 'vocalbrain', 'vocalbrain.db'), { readonly: true });
  try {
    return file
      .prepare('SELECT engine, source, first_audio_ms FROM engine_measurements ORDER BY id')
      .all() as never;
  } finally {
    file.close();
  }
}

describeRequiring(
  { tools: ['espeak-ng'], models: ['piper-joe-en-us'] },
  'the router on measured engines',
  () => {
    const home = temporaryHome();
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ home, env: { KLODY_VOCALBRAIN_CALIBRATE: '1' } });
      await server.services.calibration;
    }, 120_000);
    afterAll(() => server?.close());

    it('measured every local engine at start-up', () => {
      const calibrations = measurementRows(home).filter((row) => row.source === 'calibration');
      expect(calibrations.map((row) => row.engine).sort()).toEqual(['espeak-ng', 'piper']);
      for (const row of calibrations) expect(row.first_audio_ms).toBeGreaterThan(0);
    });

    it('takes Piper for high quality and espeak-ng for low, with the measured first audio in the reason', async () => {
      const piper = server.services.measurements.figures('piper');
      const high = await (await route(server, { text: english, quality: 'high' })).json();
      expect(high.engine).toBe('piper');
      expect(high.voice).toBe('en_US-joe-medium');
      expect(high.reason).toContain(
        `piper/en_US-joe-medium: quality high, first audio ${Math.round(piper.firstAudioMs as number)} ms measured`,
      );
      expect(high.reason).toContain('language en detected from the text');
      const low = await (await route(server, { text: english, quality: 'low' })).json();
      expect(low.engine).toBe('espeak-ng');
      expect(low.reason).toMatch(/^espeak-ng\/en-us: quality low, first audio \d+ ms measured/);
    });

    it('keeps to a latency budget: a budget between the two engines’ figures takes the faster', async () => {
      const espeak = server.services.measurements.figures('espeak-ng').firstAudioMs as number;
      const piper = server.services.measurements.figures('piper').firstAudioMs as number;
      expect(Math.abs(espeak - piper)).toBeGreaterThanOrEqual(2);
      const fast = espeak < piper ? 'espeak-ng' : 'piper';
      const between = String(Math.floor((espeak + piper) / 2));
      const tight = await (
        await route(server, { text: english, quality: 'high', latencyMs: between })
      ).json();
      expect(tight.engine).toBe(fast);
      // espeak-ng within the budget gives up the quality wished, and says so.
      if (fast === 'espeak-ng')
        expect(tight.reason).toContain('no engine within the budget has quality high');
      const impossible = await (
        await route(server, { text: english, quality: 'high', latencyMs: '0.001' })
      ).json();
      expect(impossible.engine).toBe(fast);
      expect(impossible.reason).toContain('no engine is measured within 0.001 ms; this is the fastest');
    });

    it('sends French to the engine that speaks it', async () => {
      const decision = await (
        await route(server, { text: 'Bonjour à tous, merci d’être venus à la réunion.', quality: 'high' })
      ).json();
      expect(decision.engine).toBe('espeak-ng');
      expect(decision.voice).toBe('fr-fr');
      expect(decision.considered).toContainEqual({
        engine: 'piper',
        voice: null,
        eligible: false,
        why: 'speaks no "fr"',
      });
    });

    it('answers 422 for a French clone and for a language no engine speaks', async () => {
      const clone = await route(server, { text: 'Bonjour à tous, merci d’être venus.', clone: 'true' });
      expect(clone.status).toBe(422);
      const cloneBody = await clone.json();
      expect(cloneBody.error.code).toBe('no_route');
      expect(cloneBody.error.message).toBe(
        'a cloned voice in "fr" needs an engine that can clone, and none here can (engines: espeak-ng, piper)',
      );
      const klingon = await route(server, { text: 'nuqneH', language: 'tlh' });
      expect(klingon.status).toBe(422);
      expect((await klingon.json()).error.message).toBe(
        'no engine here speaks "tlh" (engines: espeak-ng, piper)',
      );
      const speech = await server.post('/v1/audio/speech', { input: 'nuqneH', language: 'tlh' });
      expect(speech.status).toBe(422);
    });

    it('routes /v1/audio/speech as /api/route decides, and each request adds a measurement', async () => {
      const before = measurementRows(home).filter((row) => row.source === 'request').length;
      const decision = await (await route(server, { text: english, quality: 'high' })).json();
      const response = await server.post('/v1/audio/speech', {
        model: 'auto',
        input: english,
        quality: 'high',
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(response.headers.get('x-klody-route')).toMatch(
        new RegExp(`^${decision.engine}/${decision.voice}: quality high`),
      );
      const after = measurementRows(home).filter((row) => row.source === 'request');
      expect(after.length).toBe(before + 1);
      expect(after.at(-1)?.engine).toBe('piper');
      expect(server.services.measurements.figures('piper').samples).toBeGreaterThanOrEqual(2);
    });

    it('keeps the measurements across a restart and does not calibrate again', async () => {
      const rows = measurementRows(home).length;
      await server.close();
      server = await startTestServer({ home, env: { KLODY_VOCALBRAIN_CALIBRATE: '1' } });
      await server.services.calibration;
      expect(measurementRows(home).length).toBe(rows);
      expect(server.services.measurements.figures('espeak-ng').samples).toBeGreaterThanOrEqual(1);
    });

    it('refuses a bad route query with 400', async () => {
      const response = await route(server, { text: english, quality: 'perfect' });
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toContain('quality must be low, medium or high');
    });
  },
);

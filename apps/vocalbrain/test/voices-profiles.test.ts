// Voice profiles are rows of vocalbrain.db behind /api/profiles: created, read, changed, deleted,
// kept across a restart, used as `model` or `voice`; a cloned voice needs consent and is refused by
// engines that cannot clone (none here can).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { decodeWav, integratedLoudness } from '@klody/voice';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer, temporaryHome } from './speech-test-server.js';

const narrator = {
  name: 'Narrator',
  engine: 'espeak-ng',
  voice: 'en-gb',
  language: 'en',
  speed: 1.2,
  pitch: 0.8,
  loudnessLufs: -20,
};

function send(server: TestServer, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describeRequiring({ tools: ['espeak-ng'] }, 'voice profiles', () => {
  const home = temporaryHome();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ home });
  });
  afterAll(() => server?.close());

  it('creates, reads, changes and deletes a profile', async () => {
    const created = await send(server, 'POST', '/api/profiles', narrator);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ ...narrator, clone: null });
    expect((await send(server, 'POST', '/api/profiles', narrator)).status).toBe(409);
    // Names are unique without regard to case, as a request may write them either way.
    const read = await send(server, 'GET', '/api/profiles/narrator');
    expect((await read.json()).name).toBe('Narrator');
    const changed = await send(server, 'PUT', '/api/profiles/Narrator', {
      ...narrator,
      name: undefined,
      speed: 0.9,
    });
    expect(changed.status).toBe(200);
    expect((await changed.json()).speed).toBe(0.9);
    const temporary = await send(server, 'POST', '/api/profiles', { name: 'scratch', engine: 'espeak-ng' });
    expect(await temporary.json()).toMatchObject({ speed: 1, pitch: 1, loudnessLufs: null, voice: null });
    expect((await send(server, 'DELETE', '/api/profiles/scratch')).status).toBe(200);
    expect((await send(server, 'DELETE', '/api/profiles/scratch')).status).toBe(404);
    expect((await send(server, 'GET', '/api/profiles/scratch')).status).toBe(404);
    const list = await (await send(server, 'GET', '/api/profiles')).json();
    expect(list.profiles.map((profile: { name: string }) => profile.name)).toEqual(['Narrator']);
  });

  it('refuses bad profiles with 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...narrator, name: 'a/b' }, /^name: /],
      [{ ...narrator, name: 'fast', speed: 9 }, /^speed: /],
      [{ ...narrator, name: 'loud', loudnessLufs: 3 }, /^loudnessLufs: /],
      [{ name: 'nobody' }, /^engine: /],
      [{ ...narrator, name: 'extra', colour: 'blue' }, /colour/],
      [
        { ...narrator, name: 'clone', clone: { referencePath: '/tmp/x.wav', engine: 'xtts' } },
        /^clone\.consent: /,
      ],
      [
        { ...narrator, name: 'typo', engine: 'espek-ng' },
        /^engine: no speech engine "espek-ng" here .*did you mean "espeak-ng"\?/,
      ],
      [
        { ...narrator, name: 'typo', voice: 'en-gbb' },
        /^voice: espeak-ng has no voice "en-gbb"; did you mean "en-gb"/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await send(server, 'POST', '/api/profiles', body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(message);
    }
  });

  it('speaks with a profile named as model or as voice, at its loudness target', async () => {
    for (const body of [{ model: 'Narrator' }, { voice: 'narrator' }]) {
      const response = await server.post('/v1/audio/speech', {
        ...body,
        input: 'This reading is normalised to the loudness of the profile. It should be quieter than usual.',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-klody-route')).toMatch(/^espeak-ng\/en-gb: named by profile "Narrator"/);
      const wav = decodeWav(new Uint8Array(await response.arrayBuffer()));
      const loudness = integratedLoudness({
        samples: wav.channels[0] as Float32Array,
        sampleRate: wav.sampleRate,
      });
      expect(loudness).not.toBeNull();
      expect(Math.abs((loudness as number) - -20)).toBeLessThan(1.5);
    }
  });

  it('records a cloned voice with its reference and consent, and refuses to speak it: no engine here can clone', async () => {
    const reference = join(home, 'reference.wav');
    const espeakWav = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      input: 'My reference recording.',
    });
    writeFileSync(reference, Buffer.from(await espeakWav.arrayBuffer()));
    const missing = await send(server, 'POST', '/api/profiles', {
      name: 'Grandma',
      engine: 'espeak-ng',
      language: 'fr',
      clone: { referencePath: join(home, 'absent.wav'), consent: 'agreed', engine: 'xtts' },
    });
    expect(missing.status).toBe(400);
    const created = await send(server, 'POST', '/api/profiles', {
      name: 'Grandma',
      engine: 'espeak-ng',
      language: 'fr',
      clone: {
        referencePath: reference,
        consent: 'Recorded and agreed by her on 2026-11-30, for family stories only.',
        engine: 'xtts',
      },
    });
    expect(created.status).toBe(201);
    expect((await created.json()).clone).toEqual({
      referencePath: reference,
      consent: 'Recorded and agreed by her on 2026-11-30, for family stories only.',
      engine: 'xtts',
    });
    const refused = await server.post('/v1/audio/speech', { model: 'Grandma', input: 'Il était une fois.' });
    expect(refused.status).toBe(422);
    const { error } = await refused.json();
    expect(error.code).toBe('cloning_unavailable');
    expect(error.message).toContain('profile "Grandma" is a voice cloned from');
    expect(error.message).toContain(
      'xtts cannot clone: no engine here can clone a voice (engines: espeak-ng',
    );
  });

  it('keeps the profiles in vocalbrain.db across a restart', async () => {
    await server.close();
    const file = new Database(join(home, 'vocalbrain', 'vocalbrain.db'), { readonly: true });
    const rows = file.prepare('SELECT name, engine, speed FROM profiles ORDER BY name').all();
    file.close();
    expect(rows).toEqual([
      { name: 'Grandma', engine: 'espeak-ng', speed: 1 },
      { name: 'Narrator', engine: 'espeak-ng', speed: 0.9 },
    ]);
    server = await startTestServer({ home });
    const list = await (await send(server, 'GET', '/api/profiles')).json();
    expect(list.profiles.map((profile: { name: string }) => profile.name)).toEqual(['Grandma', 'Narrator']);
    const response = await server.post('/v1/audio/speech', {
      model: 'Narrator',
      input: 'Back again after a restart.',
    });
    expect(response.status).toBe(200);
  });

  it('lists the profiles among the models and beside the voices', async () => {
    const models = await (await fetch(`${server.url}/v1/models`)).json();
    const profiles = models.data.filter(
      (entry: { owned_by: string }) => entry.owned_by === 'vocalbrain-profile',
    );
    expect(profiles.map((entry: { id: string }) => entry.id)).toEqual(['Grandma', 'Narrator']);
    const voices = await (await fetch(`${server.url}/v1/audio/voices`)).json();
    expect(voices.profiles.map((profile: { name: string }) => profile.name)).toEqual(['Grandma', 'Narrator']);
  });
});

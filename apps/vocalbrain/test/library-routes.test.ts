// The library's HTTP routes on a real server (the service kit's app, as create-app mounts them):
// multipart uploads, search, playable audio with ranges, deletion and the errors of bad input.
import { createServiceApp, type RunningService, serve } from '@klody/service';
import { freePort } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryRoutes } from '../src/http/library-routes.js';
import type { Track } from '../src/library/index.js';
import { openTestLibrary, type TestLibrary } from './support/open-test-library.js';
import { toneClip } from './support/tone-clip.js';

let opened: TestLibrary;
let server: RunningService;

beforeAll(async () => {
  opened = await openTestLibrary({ ffmpeg: null });
  const app = createServiceApp();
  app.route('/', libraryRoutes({ library: opened.library }));
  server = await serve({ fetch: app.fetch, service: 'vocalbrain-test', port: await freePort() });
});
afterAll(async () => {
  await server?.close();
  await opened?.close();
});

function upload(fields: Record<string, string | Blob>, fileName = 'track.wav'): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, fileName);
    else form.append(name, value);
  }
  return fetch(`${server.url}/api/library/tracks`, { method: 'POST', body: form });
}

const wav = (frequencies: number[]) =>
  new Blob([new Uint8Array(toneClip(frequencies))], { type: 'audio/wav' });

describe('the library routes', () => {
  let sea: Track;
  let guitar: Track;

  it('adds tracks from multipart uploads, with tags as a list or a comma-separated field', async () => {
    const first = await upload(
      {
        file: wav([330, 392, 440]),
        description: 'Calm ocean waves with a soft synth pad',
        tags: 'ambient, sea',
      },
      'waves.wav',
    );
    expect(first.status).toBe(201);
    sea = ((await first.json()) as { track: Track }).track;
    expect(sea).toMatchObject({ title: 'waves', tags: ['ambient', 'sea'], format: 'wav' });
    const second = await upload(
      {
        file: wav([196, 247, 294]),
        description: 'Guitare flamenco rapide, avec des claquements de mains',
        tags: JSON.stringify(['flamenco', 'guitare']),
        title: 'Sevilla',
      },
      'take-2.wav',
    );
    expect(second.status).toBe(201);
    guitar = ((await second.json()) as { track: Track }).track;
    expect(guitar).toMatchObject({ title: 'Sevilla', tags: ['flamenco', 'guitare'] });
    const listed = (await (await fetch(`${server.url}/api/library/tracks`)).json()) as { tracks: Track[] };
    expect(listed.tracks.map((track) => track.id)).toEqual([sea.id, guitar.id]);
  });

  it('finds a track by its description and answers with a URL that plays it', async () => {
    const response = await fetch(
      `${server.url}/api/library/find?q=${encodeURIComponent('guitare flamenco')}&k=1`,
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { query: string; mode: string; tracks: Track[] };
    expect(answer.mode).toBe('lexical');
    expect(answer.tracks.map((track) => track.id)).toEqual([guitar.id]);
    const audio = await fetch(`${server.url}${answer.tracks[0]?.audioUrl}`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    const bytes = new Uint8Array(await audio.arrayBuffer());
    expect(bytes).toEqual(toneClip([196, 247, 294]));
  });

  it('answers a byte range of the audio, as browsers ask for it', async () => {
    const response = await fetch(`${server.url}${sea.audioUrl}`, { headers: { range: 'bytes=0-11' } });
    expect(response.status).toBe(206);
    const size = toneClip([330, 392, 440]).byteLength;
    expect(response.headers.get('content-range')).toBe(`bytes 0-11/${size}`);
    expect(new TextDecoder().decode(new Uint8Array(await response.arrayBuffer())).slice(0, 4)).toBe('RIFF');
    const beyond = await fetch(`${server.url}${sea.audioUrl}`, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
  });

  it('refuses bad requests with JSON errors and keeps nothing', async () => {
    const before = opened.library.list().length;
    const cases: [Promise<Response>, number, string][] = [
      [upload({ description: 'no file here' }), 400, 'invalid_request'],
      [upload({ file: wav([440]) }), 400, 'invalid_request'],
      [upload({ file: new Blob(['not a wav']), description: 'broken' }), 400, 'invalid_audio'],
      [upload({ file: wav([440]), description: 'an mp3' }, 'song.mp3'), 415, 'unsupported_audio'],
      [
        fetch(`${server.url}/api/library/tracks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
        400,
        'invalid_request',
      ],
      [fetch(`${server.url}/api/library/find?q=`), 400, 'invalid_request'],
      [fetch(`${server.url}/api/library/tracks/999/audio`), 404, 'not_found'],
      [fetch(`${server.url}/api/library/tracks/abc`), 400, 'invalid_request'],
      [fetch(`${server.url}/api/library/tracks/999`, { method: 'DELETE' }), 404, 'not_found'],
    ];
    for (const [request, status, code] of cases) {
      const response = await request;
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    expect(opened.library.list()).toHaveLength(before);
  });

  it('deletes a track, after which neither its audio nor a search finds it', async () => {
    const response = await fetch(`${server.url}/api/library/tracks/${sea.id}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ removed: sea.id });
    expect((await fetch(`${server.url}${sea.audioUrl}`)).status).toBe(404);
    const answer = (await (await fetch(`${server.url}/api/library/find?q=ocean`)).json()) as {
      tracks: Track[];
    };
    expect(answer.tracks).toEqual([]);
  });

  it('serves the web page beside the API', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('VocalBrain');
  });
});

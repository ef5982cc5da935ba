// The server as `npm start` runs it, pointed at a real gateway that serves e5 under `embed`: tracks
// added over HTTP are found by meaning across languages, and the answer says so.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repositoryRoot, sourceArguments, startE5Gateway, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';
import { toneClip } from './support/tone-clip.js';

describeRequiring(
  { models: ['multilingual-e5-small'] },
  'the library in the server, with e5 through the gateway',
  () => {
    const reaper = useProcessReaper();
    let home = '';
    afterAll(async () => {
      await reaper.reapAll();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('finds an English-described track from a French description, by meaning', async () => {
      const gateway = await startE5Gateway(reaper);
      home = gateway.home;
      const port = await freePort();
      reaper.spawn(
        process.execPath,
        sourceArguments('apps/vocalbrain/src/cli.ts', ['serve', '--port', String(port)]),
        {
          cwd: repositoryRoot(),
          env: {
            ...process.env,
            KLODY_HOME: join(home, 'vocalbrain-home'),
            KLODY_GATEWAY_URL: gateway.url,
            KLODY_VOCALBRAIN_CALIBRATE: '0',
            // No transcriber: this test is about the embedder.
            KLODY_MODELS_DIR: join(home, 'no-models'),
          },
        },
      );
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/health`, { timeoutMs: 60_000 });
      const tracks: Record<string, number> = {};
      for (const [name, description] of [
        ['piano', 'Slow solo piano in a minor key, melancholic and quiet'],
        ['brass', 'Upbeat big band jazz with trumpets and trombones'],
        ['rain', 'Heavy rain and distant thunder at night'],
      ] as const) {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(toneClip([220, 330]))]), `${name}.wav`);
        form.append('description', description);
        const response = await fetch(`${url}/api/library/tracks`, { method: 'POST', body: form });
        expect(response.status).toBe(201);
        tracks[name] = ((await response.json()) as { track: { id: number } }).track.id;
      }
      const response = await fetch(
        `${url}/api/library/find?q=${encodeURIComponent('une chanson triste au piano')}&k=1`,
      );
      const answer = (await response.json()) as {
        mode: string;
        embedder: string;
        tracks: { id: number; audioUrl: string }[];
      };
      expect(answer).toMatchObject({ mode: 'vector', embedder: 'openai:embed' });
      expect(answer.tracks.map((track) => track.id)).toEqual([tracks.piano]);
      // "triste" and "chanson" are in no description: words alone could not have found it.
      const audio = await fetch(`${url}${answer.tracks[0]?.audioUrl}`);
      expect(audio.headers.get('content-type')).toBe('audio/wav');
    }, 180_000);
  },
);

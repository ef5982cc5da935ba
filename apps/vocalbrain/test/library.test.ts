// The audio library on a real SQLite file: tracks added from real WAV bytes, recalled by their
// descriptions (lexically here; with the real e5 embedder in library-recall.test.ts).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeEmbedder } from '@klody/memory/testing';
import { ServiceError } from '@klody/service';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbedderSource, fixedEmbedderSource, type TrackTranscriber } from '../src/library/index.js';
import { openTestLibrary, type TestLibrary } from './support/open-test-library.js';
import { toneClip } from './support/tone-clip.js';

let opened: TestLibrary | null = null;
afterEach(async () => {
  await opened?.close();
  opened = null;
});

async function open(options: Parameters<typeof openTestLibrary>[0] = {}) {
  opened = await openTestLibrary(options);
  return opened;
}

const piano = () => ({
  bytes: toneClip([220, 196, 175, 165]),
  fileName: 'rainy-piano.wav',
  description: 'A slow, sad piano piece in a minor key, for a rainy evening',
  tags: ['piano', 'melancholy'],
});
const jazz = () => ({
  bytes: toneClip([392, 494, 587, 784]),
  fileName: 'fanfare.wav',
  description: 'Jazz entraînant avec des cuivres, trompettes et trombones qui swinguent',
  tags: ['jazz', 'cuivres'],
});

async function errorOf(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!ServiceError.isInstance(error)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

describe('the audio library', () => {
  it('adds a WAV with its description and tags, keeps the file, and says it has no words without a transcriber', async () => {
    const { library, audioFolder } = await open();
    const track = await library.add(piano());
    expect(track).toMatchObject({
      title: 'rainy-piano',
      description: piano().description,
      tags: ['piano', 'melancholy'],
      words: null,
      format: 'wav',
      audioUrl: `/api/library/tracks/${track.id}/audio`,
    });
    expect(track.wordsNote).toContain('no transcriber is installed');
    expect(track.duration).toBeCloseTo(1, 2);
    const file = library.audioFile(track.id);
    expect(file?.contentType).toBe('audio/wav');
    expect(file && existsSync(file.path)).toBe(true);
    expect(readdirSync(audioFolder)).toEqual([`${track.id}.wav`]);
    expect(library.list().map((listed) => listed.id)).toEqual([track.id]);
  });

  it('finds an English and a French track by words of their descriptions, lexically, and says why', async () => {
    const { library } = await open({ embedders: fixedEmbedderSource(null, 'no gateway in this test') });
    const sad = await library.add(piano());
    const brass = await library.add(jazz());
    const english = await library.find('sad piano');
    expect(english.mode).toBe('lexical');
    expect(english.embedder).toBeNull();
    expect(english.note).toBe('no gateway in this test');
    expect(english.tracks[0]?.id).toBe(sad.id);
    expect(english.tracks[0]?.rank).toBe(1);
    const french = await library.find('des trompettes');
    expect(french.tracks[0]?.id).toBe(brass.id);
    // A tag is searchable too.
    expect((await library.find('melancholy')).tracks.map((track) => track.id)).toEqual([sad.id]);
  });

  it('searches the words a transcriber heard in a track', async () => {
    const heard: TrackTranscriber = {
      // A fake transcriber: the real one (faster-whisper) is exercised in library-words.test.ts.
      transcribe: async () => ({
        text: 'the lighthouse keeper sings at dawn',
        language: 'en',
        note: 'fake-transcriber',
      }),
      close: async () => {},
    };
    const { library } = await open({ transcriber: heard });
    const track = await library.add({ ...piano(), description: 'A folk ballad with one voice' });
    expect(track.words).toBe('the lighthouse keeper sings at dawn');
    expect((await library.find('lighthouse keeper')).tracks[0]?.id).toBe(track.id);
  });

  it('removes a track: its file, its row and its place in the index', async () => {
    const { library } = await open();
    const track = await library.add(piano());
    const path = library.audioFile(track.id)?.path as string;
    expect(await library.remove(track.id)).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(library.get(track.id)).toBeNull();
    expect((await library.find('sad piano')).tracks).toEqual([]);
    expect(await library.remove(track.id)).toBe(false);
  });

  it('refuses bad input with a clear error and keeps nothing', async () => {
    const { library, audioFolder } = await open({ ffmpeg: null });
    expect(await errorOf(library.add({ ...piano(), description: '   ' }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
    });
    const notWav = await errorOf(
      library.add({ ...piano(), bytes: new TextEncoder().encode('hello, not audio') }),
    );
    expect(notWav).toMatchObject({ code: 'invalid_audio', status: 400 });
    expect(notWav.message).toContain('rainy-piano.wav');
    const mp3 = await errorOf(library.add({ ...piano(), fileName: 'song.mp3' }));
    expect(mp3).toMatchObject({ code: 'unsupported_audio', status: 415 });
    expect(mp3.message).toContain('ffmpeg');
    const text = await errorOf(library.add({ ...piano(), fileName: 'notes.txt' }));
    expect(text.status).toBe(415);
    expect(
      await errorOf(library.add({ ...piano(), tags: Array.from({ length: 40 }, (_, index) => `t${index}`) })),
    ).toMatchObject({ status: 400 });
    expect(await errorOf(library.find('  '))).toMatchObject({ status: 400 });
    expect(library.list()).toEqual([]);
    expect(readdirSync(audioFolder)).toEqual([]);
  });

  it('indexes the tracks added before the embedder came, once it is there, and searches by meaning then', async () => {
    const embedder = createFakeEmbedder({ dimensions: 64 });
    let available = false;
    const lateEmbedder: EmbedderSource = {
      current: async () => (available ? embedder : null),
      note: () => (available ? null : 'the gateway is starting'),
      reportFailure: () => {},
    };
    const { library } = await open({ embedders: lateEmbedder });
    const sad = await library.add(piano());
    await library.add(jazz());
    expect((await library.find('sad piano')).mode).toBe('lexical');
    expect(embedder.calls).toEqual([]);
    available = true;
    // Three searches at once: the tracks are indexed with the embedder once, and each search finds them.
    const answers = await Promise.all([1, 2, 3].map(() => library.find('sad piano')));
    for (const answer of answers) {
      expect(answer).toMatchObject({ mode: 'vector', embedder: embedder.id, note: null });
      expect(answer.tracks[0]?.id).toBe(sad.id);
    }
    // Both tracks' texts were embedded as passages once, then the three queries.
    expect(embedder.calls.flat()).toHaveLength(5);
  });

  it('falls back to words when the embedder fails, and tells the source so', async () => {
    const failures: unknown[] = [];
    const broken: EmbedderSource = {
      current: async () => ({
        id: 'fake:broken',
        dimensions: 8,
        embed: async () => {
          const { MemoryError } = await import('@klody/memory');
          throw new MemoryError('embedder_failed', 'the fake embedder is down');
        },
      }),
      note: () => 'the embedder failed',
      reportFailure: (error) => failures.push(error),
    };
    const { library } = await open({ embedders: broken });
    const sad = await library.add(piano());
    const answer = await library.find('sad piano');
    expect(answer.mode).toBe('lexical');
    expect(answer.tracks[0]?.id).toBe(sad.id);
    expect(failures.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps tracks across a reopening of the same database file', async () => {
    const first = await open();
    const track = await first.library.add(piano());
    const { openDatabaseFile } = await import('@klody/memory');
    const { createTrackLibrary } = await import('../src/library/index.js');
    const database = openDatabaseFile(first.databasePath);
    try {
      const again = await createTrackLibrary({
        database,
        audioFolder: join(first.home, 'library'),
        embedders: fixedEmbedderSource(null),
        transcriber: null,
      });
      expect(again.get(track.id)?.description).toBe(piano().description);
      expect((await again.find('rainy evening')).tracks[0]?.id).toBe(track.id);
    } finally {
      database.close();
    }
  });
});

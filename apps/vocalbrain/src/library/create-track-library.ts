import { mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createHybridRetriever,
  createIngester,
  type Embedder,
  type MemoryDatabase,
  MemoryError,
  migrate,
  type SearchMode,
} from '@klody/memory';
import { ServiceError } from '@klody/service';
import { findExecutable } from '@klody/voice';
import type { EmbedderSource } from './library-embedder.js';
import { contentTypeOf, readTrackAudio } from './read-track-audio.js';
import type { FindAnswer, FoundTrack, NewTrack, Track, TrackLibrary } from './track.js';
import {
  createTrackTable,
  deleteTrack,
  insertTrack,
  markIndexed,
  readTrack,
  readTracks,
  type TrackRow,
  toTrack,
  trackIdOfUri,
  tracksNotIndexedWith,
  trackUri,
} from './track-store.js';
import { trackText } from './track-text.js';
import { noTranscriberNote, type TrackTranscriber } from './track-transcriber.js';

export interface TrackLibraryOptions {
  /** VocalBrain's database ($KLODY_HOME/vocalbrain/vocalbrain.db): the tracks and memory's index. */
  database: MemoryDatabase;
  /** Where the tracks' files are kept ($KLODY_HOME/vocalbrain/library). */
  audioFolder: string;
  embedders: EmbedderSource;
  /** Null: tracks are added without words, and say so. */
  transcriber: TrackTranscriber | null;
  /** The ffmpeg program for formats other than WAV; default: `ffmpeg` on PATH, if any. */
  ffmpeg?: string | null;
  /**
   * Retrieval with an embedder (default `vector`). Chosen on the tuning half of the recall set
   * (apps/vocalbrain/eval), never on the reported half: with e5, recall@3 was 0.93 by meaning alone
   * against 0.83 fused with BM25 (a track's text is one or two sentences, and words such as
   * "musique" or "music" that every description shares pulled the wrong tracks up).
   */
  mode?: Exclude<SearchMode, 'lexical'>;
  clock?: () => number;
}

export const maxDescriptionLength = 4_000;
export const maxTags = 32;
export const maxTagLength = 64;
/** The most tracks one search answers. */
export const maxFindLimit = 50;
/** The longest search description: as long as a track's own description may be. */
export const maxFindDescriptionLength = maxDescriptionLength;

function invalid(message: string): ServiceError {
  return new ServiceError('invalid_request', 400, message);
}

function cleanTags(tags: readonly string[]): string[] {
  const clean = [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0))];
  if (clean.length > maxTags) throw invalid(`at most ${maxTags} tags, got ${clean.length}`);
  const long = clean.find((tag) => tag.length > maxTagLength);
  if (long) throw invalid(`the tag "${long.slice(0, 20)}…" is longer than ${maxTagLength} characters`);
  return clean;
}

function titleOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).trim() || 'untitled';
}

const isEmbedderFailure = (error: unknown) =>
  MemoryError.isInstance(error) && error.code === 'embedder_failed';

/**
 * The audio library over @klody/memory: a track is one memory source whose text is its description,
 * tags and transcribed words (uri `vocalbrain-track:<id>`), recalled by meaning (the gateway's
 * embedder; see `mode`) or by words alone (BM25) when there is no embedder. Tracks indexed
 * before the embedder arrived are indexed again with it on the next search.
 */
export async function createTrackLibrary(options: TrackLibraryOptions): Promise<TrackLibrary> {
  const { database, audioFolder, embedders, transcriber } = options;
  const ffmpeg = options.ffmpeg === undefined ? findExecutable('ffmpeg') : options.ffmpeg;
  const mode = options.mode ?? 'vector';
  const clock = options.clock ?? (() => Date.now() / 1000);
  await migrate(database);
  createTrackTable(database.getConnection());
  mkdirSync(audioFolder, { recursive: true });
  const filePath = (row: Pick<TrackRow, 'file_name'>) => join(audioFolder, row.file_name);

  /** Puts tracks in memory's index with this embedder (or lexically, for null). */
  async function index(rows: readonly TrackRow[], embedder: Embedder | null): Promise<void> {
    if (rows.length === 0) return;
    const documents = rows.map((row) => ({
      uri: trackUri(row.id),
      title: null,
      text: trackText(row),
      format: 'txt',
      metadata: { track: row.id },
      stripGutenberg: false,
    }));
    const ingester = createIngester({ database, embedder });
    try {
      // Unchanged text is skipped by its hash, vectors or not: what was indexed with another
      // embedder (or none) is removed first so that its vectors are made.
      const stale = rows.filter((row) => row.indexed_with !== null).map((row) => trackUri(row.id));
      if (stale.length > 0) await ingester.remove(stale);
      let report: Awaited<ReturnType<typeof ingester.ingest>>;
      try {
        report = await ingester.ingest(documents);
      } catch (error) {
        // The embedder failed after the old entries were removed: they go back, searchable by
        // words, before the failure is reported.
        if (embedder)
          await index(
            rows.map((row) => ({ ...row, indexed_with: null })),
            null,
          );
        throw error;
      }
      const failure = report.failed[0];
      if (failure) throw new ServiceError('index_failed', 500, failure.message);
      const embedderId = embedder?.id ?? '';
      await database.writeLock.runExclusive(() => {
        for (const row of rows) markIndexed(database.getConnection(), row.id, embedderId);
      });
    } finally {
      await ingester.close();
    }
  }

  let reindexing: Promise<void> = Promise.resolve();

  /** The embedder, with every track indexed with it; null (lexical) when it is absent or failing. */
  async function readyEmbedder(): Promise<Embedder | null> {
    const embedder = await embedders.current();
    if (!embedder) return null;
    try {
      // One catch-up at a time: two searches at once would each remove and re-add the same tracks,
      // and one could run while the other's tracks are out of the index.
      const catchUp = reindexing.then(() =>
        index(tracksNotIndexedWith(database.getConnection(), embedder.id), embedder),
      );
      reindexing = catchUp.catch(() => {});
      await catchUp;
      return embedder;
    } catch (error) {
      if (!isEmbedderFailure(error)) throw error;
      embedders.reportFailure(error);
      return null;
    }
  }

  async function heardWords(speech: Parameters<TrackTranscriber['transcribe']>[0]) {
    if (!transcriber) return { text: null, language: null, note: noTranscriberNote };
    try {
      return await transcriber.transcribe(speech);
    } catch (error) {
      // The track is still worth keeping: it is found by its description.
      const message = error instanceof Error ? error.message : String(error);
      return { text: null, language: null, note: `no words: the transcription failed (${message})` };
    }
  }

  return {
    async add(track: NewTrack): Promise<Track> {
      const description = track.description.trim();
      if (description.length === 0) throw invalid('description is empty: say what the track sounds like');
      if (description.length > maxDescriptionLength)
        throw invalid(`description is longer than ${maxDescriptionLength} characters`);
      const tags = cleanTags(track.tags ?? []);
      const audio = await readTrackAudio(track.bytes, track.fileName, ffmpeg);
      const words = await heardWords(audio.speech);
      const id = await database.writeLock.runExclusive(async () => {
        const connection = database.getConnection();
        const inserted = insertTrack(
          connection,
          {
            title: track.title?.trim() || titleOf(track.fileName),
            description,
            tags: JSON.stringify(tags),
            words: words.text,
            words_language: words.language,
            words_note: words.note,
            format: audio.format,
            duration: audio.duration,
            bytes: track.bytes.byteLength,
            added_at: clock(),
          },
          (rowId) => `${rowId}.${audio.format}`,
        );
        try {
          await writeFile(filePath(readTrack(connection, inserted) as TrackRow), track.bytes);
        } catch (error) {
          deleteTrack(connection, inserted);
          throw error;
        }
        return inserted;
      });
      const embedder = await embedders.current();
      // In turn with the searches' catch-ups, which may be indexing this new track too.
      const indexing = reindexing.then(async () => {
        const current = readTrack(database.getConnection(), id) as TrackRow;
        if (current.indexed_with === (embedder?.id ?? '')) return;
        try {
          await index([current], embedder);
        } catch (error) {
          if (!embedder || !isEmbedderFailure(error)) throw error;
          // Kept and searchable by words now; the next search indexes it with the embedder again.
          embedders.reportFailure(error);
          await index([readTrack(database.getConnection(), id) as TrackRow], null);
        }
      });
      reindexing = indexing.catch(() => {});
      await indexing;
      return toTrack(readTrack(database.getConnection(), id) as TrackRow);
    },

    list: () => readTracks(database.getConnection()).map(toTrack),

    get(id) {
      const row = readTrack(database.getConnection(), id);
      return row ? toTrack(row) : null;
    },

    audioFile(id) {
      const row = readTrack(database.getConnection(), id);
      return row ? { path: filePath(row), contentType: contentTypeOf(row.format) } : null;
    },

    async find(description, findOptions = {}): Promise<FindAnswer> {
      const text = description.trim();
      if (text.length === 0) throw invalid('the description to find is empty');
      if (text.length > maxDescriptionLength)
        throw invalid(`the description to find is longer than ${maxDescriptionLength} characters`);
      const limit = Math.min(maxFindLimit, Math.max(1, Math.floor(findOptions.limit ?? 5)));
      // Chunks, not tracks, come back: a track with long words has several, so ask for more.
      const query = { text, limit: limit * 4 + 8, signal: findOptions.signal };
      let embedder = await readyEmbedder();
      let chunks: Awaited<ReturnType<ReturnType<typeof createHybridRetriever>['retrieve']>> = [];
      if (embedder) {
        try {
          chunks = await createHybridRetriever({ database, embedder, mode }).retrieve(query);
        } catch (error) {
          if (!isEmbedderFailure(error)) throw error;
          embedders.reportFailure(error);
          embedder = null;
        }
      }
      if (!embedder) chunks = await createHybridRetriever({ database, mode: 'lexical' }).retrieve(query);
      const connection = database.getConnection();
      const seen = new Set<number>();
      const tracks: FoundTrack[] = [];
      for (const chunk of chunks) {
        const id = trackIdOfUri(chunk.sourceUri);
        if (id === null || seen.has(id)) continue;
        seen.add(id);
        const row = readTrack(connection, id);
        if (!row) continue;
        tracks.push({ ...toTrack(row), rank: tracks.length + 1, score: chunk.score });
        if (tracks.length === limit) break;
      }
      return {
        tracks,
        mode: embedder ? mode : 'lexical',
        embedder: embedder?.id ?? null,
        note: embedder ? null : embedders.note(),
      };
    },

    async remove(id) {
      const row = readTrack(database.getConnection(), id);
      if (!row) return false;
      const ingester = createIngester({ database });
      try {
        await ingester.remove([trackUri(id)]);
      } finally {
        await ingester.close();
      }
      const removed = await database.writeLock.runExclusive(() => deleteTrack(database.getConnection(), id));
      await rm(filePath(row), { force: true });
      return removed;
    },

    async searchState() {
      const embedder = await embedders.current();
      return { embedder: embedder?.id ?? null, note: embedder ? null : embedders.note() };
    },

    async close() {
      await transcriber?.close();
    },
  };
}

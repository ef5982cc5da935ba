import type { Database } from 'better-sqlite3';
import type { Track } from './track.js';

// The library's own table, beside @klody/memory's: a track's file, its description and words. The
// searchable text lives in memory's sources (one source per track, uri `vocalbrain-track:<id>`).
const schema = `
  CREATE TABLE IF NOT EXISTS library_tracks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    tags TEXT NOT NULL,
    words TEXT,
    words_language TEXT,
    words_note TEXT NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    duration REAL NOT NULL,
    bytes INTEGER NOT NULL,
    added_at REAL NOT NULL,
    indexed_with TEXT
  )`;

export interface TrackRow {
  id: number;
  title: string;
  description: string;
  tags: string;
  words: string | null;
  words_language: string | null;
  words_note: string;
  format: string;
  file_name: string;
  duration: number;
  bytes: number;
  added_at: number;
  /** The embedder id the track's text was indexed with; '' for lexical only, null before indexing. */
  indexed_with: string | null;
}

export type NewTrackRow = Omit<TrackRow, 'id' | 'file_name' | 'indexed_with'>;

export function createTrackTable(connection: Database): void {
  connection.exec(schema);
}

export const trackUri = (id: number) => `vocalbrain-track:${id}`;

export function trackIdOfUri(uri: string): number | null {
  const match = /^vocalbrain-track:(\d+)$/.exec(uri);
  return match ? Number(match[1]) : null;
}

export function toTrack(row: TrackRow): Track {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    words: row.words,
    wordsLanguage: row.words_language,
    wordsNote: row.words_note,
    format: row.format,
    duration: row.duration,
    bytes: row.bytes,
    addedAt: row.added_at,
    audioUrl: `/api/library/tracks/${row.id}/audio`,
  };
}

export function insertTrack(
  connection: Database,
  row: NewTrackRow,
  fileName: (id: number) => string,
): number {
  const id = Number(
    connection
      .prepare(
        `INSERT INTO library_tracks (title, description, tags, words, words_language, words_note, format,
           file_name, duration, bytes, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
      )
      .run(
        row.title,
        row.description,
        row.tags,
        row.words,
        row.words_language,
        row.words_note,
        row.format,
        row.duration,
        row.bytes,
        row.added_at,
      ).lastInsertRowid,
  );
  connection.prepare('UPDATE library_tracks SET file_name = ? WHERE id = ?').run(fileName(id), id);
  return id;
}

export function readTrack(connection: Database, id: number): TrackRow | null {
  return (
    (connection.prepare('SELECT * FROM library_tracks WHERE id = ?').get(id) as TrackRow | undefined) ?? null
  );
}

export function readTracks(connection: Database): TrackRow[] {
  return connection.prepare('SELECT * FROM library_tracks ORDER BY id').all() as TrackRow[];
}

/** Tracks whose text is not indexed with this embedder (or lexically, for '') yet. */
export function tracksNotIndexedWith(connection: Database, embedderId: string): TrackRow[] {
  return connection
    .prepare('SELECT * FROM library_tracks WHERE indexed_with IS NULL OR indexed_with != ? ORDER BY id')
    .all(embedderId) as TrackRow[];
}

export function markIndexed(connection: Database, id: number, embedderId: string): void {
  connection.prepare('UPDATE library_tracks SET indexed_with = ? WHERE id = ?').run(embedderId, id);
}

export function deleteTrack(connection: Database, id: number): boolean {
  return connection.prepare('DELETE FROM library_tracks WHERE id = ?').run(id).changes > 0;
}

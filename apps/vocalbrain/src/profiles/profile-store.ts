import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ServiceError } from '@klody/service';
import type { Connection } from '../database/open-database.js';
import type { ProfileInput, VoiceProfile } from './profile.js';

export interface ProfileStore {
  list(): VoiceProfile[];
  get(name: string): VoiceProfile | null;
  /** 409 when the name is taken. */
  create(input: ProfileInput): VoiceProfile;
  /** Replaces the profile's fields (the name may change); 404 when it does not exist, 409 on a taken name. */
  update(name: string, input: ProfileInput): VoiceProfile;
  /** False when there was no such profile. */
  remove(name: string): boolean;
}

interface ProfileRow {
  name: string;
  engine: string;
  voice: string | null;
  language: string | null;
  speed: number;
  pitch: number;
  loudness_lufs: number | null;
  clone_reference: string | null;
  clone_consent: string | null;
  clone_engine: string | null;
  created_at: number;
  updated_at: number;
}

function fromRow(row: ProfileRow): VoiceProfile {
  return {
    name: row.name,
    engine: row.engine,
    voice: row.voice,
    language: row.language,
    speed: row.speed,
    pitch: row.pitch,
    loudnessLufs: row.loudness_lufs,
    clone:
      row.clone_reference !== null && row.clone_consent !== null && row.clone_engine !== null
        ? { referencePath: row.clone_reference, consent: row.clone_consent, engine: row.clone_engine }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkClone(input: ProfileInput): void {
  const reference = input.clone?.referencePath;
  if (reference === undefined) return;
  if (!isAbsolute(reference)) {
    throw new ServiceError(
      'invalid_request',
      400,
      `clone.referencePath must be an absolute path, got "${reference}"`,
    );
  }
  if (!existsSync(reference)) {
    throw new ServiceError('invalid_request', 400, `clone.referencePath: no recording at ${reference}`);
  }
}

/**
 * Voice profiles in VocalBrain's database (table `profiles`, names unique without regard to case).
 * A cloned voice is a profile whose clone fields are set: the reference recording, the consent note
 * (required) and the engine meant to clone it.
 */
export function createProfileStore(connection: Connection): ProfileStore {
  connection.exec(`
    CREATE TABLE IF NOT EXISTS profiles (
      name TEXT PRIMARY KEY COLLATE NOCASE,
      engine TEXT NOT NULL,
      voice TEXT,
      language TEXT,
      speed REAL NOT NULL DEFAULT 1,
      pitch REAL NOT NULL DEFAULT 1,
      loudness_lufs REAL,
      clone_reference TEXT,
      clone_consent TEXT,
      clone_engine TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      CHECK ((clone_reference IS NULL) = (clone_consent IS NULL) AND (clone_reference IS NULL) = (clone_engine IS NULL))
    );
  `);
  const selectAll = connection.prepare<[], ProfileRow>('SELECT * FROM profiles ORDER BY name COLLATE NOCASE');
  const selectOne = connection.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE name = ?');
  const insert = connection.prepare(`
    INSERT INTO profiles (name, engine, voice, language, speed, pitch, loudness_lufs, clone_reference, clone_consent, clone_engine, created_at, updated_at)
    VALUES (@name, @engine, @voice, @language, @speed, @pitch, @loudness_lufs, @clone_reference, @clone_consent, @clone_engine, @created_at, @updated_at)`);
  const replace = connection.prepare(`
    UPDATE profiles SET name = @name, engine = @engine, voice = @voice, language = @language, speed = @speed,
      pitch = @pitch, loudness_lufs = @loudness_lufs, clone_reference = @clone_reference,
      clone_consent = @clone_consent, clone_engine = @clone_engine, updated_at = @updated_at
    WHERE name = @previous`);
  const deleteOne = connection.prepare('DELETE FROM profiles WHERE name = ?');

  const rowOf = (input: ProfileInput, now: number) => ({
    name: input.name,
    engine: input.engine,
    voice: input.voice ?? null,
    language: input.language ?? null,
    speed: input.speed ?? 1,
    pitch: input.pitch ?? 1,
    loudness_lufs: input.loudnessLufs ?? null,
    clone_reference: input.clone?.referencePath ?? null,
    clone_consent: input.clone?.consent ?? null,
    clone_engine: input.clone?.engine ?? null,
    created_at: now,
    updated_at: now,
  });
  const taken = (name: string) =>
    new ServiceError(
      'profile_exists',
      409,
      `a profile named "${name}" already exists (PUT /api/profiles/${encodeURIComponent(name)} changes it)`,
    );

  return {
    list: () => selectAll.all().map(fromRow),
    get(name) {
      const row = selectOne.get(name);
      return row ? fromRow(row) : null;
    },
    create(input) {
      checkClone(input);
      if (selectOne.get(input.name)) throw taken(input.name);
      insert.run(rowOf(input, Math.floor(Date.now() / 1000)));
      return fromRow(selectOne.get(input.name) as ProfileRow);
    },
    update(name, input) {
      checkClone(input);
      const existing = selectOne.get(name);
      if (!existing) throw new ServiceError('profile_not_found', 404, `no profile named "${name}"`);
      if (input.name.toLowerCase() !== existing.name.toLowerCase() && selectOne.get(input.name)) {
        throw taken(input.name);
      }
      replace.run({ ...rowOf(input, Math.floor(Date.now() / 1000)), previous: existing.name });
      return fromRow(selectOne.get(input.name) as ProfileRow);
    },
    remove: (name) => deleteOne.run(name).changes > 0,
  };
}

// The memory each engine really takes, measured on real runs and kept in VocalBrain's database: the
// highest resident size (VmHWM) any of its processes reached while it synthesized. A gateway
// reservation asks for this figure, never for a constant.
import type Database from 'better-sqlite3';
import { descendantMemory } from './process-memory.js';

export interface EngineMemoryRecord {
  engine: string;
  /** The voice it was measured with ('' when the engine's memory does not depend on it). */
  voice: string;
  /** The highest resident size measured (bytes). */
  peakBytes: number;
  /** The last measurement (bytes). */
  lastBytes: number;
  measurements: number;
  /** Seconds since the epoch. */
  measuredAt: number;
}

export interface EngineMemoryStore {
  record(engine: string, voice: string, bytes: number): void;
  get(engine: string, voice: string): EngineMemoryRecord | null;
  list(): EngineMemoryRecord[];
}

interface Row {
  engine: string;
  voice: string;
  peak_bytes: number;
  last_bytes: number;
  measurements: number;
  measured_at: number;
}

const toRecord = (row: Row): EngineMemoryRecord => ({
  engine: row.engine,
  voice: row.voice,
  peakBytes: row.peak_bytes,
  lastBytes: row.last_bytes,
  measurements: row.measurements,
  measuredAt: row.measured_at,
});

export function createEngineMemoryStore(connection: Database.Database): EngineMemoryStore {
  connection.exec(`
    CREATE TABLE IF NOT EXISTS vocalbrain_engine_memory (
      engine TEXT NOT NULL,
      voice TEXT NOT NULL,
      peak_bytes INTEGER NOT NULL,
      last_bytes INTEGER NOT NULL,
      measurements INTEGER NOT NULL,
      measured_at REAL NOT NULL,
      PRIMARY KEY (engine, voice)
    )`);
  return {
    record(engine, voice, bytes) {
      connection
        .prepare(
          `INSERT INTO vocalbrain_engine_memory (engine, voice, peak_bytes, last_bytes, measurements, measured_at)
           VALUES (@engine, @voice, @bytes, @bytes, 1, @time)
           ON CONFLICT (engine, voice) DO UPDATE SET peak_bytes = max(peak_bytes, @bytes),
             last_bytes = @bytes, measurements = measurements + 1, measured_at = @time`,
        )
        .run({ engine, voice, bytes: Math.round(bytes), time: Date.now() / 1000 });
    },
    get(engine, voice) {
      const row = connection
        .prepare<[string, string], Row>(
          'SELECT * FROM vocalbrain_engine_memory WHERE engine = ? AND voice = ?',
        )
        .get(engine, voice);
      return row ? toRecord(row) : null;
    },
    list() {
      return connection
        .prepare<[], Row>('SELECT * FROM vocalbrain_engine_memory ORDER BY engine, voice')
        .all()
        .map(toRecord);
    },
  };
}

/** What identifies an engine's processes in `ps`: a part of their command line. */
export function engineProcessPattern(engine: string): string {
  // piper runs as `piper …` or as piper_worker.py; espeak-ng as /usr/bin/espeak-ng.
  return engine.split(':')[0] ?? engine;
}

/**
 * Runs `work` while sampling, every `intervalMs`, the memory of this process's descendants whose command
 * line contains `pattern`; once more when it ends (a long-lived worker is still there then, and its
 * VmHWM holds its peak). Returns the highest VmHWM seen, null when no such process was seen.
 */
export async function measureWhile<T>(
  pattern: string,
  work: () => Promise<T>,
  intervalMs = 20,
): Promise<{ result: T; peakBytes: number | null }> {
  let peak: number | null = null;
  const sample = () => {
    for (const process of descendantMemory(pattern)) {
      peak = Math.max(peak ?? 0, process.peakResidentBytes);
    }
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await work();
    sample();
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

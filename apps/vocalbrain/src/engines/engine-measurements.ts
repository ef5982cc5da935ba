import type { Connection } from '../database/open-database.js';

/** An engine's figures: the running medians of its last measurements (null until measured). */
export interface EngineFigures {
  engine: string;
  /** Milliseconds from the request to its first audio. */
  firstAudioMs: number | null;
  /** Synthesis time divided by the audio's duration (below 1 is faster than real time). */
  realTimeFactor: number | null;
  /** How many measurements the medians are taken over (the window keeps the last `window`). */
  samples: number;
  /** When the last one was taken (Unix seconds), or null. */
  measuredAt: number | null;
}

export interface Measurement {
  firstAudioMs: number;
  realTimeFactor: number | null;
  source: 'calibration' | 'request';
}

export interface EngineMeasurements {
  record(engine: string, measurement: Measurement): void;
  figures(engine: string): EngineFigures;
  all(): EngineFigures[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The measured figures of each speech engine, in the app's database: every real request adds its
 * time to first audio and real-time factor, and an engine's figures are the medians of its last
 * `window` measurements (a median, so one cold start or one busy moment does not move the router).
 */
export function createEngineMeasurements(
  connection: Connection,
  options: { window?: number } = {},
): EngineMeasurements {
  const window = options.window ?? 21;
  connection.exec(`
    CREATE TABLE IF NOT EXISTS engine_measurements (
      id INTEGER PRIMARY KEY,
      engine TEXT NOT NULL,
      first_audio_ms REAL NOT NULL,
      real_time_factor REAL,
      source TEXT NOT NULL CHECK (source IN ('calibration', 'request')),
      measured_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS engine_measurements_by_engine ON engine_measurements (engine, id);
  `);
  const insert = connection.prepare(
    'INSERT INTO engine_measurements (engine, first_audio_ms, real_time_factor, source, measured_at) VALUES (?, ?, ?, ?, ?)',
  );
  const prune = connection.prepare(
    'DELETE FROM engine_measurements WHERE engine = ? AND id NOT IN (SELECT id FROM engine_measurements WHERE engine = ? ORDER BY id DESC LIMIT ?)',
  );
  const recent = connection.prepare<
    [string, number],
    { first_audio_ms: number; real_time_factor: number | null; measured_at: number }
  >(
    'SELECT first_audio_ms, real_time_factor, measured_at FROM engine_measurements WHERE engine = ? ORDER BY id DESC LIMIT ?',
  );
  const engines = connection.prepare<[], { engine: string }>(
    'SELECT DISTINCT engine FROM engine_measurements ORDER BY engine',
  );

  function figures(engine: string): EngineFigures {
    const rows = recent.all(engine, window);
    return {
      engine,
      firstAudioMs: median(rows.map((row) => row.first_audio_ms)),
      realTimeFactor: median(
        rows.map((row) => row.real_time_factor).filter((value): value is number => value !== null),
      ),
      samples: rows.length,
      measuredAt: rows[0]?.measured_at ?? null,
    };
  }

  return {
    record(engine, measurement) {
      if (!Number.isFinite(measurement.firstAudioMs) || measurement.firstAudioMs < 0) return;
      const factor =
        measurement.realTimeFactor !== null && Number.isFinite(measurement.realTimeFactor)
          ? measurement.realTimeFactor
          : null;
      connection.transaction(() => {
        insert.run(
          engine,
          measurement.firstAudioMs,
          factor,
          measurement.source,
          Math.floor(Date.now() / 1000),
        );
        prune.run(engine, engine, window);
      })();
    },
    figures,
    all: () => engines.all().map((row) => figures(row.engine)),
  };
}

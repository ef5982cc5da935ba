// The persisted queue: jobs, their items (one text each) and their segments, in VocalBrain's SQLite
// database (its own tables, created here). Every change a worker makes is one transaction, so what a
// killed process leaves behind is always a state it can continue from.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Job, JobItem, JobSegment, JobStatus, JobVoice } from './job.js';

type Connection = Database.Database;

const schema = `
CREATE TABLE IF NOT EXISTS vocalbrain_jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'batch')),
  status TEXT NOT NULL,
  engine TEXT NOT NULL,
  voice TEXT,
  language TEXT,
  speed REAL,
  pitch REAL,
  profile TEXT,
  loudness_target REAL NOT NULL,
  heavy INTEGER NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  error_code TEXT,
  worker_pid INTEGER,
  created_at REAL NOT NULL,
  started_at REAL,
  finished_at REAL,
  updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS vocalbrain_jobs_status ON vocalbrain_jobs (status, created_at);
CREATE TABLE IF NOT EXISTS vocalbrain_job_items (
  job_id TEXT NOT NULL REFERENCES vocalbrain_jobs (id) ON DELETE CASCADE,
  item INTEGER NOT NULL,
  text TEXT NOT NULL,
  sample_rate INTEGER,
  pcm_bytes INTEGER NOT NULL DEFAULT 0,
  segments_total INTEGER NOT NULL,
  segments_done INTEGER NOT NULL DEFAULT 0,
  output_path TEXT,
  duration_seconds REAL,
  input_lufs REAL,
  output_lufs REAL,
  loudness_method TEXT,
  PRIMARY KEY (job_id, item)
);
CREATE TABLE IF NOT EXISTS vocalbrain_job_segments (
  job_id TEXT NOT NULL REFERENCES vocalbrain_jobs (id) ON DELETE CASCADE,
  item INTEGER NOT NULL,
  segment INTEGER NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  pcm_bytes_after INTEGER,
  PRIMARY KEY (job_id, item, segment)
);
`;

interface JobRow {
  id: string;
  kind: 'text' | 'batch';
  status: JobStatus;
  engine: string;
  voice: string | null;
  language: string | null;
  speed: number | null;
  pitch: number | null;
  profile: string | null;
  loudness_target: number;
  heavy: number;
  cancel_requested: number;
  reason: string | null;
  error_code: string | null;
  worker_pid: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

interface ItemRow {
  job_id: string;
  item: number;
  characters: number;
  sample_rate: number | null;
  pcm_bytes: number;
  segments_total: number;
  segments_done: number;
  output_path: string | null;
  duration_seconds: number | null;
  input_lufs: number | null;
  output_lufs: number | null;
  loudness_method: string | null;
}

/** Where an item stands, for the worker that continues it. */
export interface ItemProgress {
  text: string;
  sampleRate: number | null;
  /** Bytes of the PCM work file that belong to finished segments. */
  pcmBytes: number;
  segmentsDone: number;
  segments: JobSegment[];
  outputPath: string | null;
}

export interface NewJob {
  kind: 'text' | 'batch';
  voice: JobVoice;
  loudnessTargetLufs: number;
  /** One entry per item: its text and how it was cut. */
  items: { text: string; segments: { start: number; end: number }[] }[];
}

export interface FinishedItem {
  outputPath: string;
  durationSeconds: number;
  inputLufs: number | null;
  outputLufs: number | null;
  loudnessMethod: string;
}

export interface JobStore {
  create(job: NewJob): Job;
  get(id: string): Job | null;
  /** Newest first. */
  list(options?: { limit?: number; status?: JobStatus }): Job[];
  /**
   * Takes the oldest queued job for the worker `workerPid` (atomically: two processes sharing the
   * database never take the same job); null when none is queued.
   */
  claimNext(workerPid: number): Job | null;
  /** Puts back to `queued` the jobs a dead worker left running; returns their ids. */
  recoverAbandoned(isAlive: (pid: number) => boolean): string[];
  setStatus(
    id: string,
    status: JobStatus,
    details?: { reason?: string | null; errorCode?: string | null; heavy?: boolean },
  ): void;
  itemProgress(id: string, item: number): ItemProgress;
  /** Records one finished segment and the work file's new length, in one transaction. */
  recordSegment(id: string, item: number, segment: number, pcmBytesAfter: number, sampleRate: number): void;
  /**
   * The work file holds only `availableBytes` (a crash of the machine lost what the page cache had not
   * written): progress goes back to the last finished segment whose audio is all there. Returns the
   * item's progress after that.
   */
  rewindItem(id: string, item: number, availableBytes: number): { segmentsDone: number; pcmBytes: number };
  finishItem(id: string, item: number, finished: FinishedItem): void;
  /**
   * Asks a job to stop: a queued or waiting job is cancelled at once, a running one at its next segment
   * boundary. Returns the job as it now is; null when unknown.
   */
  requestCancel(id: string): Job | null;
  isCancelRequested(id: string): boolean;
  /** Removes a job that is done, failed or cancelled (its rows; the files are the caller's). */
  remove(id: string): void;
}

const now = () => Date.now() / 1000;

export function createJobStore(connection: Connection): JobStore {
  connection.exec(schema);
  const selectJob = connection.prepare<[string], JobRow>('SELECT * FROM vocalbrain_jobs WHERE id = ?');
  const selectItems = connection.prepare<[string], ItemRow>(
    `SELECT job_id, item, length(text) AS characters, sample_rate, pcm_bytes, segments_total, segments_done,
            output_path, duration_seconds, input_lufs, output_lufs, loudness_method
       FROM vocalbrain_job_items WHERE job_id = ? ORDER BY item`,
  );
  const updateTime = connection.prepare('UPDATE vocalbrain_jobs SET updated_at = ? WHERE id = ?');

  const toItem = (row: ItemRow): JobItem => ({
    index: row.item,
    characters: row.characters,
    segmentsTotal: row.segments_total,
    segmentsDone: row.segments_done,
    outputPath: row.output_path,
    durationSeconds: row.duration_seconds,
    inputLufs: row.input_lufs,
    outputLufs: row.output_lufs,
    loudnessMethod: row.loudness_method,
  });

  const toJob = (row: JobRow): Job => {
    const items = selectItems.all(row.id).map(toItem);
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      voice: {
        engine: row.engine,
        voice: row.voice,
        language: row.language,
        speed: row.speed,
        pitch: row.pitch,
        profile: row.profile,
      },
      loudnessTargetLufs: row.loudness_target,
      segmentsTotal: items.reduce((sum, item) => sum + item.segmentsTotal, 0),
      segmentsDone: items.reduce((sum, item) => sum + item.segmentsDone, 0),
      heavy: row.heavy === 1,
      reason: row.reason,
      errorCode: row.error_code,
      cancelRequested: row.cancel_requested === 1,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      updatedAt: row.updated_at,
      items,
    };
  };

  const get = (id: string) => {
    const row = selectJob.get(id);
    return row ? toJob(row) : null;
  };

  return {
    create(job) {
      const id = `job_${randomUUID().replaceAll('-', '')}`;
      const time = now();
      const insertJob = connection.prepare(
        `INSERT INTO vocalbrain_jobs (id, kind, status, engine, voice, language, speed, pitch, profile,
           loudness_target, created_at, updated_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertItem = connection.prepare(
        'INSERT INTO vocalbrain_job_items (job_id, item, text, segments_total) VALUES (?, ?, ?, ?)',
      );
      const insertSegment = connection.prepare(
        `INSERT INTO vocalbrain_job_segments (job_id, item, segment, start_offset, end_offset)
         VALUES (?, ?, ?, ?, ?)`,
      );
      connection.transaction(() => {
        const { voice } = job;
        insertJob.run(
          id,
          job.kind,
          voice.engine,
          voice.voice,
          voice.language,
          voice.speed,
          voice.pitch,
          voice.profile,
          job.loudnessTargetLufs,
          time,
          time,
        );
        job.items.forEach((item, itemIndex) => {
          insertItem.run(id, itemIndex, item.text, item.segments.length);
          item.segments.forEach((segment, segmentIndex) => {
            insertSegment.run(id, itemIndex, segmentIndex, segment.start, segment.end);
          });
        });
      })();
      return get(id) as Job;
    },

    get,

    list(options = {}) {
      const limit = options.limit ?? 100;
      const rows = options.status
        ? connection
            .prepare<[string, number], JobRow>(
              'SELECT * FROM vocalbrain_jobs WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
            )
            .all(options.status, limit)
        : connection
            .prepare<[number], JobRow>(
              'SELECT * FROM vocalbrain_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?',
            )
            .all(limit);
      return rows.map(toJob);
    },

    claimNext(workerPid) {
      const row = connection
        .prepare<[{ pid: number; time: number }], JobRow>(
          `UPDATE vocalbrain_jobs SET status = 'running', worker_pid = @pid, updated_at = @time,
              started_at = COALESCE(started_at, @time), reason = NULL
            WHERE id = (SELECT id FROM vocalbrain_jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1)
              AND status = 'queued'
            RETURNING *`,
        )
        .get({ pid: workerPid, time: now() });
      return row ? toJob(row) : null;
    },

    recoverAbandoned(isAlive) {
      const rows = connection
        .prepare<[], { id: string; worker_pid: number | null }>(
          `SELECT id, worker_pid FROM vocalbrain_jobs
            WHERE status IN ('running', 'finishing', 'waiting_for_memory')`,
        )
        .all();
      const abandoned = rows.filter((row) => row.worker_pid === null || !isAlive(row.worker_pid));
      const requeue = connection.prepare(
        `UPDATE vocalbrain_jobs SET status = 'queued', worker_pid = NULL, updated_at = ?,
            reason = 'resumed after a restart' WHERE id = ?`,
      );
      connection.transaction(() => {
        for (const row of abandoned) requeue.run(now(), row.id);
      })();
      return abandoned.map((row) => row.id);
    },

    setStatus(id, status, details = {}) {
      const final = status === 'done' || status === 'failed' || status === 'cancelled';
      // A reason or code not given is kept: the reservation's note stays with the job to its end.
      connection
        .prepare(
          `UPDATE vocalbrain_jobs SET status = @status,
              reason = CASE WHEN @setReason THEN @reason ELSE reason END,
              error_code = CASE WHEN @setCode THEN @code ELSE error_code END,
              heavy = COALESCE(@heavy, heavy),
              finished_at = CASE WHEN @final THEN @time ELSE finished_at END,
              worker_pid = CASE WHEN @final THEN NULL ELSE worker_pid END, updated_at = @time
            WHERE id = @id`,
        )
        .run({
          id,
          status,
          setReason: details.reason === undefined ? 0 : 1,
          reason: details.reason ?? null,
          setCode: details.errorCode === undefined ? 0 : 1,
          code: details.errorCode ?? null,
          heavy: details.heavy === undefined ? null : details.heavy ? 1 : 0,
          final: final ? 1 : 0,
          time: now(),
        });
    },

    itemProgress(id, item) {
      const row = connection
        .prepare<
          [string, number],
          {
            text: string;
            sample_rate: number | null;
            pcm_bytes: number;
            segments_done: number;
            output_path: string | null;
          }
        >(
          `SELECT text, sample_rate, pcm_bytes, segments_done, output_path
             FROM vocalbrain_job_items WHERE job_id = ? AND item = ?`,
        )
        .get(id, item);
      if (!row) throw new Error(`job ${id} has no item ${item}`);
      const segments = connection
        .prepare<[string, number], { segment: number; start_offset: number; end_offset: number }>(
          `SELECT segment, start_offset, end_offset FROM vocalbrain_job_segments
            WHERE job_id = ? AND item = ? ORDER BY segment`,
        )
        .all(id, item)
        .map((segment) => ({
          item,
          index: segment.segment,
          start: segment.start_offset,
          end: segment.end_offset,
        }));
      return {
        text: row.text,
        sampleRate: row.sample_rate,
        pcmBytes: row.pcm_bytes,
        segmentsDone: row.segments_done,
        segments,
        outputPath: row.output_path,
      };
    },

    recordSegment(id, item, segment, pcmBytesAfter, sampleRate) {
      connection.transaction(() => {
        connection
          .prepare(
            `UPDATE vocalbrain_job_segments SET done = 1, pcm_bytes_after = ?
              WHERE job_id = ? AND item = ? AND segment = ?`,
          )
          .run(pcmBytesAfter, id, item, segment);
        connection
          .prepare(
            `UPDATE vocalbrain_job_items SET pcm_bytes = ?, segments_done = ?, sample_rate = ?
              WHERE job_id = ? AND item = ?`,
          )
          .run(pcmBytesAfter, segment + 1, sampleRate, id, item);
        updateTime.run(now(), id);
      })();
    },

    rewindItem(id, item, availableBytes) {
      return connection.transaction(() => {
        const kept = connection
          .prepare<[string, number, number], { segment: number; pcm_bytes_after: number }>(
            `SELECT segment, pcm_bytes_after FROM vocalbrain_job_segments
              WHERE job_id = ? AND item = ? AND done = 1 AND pcm_bytes_after <= ?
              ORDER BY segment DESC LIMIT 1`,
          )
          .get(id, item, availableBytes);
        const segmentsDone = kept ? kept.segment + 1 : 0;
        const pcmBytes = kept ? kept.pcm_bytes_after : 0;
        connection
          .prepare(
            `UPDATE vocalbrain_job_segments SET done = 0, pcm_bytes_after = NULL
              WHERE job_id = ? AND item = ? AND segment >= ?`,
          )
          .run(id, item, segmentsDone);
        connection
          .prepare(
            'UPDATE vocalbrain_job_items SET segments_done = ?, pcm_bytes = ? WHERE job_id = ? AND item = ?',
          )
          .run(segmentsDone, pcmBytes, id, item);
        updateTime.run(now(), id);
        return { segmentsDone, pcmBytes };
      })();
    },

    finishItem(id, item, finished) {
      connection.transaction(() => {
        connection
          .prepare(
            `UPDATE vocalbrain_job_items SET output_path = ?, duration_seconds = ?, input_lufs = ?,
                output_lufs = ?, loudness_method = ? WHERE job_id = ? AND item = ?`,
          )
          .run(
            finished.outputPath,
            finished.durationSeconds,
            finished.inputLufs,
            finished.outputLufs,
            finished.loudnessMethod,
            id,
            item,
          );
        updateTime.run(now(), id);
      })();
    },

    requestCancel(id) {
      connection.transaction(() => {
        connection
          .prepare(
            `UPDATE vocalbrain_jobs SET cancel_requested = 1, updated_at = ?
              WHERE id = ? AND status NOT IN ('done', 'failed', 'cancelled')`,
          )
          .run(now(), id);
        // Nothing is being synthesized for these: they stop now.
        connection
          .prepare(
            `UPDATE vocalbrain_jobs SET status = 'cancelled', finished_at = ?, reason = 'cancelled before it started'
              WHERE id = ? AND status = 'queued'`,
          )
          .run(now(), id);
      })();
      return get(id);
    },

    isCancelRequested(id) {
      return (
        connection
          .prepare<[string], { cancel_requested: number }>(
            'SELECT cancel_requested FROM vocalbrain_jobs WHERE id = ?',
          )
          .get(id)?.cancel_requested === 1
      );
    },

    remove(id) {
      connection.transaction(() => {
        connection.prepare('DELETE FROM vocalbrain_job_segments WHERE job_id = ?').run(id);
        connection.prepare('DELETE FROM vocalbrain_job_items WHERE job_id = ?').run(id);
        connection.prepare('DELETE FROM vocalbrain_jobs WHERE id = ?').run(id);
      })();
    },
  };
}

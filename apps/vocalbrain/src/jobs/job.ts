// What a job is, as the store keeps it and the API shows it. Types only.

/**
 * `queued` → (`waiting_for_memory` →) `running` → `finishing` (loudness normalisation, WAV written) →
 * `done`; or `failed` / `cancelled`. A job found `running`, `finishing` or `waiting_for_memory` after a
 * restart goes back to `queued` and continues from its last finished segment.
 */
export type JobStatus =
  | 'queued'
  | 'waiting_for_memory'
  | 'running'
  | 'finishing'
  | 'done'
  | 'failed'
  | 'cancelled';

export const finalStatuses: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

/** The voice a job speaks with, resolved once when it is created (a profile edited later changes nothing). */
export interface JobVoice {
  /** Engine id (CONTRACTS.md): `espeak-ng`, `piper`… */
  engine: string;
  /** The engine's voice id; null for the engine's default for `language`. */
  voice: string | null;
  language: string | null;
  speed: number | null;
  pitch: number | null;
  /** The profile it came from, when one was named. */
  profile: string | null;
}

export interface JobItem {
  /** 0-based position in the job (a text job has one item). */
  index: number;
  characters: number;
  segmentsTotal: number;
  segmentsDone: number;
  /** The finished WAV (absolute path); null until the item is done. */
  outputPath: string | null;
  durationSeconds: number | null;
  /** Loudness before and after normalisation (LUFS), and how it was measured. */
  inputLufs: number | null;
  outputLufs: number | null;
  loudnessMethod: string | null;
}

export interface Job {
  id: string;
  kind: 'text' | 'batch';
  status: JobStatus;
  voice: JobVoice;
  /** Target integrated loudness of every output (LUFS). */
  loudnessTargetLufs: number;
  segmentsTotal: number;
  segmentsDone: number;
  /** Whether the engine was heavy when the job started, so a gateway reservation preceded it. */
  heavy: boolean;
  /**
   * In words: why the job waits, failed or was cancelled; for a heavy job that ran, what was reserved
   * at the gateway; null otherwise.
   */
  reason: string | null;
  errorCode: string | null;
  cancelRequested: boolean;
  /** Seconds since the epoch. */
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  items: JobItem[];
}

/** One segment to synthesize: a slice of an item's text. */
export interface JobSegment {
  item: number;
  index: number;
  start: number;
  end: number;
}

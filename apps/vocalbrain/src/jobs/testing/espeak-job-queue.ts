// A job queue on a real database file and the real espeak-ng, for the job tests and their child
// process. `onCall` sees every engine call (the resume test counts them).
import { createEspeakNg } from '@klody/voice';
import { openVocalBrainDatabase, type VocalBrainDatabase } from '../../database/open-database.js';
import { createEngineMemoryStore, type EngineMemoryStore } from '../../reservation/engine-memory.js';
import type { HeavyEngineRules } from '../../reservation/heavy-engines.js';
import type { MemoryReserver } from '../../reservation/memory-reservation.js';
import type { Job, JobVoice } from '../job.js';
import { createJobQueue, type JobQueue, type MemoryWaitOptions } from '../job-queue.js';
import { createJobStore, type JobStore } from '../job-store.js';
import { createEngineSynthesizer, type JobEngineSource } from '../segment-synthesizer.js';

export interface EspeakJobQueueOptions {
  databasePath: string;
  audioDirectory: string;
  segmentMaxCharacters?: number;
  segmentMinCharacters?: number;
  reserver?: MemoryReserver | null;
  heavyRules?: HeavyEngineRules;
  memoryWait?: MemoryWaitOptions;
  onCall?: (text: string) => void;
}

export interface EspeakJobQueue {
  queue: JobQueue;
  store: JobStore;
  engineMemory: EngineMemoryStore;
  database: VocalBrainDatabase;
  engines: JobEngineSource;
  close(): Promise<void>;
}

export const englishEspeakVoice: JobVoice = {
  engine: 'espeak-ng',
  voice: null,
  language: 'en-us',
  speed: null,
  pitch: null,
  profile: null,
};

/** Submits `text` as the job tests do: one text, read by espeak-ng in English, at -16 LUFS. */
export function submitEnglishText(queue: JobQueue, text: string): Job {
  return queue.submit({ texts: [text], kind: 'text', voice: englishEspeakVoice, loudnessTargetLufs: -16 });
}

export function createEspeakJobQueue(options: EspeakJobQueueOptions): EspeakJobQueue {
  const database = openVocalBrainDatabase(options.databasePath);
  const connection = database.getConnection();
  const espeak = createEspeakNg();
  const engines: JobEngineSource = {
    speechEngines: async () => [{ id: espeak.id, textToSpeech: espeak, heavy: false }],
  };
  const synthesize = createEngineSynthesizer(engines);
  const store = createJobStore(connection);
  const engineMemory = createEngineMemoryStore(connection);
  const queue = createJobQueue({
    store,
    engineMemory,
    synthesize: (text, voice, signal) => {
      options.onCall?.(text);
      return synthesize(text, voice, signal);
    },
    audioDirectory: options.audioDirectory,
    reserver: options.reserver ?? null,
    heavyRules: options.heavyRules ?? { heavyEngines: [], thresholdGb: 1, unmeasuredGb: 1 },
    memoryWait: options.memoryWait ?? { limitSeconds: 5, initialDelayMs: 100, maxDelayMs: 1_000 },
    pollIntervalMs: 100,
    ...(options.segmentMaxCharacters ? { segmentMaxCharacters: options.segmentMaxCharacters } : {}),
    ...(options.segmentMinCharacters !== undefined
      ? { segmentMinCharacters: options.segmentMinCharacters }
      : {}),
  });
  return {
    queue,
    store,
    engineMemory,
    database,
    engines,
    async close() {
      await queue.stop();
      database.close();
    },
  };
}

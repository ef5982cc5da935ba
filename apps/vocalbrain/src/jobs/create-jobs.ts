// The job queue as the app runs it: the stores in VocalBrain's database, the engine set's engines,
// the gateway for heavy jobs. Built here, started by the server (start()) and stopped at close.
import { createGatewayClient } from '@klody/gateway-client';
import type Database from 'better-sqlite3';
import { createEngineMemoryStore } from '../reservation/engine-memory.js';
import type { JobConfig } from './job-config.js';
import { createJobQueue, type JobQueue } from './job-queue.js';
import { createJobStore } from './job-store.js';
import { createEngineSynthesizer, type JobEngineSource } from './segment-synthesizer.js';

export interface CreateJobsOptions {
  connection: Database.Database;
  audioDirectory: string;
  engines: JobEngineSource;
  /** The gateway's base URL; null without one (heavy jobs then run unreserved, and say so). */
  gatewayURL: string | null;
  gatewayAPIKey: string | null;
  config: JobConfig;
  logger?: { info(message: string): void; warn(message: string): void } | null;
}

export function createJobs(options: CreateJobsOptions): JobQueue {
  const { connection, engines, config } = options;
  const reserver = options.gatewayURL
    ? createGatewayClient({
        baseURL: options.gatewayURL,
        ...(options.gatewayAPIKey ? { apiKey: options.gatewayAPIKey } : {}),
      })
    : null;
  return createJobQueue({
    store: createJobStore(connection),
    engineMemory: createEngineMemoryStore(connection),
    synthesize: createEngineSynthesizer(engines),
    audioDirectory: options.audioDirectory,
    reserver,
    heavyRules: {
      heavyEngines: config.heavyEngines,
      thresholdGb: config.heavyThresholdGb,
      unmeasuredGb: config.unmeasuredGb,
    },
    isMarkedHeavy: async (engine) =>
      (await engines.speechEngines()).some((candidate) => candidate.id === engine && candidate.heavy),
    memoryWait: { limitSeconds: config.memoryWaitSeconds, initialDelayMs: 1_000, maxDelayMs: 30_000 },
    workers: config.workers,
    logger: options.logger ?? null,
  });
}

import type { ServiceLogger } from '@klody/service';
import type { VocalBrainConfig } from './config/config.js';
import { openVocalBrainDatabase, type VocalBrainDatabase } from './database/open-database.js';
import { calibrateEngines } from './engines/calibrate-engines.js';
import { createEngineMeasurements, type EngineMeasurements } from './engines/engine-measurements.js';
import { createEngineSet, type EngineSet } from './engines/engine-set.js';
import { createJobs, type JobQueue, readJobConfig } from './jobs/index.js';
import { openTrackLibrary, type TrackLibrary } from './library/index.js';
import { createProfileStore, type ProfileStore } from './profiles/profile-store.js';
import { createSpeechRouter, type SpeechRouter } from './router/speech-router.js';
import { createVoiceCatalogue, type VoiceCatalogue } from './voices/voice-catalogue.js';

/** Everything the routes use, built once per process (V2 adds `jobs`, V3 `library`). */
export interface Services {
  config: VocalBrainConfig;
  database: VocalBrainDatabase;
  engines: EngineSet;
  voices: VoiceCatalogue;
  profiles: ProfileStore;
  router: SpeechRouter;
  measurements: EngineMeasurements;
  /** The audio library (V3): tracks recalled by meaning through @klody/memory. */
  library: TrackLibrary;
  /** Long-text and batch jobs (V2); the server starts its worker (`jobs.start()`), a CLI never does. */
  jobs: JobQueue;
  logger: ServiceLogger | null;
  /** Resolves once the start-up calibration is over (never rejects). */
  calibration: Promise<void>;
  /** Stops the engines' workers and closes the database. */
  close(): Promise<void>;
}

export interface CreateServicesOptions {
  logger?: ServiceLogger;
  fetch?: typeof fetch;
}

/**
 * Opens the database, finds the engines and starts measuring the unmeasured ones in the background
 * (the router waits for that calibration; the speech API with a named engine does not).
 */
export async function createServices(
  config: VocalBrainConfig,
  options: CreateServicesOptions = {},
): Promise<Services> {
  const logger = options.logger ?? null;
  const database = openVocalBrainDatabase(config.databasePath);
  let engines: EngineSet;
  try {
    engines = await createEngineSet(config, options.fetch ? { fetch: options.fetch } : {});
  } catch (error) {
    database.close();
    throw error;
  }
  for (const note of engines.notes) logger?.info(note);
  const connection = database.getConnection();
  const measurements = createEngineMeasurements(connection);
  const profiles = createProfileStore(connection);
  const voices = createVoiceCatalogue(engines);
  const library = await openTrackLibrary(config, database);
  const jobs = createJobs({
    connection,
    audioDirectory: config.audioDirectory,
    engines,
    gatewayURL: config.gatewayURL,
    gatewayAPIKey: config.gatewayAPIKey,
    config: readJobConfig(config.modelsEnvironment),
    logger,
  });
  const calibration = config.calibrate
    ? (async () => {
        const local = (await engines.speechEngines()).filter((engine) => engine.origin === 'local');
        for (const result of await calibrateEngines(local, measurements)) {
          if (result.error) logger?.warn(`calibration of ${result.engine} failed: ${result.error}`);
          else
            logger?.info(
              `calibrated ${result.engine}: ${JSON.stringify(measurements.figures(result.engine))}`,
            );
        }
      })().catch((error: unknown) => logger?.warn(`calibration failed: ${String(error)}`))
    : Promise.resolve();
  const router = createSpeechRouter({ engines, voices, measurements, calibrated: () => calibration });
  let closing: Promise<void> | null = null;
  return {
    config,
    database,
    engines,
    voices,
    profiles,
    router,
    measurements,
    library,
    jobs,
    logger,
    calibration,
    close() {
      closing ??= (async () => {
        await calibration;
        await jobs.stop();
        await engines.close();
        await library.close();
        database.close();
      })();
      return closing;
    },
  };
}

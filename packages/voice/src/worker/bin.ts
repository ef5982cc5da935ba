#!/usr/bin/env node
import { ConfigurationError, createLogger, readLogLevel, stopOnSignals } from '@klody/service';
import { startVoiceWorker } from './voice-worker-server.js';
import { voiceWorkerOptionsFromCommandLine } from './worker-command-line.js';

async function main(): Promise<void> {
  const options = voiceWorkerOptionsFromCommandLine(process.argv.slice(2));
  const logger = createLogger({ service: 'voice-worker', level: readLogLevel() });
  const worker = await startVoiceWorker({ ...options, logger });
  logger.info(
    {
      url: worker.url,
      speechModels: Object.keys(options.speech ?? {}),
      transcriptionModels: Object.keys(options.transcription ?? {}),
    },
    'listening',
  );
  stopOnSignals(worker, { onStopped: () => logger.info('stopped') });
}

try {
  await main();
} catch (error) {
  // A bad command line, an unknown KLODY_LOG_LEVEL, an unsafe bind, a port in use: one line, exit 2.
  if (!ConfigurationError.isInstance(error)) throw error;
  process.stderr.write(`klody-voice-worker: ${error.message}\n`);
  process.exit(error.exitCode);
}

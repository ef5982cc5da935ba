#!/usr/bin/env node
import { startVoiceWorker } from './voice-worker-server.js';
import { UsageError, voiceWorkerOptionsFromCommandLine } from './worker-command-line.js';

function log(level: string, message: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), name: 'klody-voice-worker', message, ...fields })}\n`,
  );
}

async function main(): Promise<void> {
  let options: ReturnType<typeof voiceWorkerOptionsFromCommandLine>;
  try {
    options = voiceWorkerOptionsFromCommandLine(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`klody-voice-worker: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  let worker: Awaited<ReturnType<typeof startVoiceWorker>>;
  try {
    worker = await startVoiceWorker(options);
  } catch (error) {
    process.stderr.write(
      `klody-voice-worker: cannot listen on ${options.hostname}:${options.port}: ${(error as Error).message}\n`,
    );
    process.exit(2);
  }
  log('info', 'listening', {
    url: worker.url,
    speechModels: Object.keys(options.speech ?? {}),
    transcriptionModels: Object.keys(options.transcription ?? {}),
  });
  const stop = (signal: string) => {
    log('info', 'stopping', { signal });
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();

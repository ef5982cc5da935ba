import { SingleBar } from 'cli-progress';
import type { IngestProgress } from '../library/library.js';

function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * The ingestion progress bar on stderr (files, chunks, rate, ETA). Only on a terminal: piped stderr
 * gets one line per finished file instead, so logs stay readable (CONTRACTS.md).
 */
export function createIngestProgress(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) {
    let lastFiles = -1;
    return {
      update(progress: IngestProgress) {
        if (progress.filesDone === lastFiles) return;
        lastFiles = progress.filesDone;
        stream.write(
          `ingested ${progress.filesDone}/${progress.filesTotal} files, ${progress.chunksDone} chunks\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    stream,
    format:
      '{bar} {percentage}% | files {files} | {chunks} passages | {rate} passages/s | ETA {eta} | {file}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(progress: IngestProgress) {
      const payload = {
        files: `${progress.filesDone}/${progress.filesTotal}`,
        rate: Math.round(progress.rate),
        eta: formatSeconds(progress.etaSeconds),
        file: progress.currentFile?.split('/').pop() ?? '',
        chunks: progress.chunksDone,
      };
      const value = Math.round(progress.fraction * 1000);
      if (!started) {
        bar.start(1000, value, payload);
        started = true;
      }
      bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

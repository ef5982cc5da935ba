import { existsSync, writeFileSync } from 'node:fs';
import type { Library } from './library.js';

/**
 * On a first run, ingests a seed folder so that a new user has books to ask about. Only once: a
 * marker file records it, so books their owner removed later do not come back at the next start.
 */
export async function seedLibrary(
  library: Library,
  folder: string,
  markerPath: string,
  log: (message: string) => void,
): Promise<void> {
  if (existsSync(markerPath) || library.books().length > 0) return;
  if (!existsSync(folder)) {
    log(`no seed folder at ${folder}: starting with an empty library`);
    return;
  }
  log(`first run: ingesting the books in ${folder} (this happens once)`);
  let lastReported = 0;
  const summary = await library.ingest([folder], {
    onProgress: (progress) => {
      if (progress.filesDone !== lastReported) {
        lastReported = progress.filesDone;
        log(`first run: ${progress.filesDone}/${progress.filesTotal} books, ${progress.chunksDone} passages`);
      }
    },
  });
  writeFileSync(markerPath, `${new Date().toISOString()} ${folder}\n`);
  log(
    `first run: ${summary.added} books ingested (${summary.chunks} passages) in ${summary.seconds.toFixed(1)} s` +
      (summary.failed.length > 0
        ? `; ${summary.failed.length} failed: ${summary.failed.map((failure) => failure.path).join(', ')}`
        : ''),
  );
}

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

function tsxApiUrl(): string {
  // tsx's ESM API (`tsx/esm/api`, import condition); resolved next to its main entry because
  // createRequire only sees the require condition.
  const main = createRequire(import.meta.url).resolve('tsx');
  return pathToFileURL(join(dirname(main), 'esm', 'api', 'index.mjs')).href;
}

/**
 * Starts a worker thread from a module URL. On sources (tests, `tsx`) the module is TypeScript: a
 * small bootstrap registers tsx in the thread first, since Node 20 does not carry `--import` hooks
 * into worker threads. The build ships plain .js workers beside the bundle.
 */
export function startWorker(url: URL, workerData: unknown): Worker {
  if (url.pathname.endsWith('.ts')) {
    return new Worker(
      `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
      { eval: true, workerData },
    );
  }
  return new Worker(fileURLToPath(url), { workerData });
}

// Kill and resume: a child process running the queue is SIGKILLed in the middle of a job; a new one
// takes the job up from its last finished segment. Every engine call is logged by the children, so
// the test sees that no finished segment is synthesized again, and the file comes out the same length
// as an uninterrupted run of the same job.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isProcessAlive, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { segmentSpeech } from '../src/jobs/job-segments.js';
import { createEspeakJobQueue, submitEnglishText } from '../src/jobs/testing/espeak-job-queue.js';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const childScript = join(appRoot, 'src', 'jobs', 'testing', 'queue-child.ts');
const tsxLoader = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;
// Small segments: many boundaries to be killed between.
const segmentMax = '160';
const segmentMin = '40';

const readCalls = (path: string): string[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as string)
    : [];

interface JobRow {
  status: string;
  worker_pid: number | null;
}

async function until<T>(read: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeRequiring({ tools: ['espeak-ng'], data: ['books/en/11-0.txt'] }, 'a job killed mid-way', () => {
  const reaper = useProcessReaper();
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-resume-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('resumes in a new process from its last finished segment, redoing none of them', async () => {
    const book = readFileSync(testDataPath('books', 'en', '11-0.txt'), 'utf8');
    const start = book.indexOf('CHAPTER II.');
    const text = book.slice(start, start + 4_000);
    const databasePath = join(home, 'vocalbrain.db');
    const audioDirectory = join(home, 'audio');

    // The job is submitted here, then run by the children.
    const submitter = createEspeakJobQueue({
      databasePath,
      audioDirectory,
      segmentMaxCharacters: Number(segmentMax),
      segmentMinCharacters: Number(segmentMin),
    });
    const job = submitEnglishText(submitter.queue, text);
    // The stored text (line wraps undone, offsets kept), as each segment is given to the engine.
    const stored = submitter.store.itemProgress(job.id, 0);
    const segmentTexts = stored.segments.map((segment) => segmentSpeech(stored.text, segment));
    await submitter.close();
    expect(segmentTexts.length).toBeGreaterThan(15);

    const watcher = new Database(databasePath, { readonly: true });
    const progress = () =>
      watcher
        .prepare<[string], { segments_done: number }>(
          'SELECT segments_done FROM vocalbrain_job_items WHERE job_id = ? AND item = 0',
        )
        .get(job.id)?.segments_done ?? 0;
    const jobRow = () =>
      watcher
        .prepare<[string], JobRow>('SELECT status, worker_pid FROM vocalbrain_jobs WHERE id = ?')
        .get(job.id);
    const startChild = (calls: string) =>
      reaper.spawn(
        process.execPath,
        [
          '--conditions=@klody/source',
          '--import',
          tsxLoader,
          childScript,
          databasePath,
          audioDirectory,
          calls,
          segmentMax,
          segmentMin,
        ],
        { cwd: appRoot, stdio: ['ignore', 'ignore', 'inherit'] },
      );

    try {
      const firstCalls = join(home, 'first-calls.jsonl');
      const first = startChild(firstCalls);
      await until(() => (progress() >= 5 ? true : null), 60_000, 'five finished segments');
      expect(jobRow()?.status).toBe('running');
      expect(jobRow()?.worker_pid).toBe(first.child.pid);
      first.child.kill('SIGKILL');
      await until(() => (isProcessAlive(first.child.pid as number) ? null : true), 10_000, 'the kill');
      const finishedAtKill = progress();
      expect(finishedAtKill).toBeGreaterThanOrEqual(5);
      expect(finishedAtKill).toBeLessThan(segmentTexts.length);
      // The dead worker's job is still marked running: only a new process can tell it is abandoned.
      expect(jobRow()?.status).toBe('running');
      const firstRun = readCalls(firstCalls);
      expect(firstRun.slice(0, finishedAtKill)).toEqual(segmentTexts.slice(0, finishedAtKill));

      const secondCalls = join(home, 'second-calls.jsonl');
      startChild(secondCalls);
      await until(() => (jobRow()?.status === 'done' ? true : null), 120_000, 'the resumed job to finish');
      // Exactly the segments that were not finished, in order: nothing finished is synthesized again.
      expect(readCalls(secondCalls)).toEqual(segmentTexts.slice(finishedAtKill));
    } finally {
      watcher.close();
      await reaper.reapAll();
    }

    // The same job run without interruption gives a file of exactly the same length.
    const reference = createEspeakJobQueue({
      databasePath: join(home, 'reference.db'),
      audioDirectory: join(home, 'reference-audio'),
      segmentMaxCharacters: Number(segmentMax),
      segmentMinCharacters: Number(segmentMin),
    });
    try {
      const uninterrupted = submitEnglishText(reference.queue, text);
      reference.queue.start();
      await reference.queue.idle();
      const resumedFile = join(audioDirectory, `${job.id}.wav`);
      const referenceFile = join(home, 'reference-audio', `${uninterrupted.id}.wav`);
      expect(statSync(resumedFile).size).toBe(statSync(referenceFile).size);
    } finally {
      await reference.close();
    }
  }, 300_000);
});

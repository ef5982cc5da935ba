// A graceful stop puts a running job back in the queue with its progress; a work file that lost audio
// (as after a machine crash, when the page cache never reached the disk) makes the next run redo only
// the segments whose audio is not all there — the file still comes out as long as an uninterrupted run.
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';
import { segmentSpeech } from '../src/jobs/job-segments.js';
import { createEspeakJobQueue, submitEnglishText } from '../src/jobs/testing/espeak-job-queue.js';

describeRequiring({ tools: ['espeak-ng'], data: ['books/en/11-0.txt'] }, 'a job’s work file', () => {
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-work-file-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('survives a stop and a loss of audio, redoing only the segments that lost theirs', async () => {
    const book = readFileSync(testDataPath('books', 'en', '11-0.txt'), 'utf8');
    const start = book.indexOf('CHAPTER III.');
    const text = book.slice(start, start + 2_500);
    const settings = {
      databasePath: join(home, 'vocalbrain.db'),
      audioDirectory: join(home, 'audio'),
      segmentMaxCharacters: 160,
      segmentMinCharacters: 40,
    };
    const first = createEspeakJobQueue(settings);
    const job = submitEnglishText(first.queue, text);
    const stored = first.store.itemProgress(job.id, 0);
    const segmentTexts = stored.segments.map((segment) => segmentSpeech(stored.text, segment));
    let stopped: Promise<void> | null = null;
    first.queue.onChange((changed) => {
      if (changed.segmentsDone >= 5 && !stopped) stopped = first.queue.stop();
    });
    first.queue.start();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (stopped) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    await stopped;
    const afterStop = first.store.get(job.id);
    expect(afterStop?.status).toBe('queued');
    expect(afterStop?.reason).toBe('interrupted by a stop; resumes at the next start');
    const done = afterStop?.segmentsDone ?? 0;
    expect(done).toBeGreaterThanOrEqual(5);
    expect(done).toBeLessThan(segmentTexts.length);
    await first.close();

    // Lose the audio of the last two finished segments (and part of the one before).
    const workFile = join(home, 'audio', '.work', `${job.id}-0.pcm`);
    const database = createEspeakJobQueue(settings);
    const boundaries = database.database
      .getConnection()
      .prepare<[string], { pcm_bytes_after: number }>(
        'SELECT pcm_bytes_after FROM vocalbrain_job_segments WHERE job_id = ? AND done = 1 ORDER BY segment',
      )
      .all(job.id)
      .map((row) => row.pcm_bytes_after);
    await database.close();
    expect(statSync(workFile).size).toBe(boundaries[done - 1]);
    const kept = done - 3;
    truncateSync(workFile, (boundaries[kept - 1] as number) + 1_000);

    const calls: string[] = [];
    const second = createEspeakJobQueue({ ...settings, onCall: (call) => calls.push(call) });
    try {
      second.queue.start();
      await second.queue.idle();
      expect(second.queue.get(job.id)?.status).toBe('done');
      expect(calls).toEqual(segmentTexts.slice(kept));
    } finally {
      await second.close();
    }

    const reference = createEspeakJobQueue({
      ...settings,
      databasePath: join(home, 'reference.db'),
      audioDirectory: join(home, 'reference-audio'),
    });
    try {
      const uninterrupted = submitEnglishText(reference.queue, text);
      reference.queue.start();
      await reference.queue.idle();
      expect(statSync(join(home, 'audio', `${job.id}.wav`)).size).toBe(
        statSync(join(home, 'reference-audio', `${uninterrupted.id}.wav`)).size,
      );
    } finally {
      await reference.close();
    }
  }, 180_000);
});

// A 100,000-character chapter through the job queue with the real espeak-ng: one WAV file, segment by
// segment, its loudness normalised to -16 LUFS — checked with ffmpeg's own EBU R128 meter (ebur128),
// independent of ours.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';
import { createEspeakJobQueue, submitEnglishText } from '../src/jobs/testing/espeak-job-queue.js';

/** `I:` of ffmpeg's ebur128 summary: the integrated loudness of the whole file. */
function parseIntegrated(report: string): number {
  const match = /Integrated loudness:\s+I:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(report);
  if (!match) throw new Error(`no integrated loudness in ffmpeg's report: ${report.slice(-500)}`);
  return Number(match[1]);
}

function ffmpegReport(path: string): string {
  // ebur128 logs a line every 100 ms of audio, then its summary, all on stderr: only the end is kept.
  return execFileSync(
    'sh',
    ['-c', 'ffmpeg -hide_banner -nostats -i "$1" -af ebur128 -f null - 2>&1 | tail -n 20', 'ffmpeg', path],
    { encoding: 'utf8' },
  );
}

function wavFormat(path: string): { sampleRate: number; channels: number; bits: number; dataBytes: number } {
  const header = Buffer.alloc(44);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, header, 0, 44, 0);
  } finally {
    closeSync(descriptor);
  }
  expect(header.toString('ascii', 0, 4)).toBe('RIFF');
  expect(header.toString('ascii', 8, 12)).toBe('WAVE');
  expect(header.toString('ascii', 36, 40)).toBe('data');
  return {
    channels: header.readUInt16LE(22),
    sampleRate: header.readUInt32LE(24),
    bits: header.readUInt16LE(34),
    dataBytes: header.readUInt32LE(40),
  };
}

describeRequiring(
  { tools: ['espeak-ng', 'ffmpeg'], data: ['books/en/11-0.txt'] },
  'a 100,000-character chapter',
  () => {
    const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-long-'));
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    it('becomes one WAV file of plausible duration, normalised to -16 LUFS within 1 LU', async () => {
      const book = readFileSync(testDataPath('books', 'en', '11-0.txt'), 'utf8');
      const start = book.indexOf('CHAPTER I.');
      const text = book.slice(start, start + 100_000);
      expect(text).toHaveLength(100_000);
      const jobs = createEspeakJobQueue({
        databasePath: join(home, 'vocalbrain.db'),
        audioDirectory: join(home, 'audio'),
      });
      try {
        const started = performance.now();
        const submitted = submitEnglishText(jobs.queue, text);
        expect(submitted.segmentsTotal).toBeGreaterThan(50);
        let finishingAt = 0;
        jobs.queue.onChange((changed) => {
          if (changed.status === 'finishing' && finishingAt === 0) finishingAt = performance.now();
        });
        jobs.queue.start();
        await jobs.queue.idle();
        const finished = performance.now();
        const seconds = (finished - started) / 1000;
        const job = jobs.queue.get(submitted.id);
        expect(job?.status, job?.reason ?? '').toBe('done');
        expect(job?.segmentsDone).toBe(submitted.segmentsTotal);
        expect(job?.items).toHaveLength(1);
        const item = job?.items[0];
        const path = join(home, 'audio', `${submitted.id}.wav`);
        expect(item?.outputPath).toBe(path);
        expect(item?.loudnessMethod).toBe('bs1770');

        const format = wavFormat(path);
        expect(format).toMatchObject({ channels: 1, bits: 16, sampleRate: 22_050 });
        expect(format.dataBytes).toBe(statSync(path).size - 44);
        const duration = format.dataBytes / 2 / format.sampleRate;
        expect(item?.durationSeconds).toBeCloseTo(duration, 6);
        // espeak-ng speaks 175 words a minute; with the pauses between sentences the whole chapter
        // comes out between 120 and 220 words a minute.
        const words = text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
        const wordsPerMinute = words / (duration / 60);
        expect(wordsPerMinute).toBeGreaterThan(120);
        expect(wordsPerMinute).toBeLessThan(220);

        const reference = parseIntegrated(ffmpegReport(path));
        expect(Math.abs(reference - -16)).toBeLessThanOrEqual(1);
        // Our meter and ffmpeg's agree.
        expect(Math.abs((item?.outputLufs ?? 0) - reference)).toBeLessThan(0.3);
        // No leftover work file: the item's PCM is gone once its WAV is written.
        expect(() => statSync(join(home, 'audio', '.work', `${submitted.id}-0.pcm`))).toThrow();
        process.stderr.write(
          `[jobs-long-text] ${text.length} characters, ${submitted.segmentsTotal} segments → ${Math.round(duration)} s of audio in ${seconds.toFixed(1)} s (synthesis ${((finishingAt - started) / 1000).toFixed(1)} s, normalisation ${((finished - finishingAt) / 1000).toFixed(1)} s); ffmpeg ${reference} LUFS, ours ${item?.outputLufs?.toFixed(2)} LUFS\n`,
        );
      } finally {
        await jobs.close();
      }
    }, 400_000);
  },
);

// Heavy jobs reserve memory at the real gateway (its CLI, as a user starts it, with an API key) before
// they start: a reservation the machine can satisfy lets the job run; one it cannot makes the job wait
// (`waiting_for_memory`, with the reason) and then fail with that reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayClient } from '@klody/gateway-client';
import { freePort, startGatewayProcess } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from '../src/jobs/job.js';
import { createEspeakJobQueue, submitEnglishText } from '../src/jobs/testing/espeak-job-queue.js';

const apiKey = 'jobs-reservation-key';
const text =
  'The whale rose beside the ship. The sailors cheered and the captain wrote it in the log. ' +
  'Then the sea was calm again, and the long night began.';

describeRequiring({ tools: ['espeak-ng'] }, 'heavy jobs and the gateway', () => {
  const reaper = useProcessReaper();
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-reserve-'));
  let gatewayURL = '';
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(async () => {
    // A tiny registry: one worker that is never started (nothing to evict, so `freeGb` is what the
    // machine really has available).
    const gateway = await startGatewayProcess(reaper, {
      home: join(home, 'gateway-home'),
      budgetGb: 1,
      workers: [
        {
          name: 'idle',
          aliases: ['idle-alias'],
          command: process.execPath,
          args: ['-e', 'setInterval(() => {}, 1000)', '{port}'],
          port: await freePort(),
          estimatedGb: 0.1,
        },
      ],
      env: { KLODY_GATEWAY_API_KEY: apiKey },
    });
    gatewayURL = gateway.url;
  }, 90_000);

  function heavyQueue(name: string, unmeasuredGb: number, key: string | undefined = apiKey) {
    return createEspeakJobQueue({
      databasePath: join(home, `${name}.db`),
      audioDirectory: join(home, `${name}-audio`),
      reserver: createGatewayClient({ baseURL: gatewayURL, apiKey: key }),
      // espeak-ng is light; the rule marks it heavy so that the real gateway is asked.
      heavyRules: { heavyEngines: ['espeak-ng'], thresholdGb: 1, unmeasuredGb },
      memoryWait: { limitSeconds: 1.5, initialDelayMs: 200, maxDelayMs: 400 },
    });
  }

  async function run(jobs: ReturnType<typeof heavyQueue>): Promise<{ job: Job; seen: Job[] }> {
    const seen: Job[] = [];
    jobs.queue.onChange((job) => seen.push(job));
    const submitted = submitEnglishText(jobs.queue, text);
    jobs.queue.start();
    await jobs.queue.idle();
    return { job: jobs.queue.get(submitted.id) as Job, seen };
  }

  it('starts a heavy job once the gateway says the memory is there, then asks for what it measured', async () => {
    const jobs = heavyQueue('satisfied', 0.01);
    try {
      const { job, seen } = await run(jobs);
      expect(job.status, job.reason ?? '').toBe('done');
      expect(job.heavy).toBe(true);
      expect(job.reason).toMatch(/not measured yet, so 0\.01 GiB is asked; the gateway reserved it \(\d/);
      expect(seen.some((change) => change.status === 'waiting_for_memory')).toBe(false);
      // espeak-ng's processes were measured while they spoke (VmHWM from /proc).
      const measured = jobs.engineMemory.get('espeak-ng', '');
      expect(measured?.peakBytes).toBeGreaterThan(1024 * 1024);
      expect(measured?.peakBytes).toBeLessThan(512 * 1024 * 1024);

      // The next heavy job asks for the measured figure, not the estimate.
      const { job: second } = await run(jobs);
      expect(second.status).toBe('done');
      expect(second.reason).toMatch(/measured 0\.\d+ GiB; the gateway reserved it/);
    } finally {
      await jobs.close();
    }
  }, 120_000);

  it('waits while the gateway cannot free enough memory, then fails with the reason', async () => {
    const jobs = heavyQueue('unsatisfied', 1_000_000);
    try {
      const { job, seen } = await run(jobs);
      const waiting = seen.filter((change) => change.status === 'waiting_for_memory');
      expect(waiting.length).toBeGreaterThanOrEqual(2);
      expect(waiting[0]?.reason).toMatch(
        /the gateway could free only [\d.]+ GiB of the 1000000 GiB espeak-ng \(job job_\w+\) needs; asking again in 0\.2 s/,
      );
      expect(job.status).toBe('failed');
      expect(job.errorCode).toBe('memory_unavailable');
      expect(job.reason).toMatch(/could free only [\d.]+ GiB of the 1000000 GiB .*gave up after \d+ tries/);
      // Nothing was synthesized.
      expect(job.segmentsDone).toBe(0);
    } finally {
      await jobs.close();
    }
  }, 60_000);

  it('fails with the gateway’s refusal when the API key is wrong', async () => {
    const jobs = heavyQueue('wrong-key', 0.01, 'not-the-key');
    try {
      const { job } = await run(jobs);
      expect(job.status).toBe('failed');
      expect(job.errorCode).toBe('memory_unavailable');
      expect(job.reason).toMatch(/the gateway did not reserve 0\.01 GiB .*401/);
    } finally {
      await jobs.close();
    }
  }, 60_000);
});

// A job on Piper (the real voice installed by `pnpm klody-models install`), through the app's engine
// set: the Piper worker's memory is measured from /proc while it speaks (VmHWM), kept per engine and
// voice, and a heavy job then asks for that figure — here without a gateway, which the job records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { openVocalBrainDatabase } from '../src/database/open-database.js';
import { createEngineSet } from '../src/engines/engine-set.js';
import { createJobQueue } from '../src/jobs/job-queue.js';
import { createJobStore } from '../src/jobs/job-store.js';
import { createEngineSynthesizer } from '../src/jobs/segment-synthesizer.js';
import { createEngineMemoryStore } from '../src/reservation/engine-memory.js';

const text =
  'The lighthouse keeper climbed the stairs at dusk. He lit the lamp and watched the ships. ' +
  'Far away, a bell rang twice, and the fog rolled in from the sea.';

describeRequiring({ models: ['piper-joe-en-us'] }, 'a job on Piper', () => {
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-jobs-piper-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('measures the Piper worker’s memory and reserves it for a heavy voice', async () => {
    const config = readConfig({
      ...process.env,
      KLODY_HOME: home,
      KLODY_GATEWAY_URL: 'none',
      KLODY_VOCALBRAIN_CALIBRATE: '0',
    });
    const database = openVocalBrainDatabase(config.databasePath);
    const engines = await createEngineSet(config);
    const engineMemory = createEngineMemoryStore(database.getConnection());
    const queue = createJobQueue({
      store: createJobStore(database.getConnection()),
      engineMemory,
      synthesize: createEngineSynthesizer(engines),
      audioDirectory: config.audioDirectory,
      reserver: null,
      // Joe is a medium voice: the rule marks it heavy for this test.
      heavyRules: { heavyEngines: ['piper/*-joe-medium'], thresholdGb: 1, unmeasuredGb: 1.5 },
      memoryWait: { limitSeconds: 5, initialDelayMs: 100, maxDelayMs: 1_000 },
      pollIntervalMs: 100,
    });
    try {
      const voice = (await engines.speechEngines())
        .find((engine) => engine.id === 'piper')
        ?.textToSpeech.voices()
        .then((voices) => voices.find((candidate) => candidate.id.includes('joe'))?.id);
      const joe = await voice;
      expect(joe).toBe('en_US-joe-medium');
      const submit = () =>
        queue.submit({
          texts: [text],
          kind: 'text',
          voice: {
            engine: 'piper',
            voice: joe as string,
            language: null,
            speed: null,
            pitch: null,
            profile: null,
          },
          loudnessTargetLufs: -18,
        });
      const first = submit();
      queue.start();
      await queue.idle();
      const done = queue.get(first.id);
      expect(done?.status, done?.reason ?? '').toBe('done');
      expect(done?.heavy).toBe(true);
      expect(done?.reason).toMatch(
        /piper\/en_US-joe-medium is heavy \(rule piper\/\*-joe-medium\); not measured yet, so 1\.5 GiB is asked; no gateway configured/,
      );
      expect(Math.abs((done?.items[0]?.outputLufs ?? 0) + 18)).toBeLessThan(1);

      // The worker (a Python process holding the ONNX voice) weighs tens of megabytes at least.
      const measured = engineMemory.get('piper', 'en_US-joe-medium');
      expect(measured?.peakBytes).toBeGreaterThan(50 * 1024 * 1024);
      expect(measured?.peakBytes).toBeLessThan(4 * 1024 ** 3);

      process.stderr.write(
        `[jobs-piper] Piper worker peak resident memory (VmHWM): ${Math.round((measured?.peakBytes ?? 0) / 1024 ** 2)} MiB\n`,
      );
      const second = submit();
      await queue.idle();
      const gb = Math.round(((measured?.peakBytes ?? 0) / 1024 ** 3) * 1000) / 1000;
      expect(queue.get(second.id)?.reason).toContain(`measured ${gb} GiB`);
    } finally {
      await queue.stop();
      await engines.close();
      database.close();
    }
  }, 180_000);
});

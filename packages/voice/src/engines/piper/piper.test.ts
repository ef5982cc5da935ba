import { execFileSync } from 'node:child_process';
// Piper for real: the installed piper program and the joe voice (pnpm klody-models install), run both
// ways: one `piper` process per segment, and the long-lived worker on the same virtual environment.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { installedModel } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { audioDuration } from '../../audio/pcm-audio.js';
import { installedPiperVoices } from '../../models/index.js';
import { createPiperTextToSpeech, type PiperTextToSpeech } from './piper.js';

/** The same Python without its site-packages (`-S`): it runs, and cannot import the engine's package. */
function pythonWithoutPackages(python: string): string {
  const wrapper = join(mkdtempSync(join(tmpdir(), 'klody-bare-python-')), 'python');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${python}" -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

function rootMeanSquare(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}

describeRequiring({ models: ['piper-joe-en-us'] }, 'Piper with the installed joe voice', () => {
  const voices = installedPiperVoices();
  const configured = voices.map(({ id, model }) => ({ id, model }));
  const executable = voices[0]?.executable ?? undefined;
  const python = voices[0]?.python ?? undefined;

  it('is found through the models manifest, with its own piper program and Python', () => {
    const model = installedModel('piper-joe-en-us');
    const program = model.executables.piper as string;
    expect(voices).toEqual([
      {
        id: 'en_US-joe-medium',
        model: model.path,
        executable: program,
        python: join(dirname(program), 'python'),
      },
    ]);
  });

  for (const mode of ['piper process per segment', 'long-lived worker'] as const) {
    describe(mode, () => {
      const engines: PiperTextToSpeech[] = [];
      const tts = () => {
        const engine = createPiperTextToSpeech({
          voices: configured,
          ...(executable ? { executable } : {}),
          ...(mode === 'long-lived worker' && python ? { python } : {}),
        });
        engines.push(engine);
        return engine;
      };
      afterAll(() => Promise.all(engines.map((engine) => engine.close())));

      it('lists its voice with the language from the voice config', async () => {
        expect(await tts().voices()).toEqual([
          { id: 'en_US-joe-medium', name: 'en_US-joe-medium', languages: ['en-us'], gender: null },
        ]);
      });

      it('speaks a sentence: 22,050 Hz, not silent, as long as speech of that many words', async () => {
        // Thirteen words: at a speaking pace of 2–5 words a second, 2.5 to 6.5 seconds.
        const sentence = 'The weather will be sunny tomorrow with a light wind from the west.';
        const audio = await tts().synthesize(sentence, { language: 'en' });
        expect(audio.sampleRate).toBe(22_050);
        const seconds = audioDuration(audio);
        expect(seconds).toBeGreaterThan(2.5);
        expect(seconds).toBeLessThan(6.5);
        expect(rootMeanSquare(audio.samples)).toBeGreaterThan(0.02);
        // Not one clipped square wave either: speech peaks below full scale most of the time.
        const clipped = audio.samples.filter((sample) => Math.abs(sample) > 0.999).length;
        expect(clipped / audio.samples.length).toBeLessThan(0.001);
      }, 60_000);

      it('speaks each sentence of a longer text, faster at speed 2, and names the voice asked for', async () => {
        const engine = tts();
        const text = 'Good morning. The kitchen light is now on, as you asked.';
        let normal = 0;
        for await (const chunk of engine.stream(text, { voice: 'en_US-joe-medium' }))
          normal += audioDuration(chunk);
        const fast = audioDuration(await engine.synthesize(text, { voice: 'en_US-joe-medium', speed: 2 }));
        expect(fast).toBeLessThan(normal * 0.7);
        await expect(engine.synthesize('Bonjour.', { language: 'fr' })).rejects.toMatchObject({
          code: 'unknown_language',
        });
      }, 60_000);

      it('stops when cancelled, then speaks again', async () => {
        const engine = tts();
        await engine.synthesize('Ready.', { language: 'en' });
        const abort = new AbortController();
        const pending = engine.synthesize(
          'This sentence is long enough to still be spoken when the request is cancelled by its caller.',
          { language: 'en', signal: abort.signal },
        );
        setTimeout(() => abort.abort(), 20);
        await expect(pending).rejects.toMatchObject({ code: 'aborted' });
        expect(audioDuration(await engine.synthesize('Still here.', { language: 'en' }))).toBeGreaterThan(
          0.5,
        );
      }, 60_000);
    });
  }

  it('with the long-lived worker, the voice is loaded once: one Python process for every sentence', async () => {
    const worker = createPiperTextToSpeech({ voices: configured, ...(python ? { python } : {}) });
    // The Python children of this test process that run the Piper worker script.
    const pythonWorkers = () =>
      execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('piper_worker.py'))
        .map((line) => Number.parseInt(line.trim(), 10));
    try {
      await worker.synthesize('Loading.', { language: 'en' });
      const first = pythonWorkers();
      expect(first).toHaveLength(1);
      for (const sentence of ['The door is locked.', 'The window is open.', 'The lights are off.'])
        expect((await worker.synthesize(sentence, { language: 'en' })).samples.length).toBeGreaterThan(0);
      // Same process, so the voice was not loaded again (the timing is measured in tooling/bench/voice).
      expect(pythonWorkers()).toEqual(first);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('says which program is missing, with how to install it', async () => {
    const broken = createPiperTextToSpeech({ voices: configured, executable: '/nowhere/piper' });
    await expect(broken.synthesize('Hello.', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('pnpm klody-models install'),
    });
    const noPython = createPiperTextToSpeech({ voices: configured, python: '/nowhere/python' });
    await expect(noPython.synthesize('Hello.', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('/nowhere/python not found'),
    });
    const wrongPython = createPiperTextToSpeech({
      voices: configured,
      python: pythonWithoutPackages(python as string),
    });
    try {
      await expect(wrongPython.synthesize('Hello.', { language: 'en' })).rejects.toMatchObject({
        code: 'engine_unavailable',
        message: expect.stringMatching(/cannot import piper.*pnpm klody-models install/),
      });
    } finally {
      await wrongPython.close();
    }
  });
});

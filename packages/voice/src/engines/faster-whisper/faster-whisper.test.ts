import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedModel, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downmixToMono } from '../../audio/resample.js';
import { readWavFile } from '../../audio/wav-file.js';
import { wordErrorRate } from '../../evaluation/word-error-rate.js';
import { installedWhisperModel } from '../../models/index.js';
import { createFasterWhisperSpeechToText, type FasterWhisperSpeechToText } from './faster-whisper.js';

const second = { samples: new Float32Array(16_000), sampleRate: 16_000 };

/** The same Python without its site-packages (`-S`): it runs, and cannot import the engine's package. */
function pythonWithoutPackages(python: string): string {
  const wrapper = join(mkdtempSync(join(tmpdir(), 'klody-bare-python-')), 'python');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${python}" -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

describe('faster-whisper: errors before any model runs', () => {
  it('says how to install the model when its folder has none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'klody-no-whisper-'));
    const stt = createFasterWhisperSpeechToText({ model: empty, python: 'python3' });
    await expect(stt.transcribe(second)).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: `faster-whisper: no Whisper model in ${empty} (model.bin is missing); run pnpm klody-models install`,
    });
  });

  it('rejects empty audio without starting anything', async () => {
    const stt = createFasterWhisperSpeechToText({ model: '/nowhere' });
    await expect(stt.transcribe({ samples: new Float32Array(0), sampleRate: 16_000 })).rejects.toMatchObject({
      code: 'empty_audio',
    });
  });
});

describeRequiring({ models: ['whisper-base'] }, 'faster-whisper with the installed Whisper base', () => {
  const model = installedWhisperModel();
  let stt: FasterWhisperSpeechToText;

  beforeAll(() => {
    // The lookup the CLI and the worker use finds what the test helpers' manifest reader finds.
    expect(model?.folder).toBe(join(installedModel('whisper-base').path, '..'));
    stt = createFasterWhisperSpeechToText({
      model: model?.folder as string,
      python: model?.python as string,
      threads: 2,
    });
  });
  afterAll(() => stt?.close());

  it('loads once, detects English, and gives segments and word time spans', async () => {
    const ready = await stt.warm();
    expect(ready).toMatchObject({ threads: 2, computeType: 'int8' });
    const jfk = downmixToMono(await readWavFile(testDataPath('audio', 'en', 'jfk.wav')));
    const reference = readFileSync(testDataPath('audio', 'en', 'jfk.txt'), 'utf8');
    const started = performance.now();
    const result = await stt.transcribe(jfk, { wordTimestamps: true });
    process.stderr.write(
      `[faster-whisper] jfk.wav (11 s) in ${(performance.now() - started).toFixed(0)} ms after a ${ready.loadSeconds} s load: ${result.text}\n`,
    );
    expect(result.language).toBe('en');
    expect(result.languageProbability).toBeGreaterThan(0.9);
    expect(result.duration).toBeCloseTo(11, 0);
    expect(wordErrorRate(reference, result.text).rate).toBeLessThanOrEqual(0.1);
    expect(result.segments.length).toBeGreaterThanOrEqual(1);
    for (const segment of result.segments) {
      expect(segment.end).toBeGreaterThan(segment.start);
      expect(segment.end).toBeLessThanOrEqual(result.duration + 0.05);
    }
    const words = result.words ?? [];
    expect(words.map((word) => word.word.toLowerCase().replace(/[^a-z]/g, ''))).toContain('americans');
    for (const [index, word] of words.entries()) {
      expect(word.end).toBeGreaterThanOrEqual(word.start);
      if (index > 0) expect(word.start).toBeGreaterThanOrEqual((words[index - 1]?.start ?? 0) - 0.001);
      expect(word.probability).toBeGreaterThan(0);
    }
    // "country" is said at about 7 s and again at the end (about 10 s): the spans place it there.
    const countries = words.filter((word) => word.word.toLowerCase().startsWith('country'));
    expect(countries).toHaveLength(2);
    expect(countries[1]?.end).toBeGreaterThan(9);
    expect(countries[0]?.start).toBeLessThan(countries[1]?.start ?? 0);
  }, 120_000);

  it('detects French by itself, and takes a named language with probability 1', async () => {
    const audio = downmixToMono(await readWavFile(testDataPath('audio', 'fr', 'allume-la-lumiere.wav')));
    const detected = await stt.transcribe(audio);
    expect(detected.language).toBe('fr');
    expect(detected.languageProbability).toBeGreaterThan(0.5);
    expect(detected.words).toBeUndefined();
    const named = await stt.transcribe(audio, { language: 'french' });
    expect(named).toMatchObject({ language: 'fr', languageProbability: 1 });
  }, 120_000);

  it('maps an unknown language, and survives a cancelled request', async () => {
    await expect(stt.transcribe(second, { language: 'klingon' })).rejects.toMatchObject({
      code: 'unknown_language',
    });
    const jfk = downmixToMono(await readWavFile(testDataPath('audio', 'en', 'jfk.wav')));
    const abort = new AbortController();
    const cancelled = stt.transcribe(jfk, { signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    await expect(cancelled).rejects.toMatchObject({ code: 'aborted' });
    // The worker was stopped mid-decoding; the next request starts a fresh one and works.
    const after = await stt.transcribe(jfk, { language: 'en' });
    expect(after.text.toLowerCase()).toContain('ask not what your country can do for you');
  }, 180_000);

  it("with the VAD filter on, hears speech after a long silence, on the audio's own timeline", async () => {
    const jfk = downmixToMono(await readWavFile(testDataPath('audio', 'en', 'jfk.wav')));
    // Eight seconds of silence (with a faint hiss, as a real room has) before the speech.
    const pause = Float32Array.from({ length: 8 * jfk.sampleRate }, () => (Math.random() - 0.5) * 0.0005);
    const padded = {
      samples: new Float32Array(pause.length + jfk.samples.length),
      sampleRate: jfk.sampleRate,
    };
    padded.samples.set(pause);
    padded.samples.set(jfk.samples, pause.length);
    const filtered = createFasterWhisperSpeechToText({
      model: model?.folder as string,
      python: model?.python as string,
      vadFilter: true,
    });
    try {
      const result = await filtered.transcribe(padded, { language: 'en', wordTimestamps: true });
      expect(result.duration).toBeCloseTo(19, 0);
      expect(result.text.toLowerCase()).toContain('ask not what your country can do for you');
      // The first word is placed after the pause, in the padded audio's time, not the filtered one's.
      expect(result.words?.[0]?.start).toBeGreaterThan(7.5);
    } finally {
      await filtered.close();
    }
  }, 120_000);

  it('says the Python cannot import faster-whisper, with the install hint', async () => {
    const broken = createFasterWhisperSpeechToText({
      model: model?.folder as string,
      python: pythonWithoutPackages(model?.python as string),
    });
    try {
      await expect(broken.transcribe(second)).rejects.toMatchObject({
        code: 'engine_unavailable',
        message: expect.stringMatching(/cannot import faster_whisper.*pnpm klody-models install/),
      });
    } finally {
      await broken.close();
    }
    const missing = createFasterWhisperSpeechToText({
      model: model?.folder as string,
      python: '/nowhere/python',
    });
    await expect(missing.transcribe(second)).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('/nowhere/python not found'),
    });
  }, 60_000);
});

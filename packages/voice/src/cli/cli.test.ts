import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataDir, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { encodeWav, wavHeader } from '../audio/wav.js';
import { readWavFile } from '../audio/wav-file.js';
import { runCapturedCli } from './captured-cli.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-voice-cli-'));

function cli(...argv: string[]) {
  return runCapturedCli(argv, { env: { ...process.env, KLODY_TEST_DATA: testDataDir() }, cwd: folder });
}

function tone(seconds: number, amplitude: number, sampleRate = 16_000): Float32Array {
  return Float32Array.from(
    { length: seconds * sampleRate },
    (_, index) => amplitude * Math.sin((2 * Math.PI * 440 * index) / sampleRate),
  );
}

describe('klody-voice CLI: usage and bad input', () => {
  it('exits 2 with one line naming the problem for bad usage', async () => {
    for (const argv of [
      [],
      ['bogus'],
      ['loudness'],
      ['loudness', 'missing.wav'],
      ['say', 'Bonjour'],
      ['loudness', 'a.wav', '--nope'],
    ]) {
      const result = await cli(...argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith('klody-voice: ')).toBe(true);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 1 on a corrupt or empty WAV, and with --json prints one error object', async () => {
    writeFileSync(join(folder, 'text.wav'), 'this is a text file and not audio at all');
    writeFileSync(join(folder, 'zero.wav'), wavHeader(16_000, 1, 0));
    const corrupt = await cli('loudness', 'text.wav', '--json');
    expect(corrupt.code).toBe(1);
    expect(JSON.parse(corrupt.stdout)).toEqual({
      error: {
        code: 'invalid_audio',
        message: `${join(folder, 'text.wav')} is not a readable WAV file: no RIFF/WAVE header`,
      },
    });
    const empty = await cli('vad', 'zero.wav');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no samples');
  });

  it('measures loudness (null for silence) and normalizes with a negative --lufs', async () => {
    writeFileSync(
      join(folder, 'silence.wav'),
      encodeWav({ channels: [new Float32Array(32_000)], sampleRate: 16_000 }),
    );
    expect(JSON.parse((await cli('loudness', 'silence.wav', '--json')).stdout)).toEqual({
      lufs: null,
      truePeakDb: null,
    });
    writeFileSync(join(folder, 'tone.wav'), encodeWav({ channels: [tone(3, 0.05)], sampleRate: 16_000 }));
    const result = await cli('normalize', 'tone.wav', 'loud.wav', '--lufs', '-18', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { outputLufs: number; truePeakDb: number };
    expect(summary.outputLufs).toBeCloseTo(-18, 1);
    expect(summary.truePeakDb).toBeLessThanOrEqual(-1);
    expect(JSON.parse((await cli('loudness', 'loud.wav', '--json')).stdout).lufs).toBeCloseTo(-18, 1);
    const silent = await cli('normalize', 'silence.wav', 'out.wav');
    expect(silent.code).toBe(1);
    expect(silent.stderr).toContain('silent');
  });
});

describeRequiring(
  { tools: ['espeak-ng', 'pocketsphinx_continuous'], data: ['models/silero-vad/silero_vad.onnx'] },
  'klody-voice CLI with real engines',
  () => {
    it('says, finds the speech, and transcribes against a phrase list', async () => {
      const said = await cli('say', 'Open the front door.', '--lang', 'en-us', '--out', 'door.wav', '--json');
      expect(said.code).toBe(0);
      const saidJson = JSON.parse(said.stdout) as { duration: number; engine: string };
      expect(saidJson.engine).toBe('espeak-ng');
      expect((await readWavFile(join(folder, 'door.wav'))).sampleRate).toBe(22_050);
      const model = testDataPath('models', 'silero-vad', 'silero_vad.onnx');
      const vad = JSON.parse((await cli('vad', 'door.wav', '--model', model, '--json')).stdout) as {
        segments: { start: number; end: number }[];
      };
      expect(vad.segments.length).toBeGreaterThanOrEqual(1);
      expect(vad.segments[0]?.end).toBeLessThanOrEqual(saidJson.duration);
      writeFileSync(join(folder, 'phrases.txt'), '# commands\nopen the front door\nclose the window\n');
      const heard = await cli('transcribe', 'door.wav', '--phrases', 'phrases.txt', '--json');
      expect(heard.code).toBe(0);
      const heardJson = JSON.parse(heard.stdout) as {
        text: string;
        segments: { start: number; end: number; text: string }[];
      };
      expect(heardJson.text).toBe('open the front door');
      expect(Object.keys(heardJson)).toEqual(['text', 'noMatch', 'language', 'segments']);
      expect(Object.keys(heardJson.segments[0] ?? {})).toEqual(['start', 'end', 'text']);
    });

    it('runs as the root script would: stdout holds exactly one JSON line', () => {
      const root = fileURLToPath(new URL('../../../..', import.meta.url));
      const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
      const run = spawnSync(
        tsx,
        [
          '--conditions=@klody/source',
          'packages/voice/src/cli/bin.ts',
          'vad',
          testDataPath('audio', 'en', 'jfk.wav'),
          '--json',
        ],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({ segments: expect.any(Array) });
      const bin = join(root, 'packages/voice/src/cli/bin.ts');
      const bad = spawnSync(
        tsx,
        ['--conditions=@klody/source', bin, 'say', 'x', '--out', 'y.wav', '--lang', 'klingon'],
        {
          cwd: folder,
          encoding: 'utf8',
        },
      );
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('unknown language "klingon"');
    });
  },
);

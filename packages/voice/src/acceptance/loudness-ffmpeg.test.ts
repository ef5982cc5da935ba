import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { integratedLoudness } from '../audio/loudness.js';
import { normalizeLoudness } from '../audio/normalize.js';
import type { MultiChannelAudio } from '../audio/pcm-audio.js';
import { encodeWav } from '../audio/wav.js';
import { readWavFile } from '../audio/wav-file.js';
import { createEspeakNgTextToSpeech } from '../engines/espeak-ng/index.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-voice-loudness-'));

/** ffmpeg's own EBU R128 measure: integrated loudness and true peak of a file. */
function ffmpegLoudness(path: string): { lufs: number; truePeak: number } {
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  const summary = run.stderr.slice(run.stderr.lastIndexOf('Summary:'));
  const lufs = /I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1];
  const truePeak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  if (run.status !== 0 || lufs === undefined || truePeak === undefined) {
    throw new Error(`ffmpeg could not measure ${path}: ${run.stderr.slice(-500)}`);
  }
  return { lufs: Number(lufs), truePeak: truePeak === '-inf' ? Number.NEGATIVE_INFINITY : Number(truePeak) };
}

function write(name: string, audio: MultiChannelAudio): string {
  const path = join(folder, name);
  writeFileSync(path, encodeWav(audio));
  return path;
}

async function samples(): Promise<{ name: string; path: string; audio: MultiChannelAudio }[]> {
  const files = [
    testDataPath('audio', 'en', 'jfk.wav'),
    ...readdirSync(testDataPath('audio', 'fr'))
      .filter((name) => name.endsWith('.wav'))
      .map((name) => testDataPath('audio', 'fr', name)),
  ];
  const list: { name: string; path: string; audio: MultiChannelAudio }[] = await Promise.all(
    files.map(async (path) => ({
      name: path.split('/').at(-1) ?? path,
      path,
      audio: await readWavFile(path),
    })),
  );
  const speech = await createEspeakNgTextToSpeech().synthesize(
    'Bonjour à tous, voici un essai de mesure de sonie selon la norme.',
    {
      language: 'fr',
    },
  );
  const espeak = { channels: [speech.samples], sampleRate: speech.sampleRate };
  list.push({ name: 'espeak-fr-22k.wav', path: write('espeak-fr-22k.wav', espeak), audio: espeak });
  // Real speech 20 dB down: normalizing it up needs the limiter on its peaks.
  const jfk = list[0]?.audio as MultiChannelAudio;
  const quiet = {
    channels: jfk.channels.map((channel) => channel.map((value) => value * 0.1)),
    sampleRate: jfk.sampleRate,
  };
  list.push({ name: 'jfk-minus-20dB.wav', path: write('jfk-minus-20dB.wav', quiet), audio: quiet });
  // Stereo at 44.1 kHz with different channels, to exercise the channel sum and another rate.
  const left = Float32Array.from(
    { length: 44_100 * 4 },
    (_, index) => 0.2 * Math.sin((2 * Math.PI * 300 * index) / 44_100) * Math.sin((Math.PI * index) / 44_100),
  );
  const right = Float32Array.from(
    { length: 44_100 * 4 },
    (_, index) => 0.05 * Math.sin((2 * Math.PI * 2500 * index) / 44_100),
  );
  const stereo = { channels: [left, right], sampleRate: 44_100 };
  list.push({ name: 'stereo-44k.wav', path: write('stereo-44k.wav', stereo), audio: stereo });
  return list;
}

describeRequiring(
  { tools: ['ffmpeg', 'espeak-ng'], data: ['audio/en/jfk.wav', 'audio/fr'] },
  'loudness checked against ffmpeg ebur128',
  () => {
    it('measures integrated loudness within 0.5 LU of ffmpeg on real speech, espeak-ng output and stereo', async () => {
      const deltas: string[] = [];
      for (const sample of await samples()) {
        const ours = integratedLoudness(sample.audio);
        const theirs = ffmpegLoudness(sample.path).lufs;
        deltas.push(`${sample.name}: ours ${ours?.toFixed(2)} ffmpeg ${theirs.toFixed(1)}`);
        expect({ name: sample.name, delta: Math.abs((ours ?? Number.NaN) - theirs) < 0.5 }).toEqual({
          name: sample.name,
          delta: true,
        });
      }
      process.stderr.write(`[voice] loudness vs ffmpeg ebur128:\n  ${deltas.join('\n  ')}\n`);
    });

    it('normalizes to -16 LUFS within 0.5 LU by ffmpeg, with the true peak at or under -1 dBTP', async () => {
      const report: string[] = [];
      for (const sample of await samples()) {
        const result = normalizeLoudness(sample.audio, { targetLufs: -16, truePeakLimitDb: -1 });
        const path = write(`normalized-${sample.name}`, result.audio);
        const measured = ffmpegLoudness(path);
        report.push(
          `${sample.name}: ${result.inputLufs.toFixed(2)} → ffmpeg ${measured.lufs} LUFS, TP ${measured.truePeak} dBTP, limiter ${result.limiterReductionDb.toFixed(2)} dB`,
        );
        expect({ name: sample.name, delta: Math.abs(measured.lufs + 16) <= 0.5 }).toEqual({
          name: sample.name,
          delta: true,
        });
        // ffmpeg prints one decimal: -1.0 is at the limit, never above it.
        expect({ name: sample.name, peak: measured.truePeak <= -1.0 }).toEqual({
          name: sample.name,
          peak: true,
        });
      }
      process.stderr.write(
        `[voice] normalization to -16 LUFS, measured by ffmpeg:\n  ${report.join('\n  ')}\n`,
      );
    });

    it('gives silence no loudness, where ffmpeg reports its -70 LUFS floor', () => {
      const path = write('silence.wav', { channels: [new Float32Array(48_000 * 2)], sampleRate: 48_000 });
      expect(integratedLoudness({ channels: [new Float32Array(48_000 * 2)], sampleRate: 48_000 })).toBeNull();
      expect(ffmpegLoudness(path).lufs).toBe(-70);
    });
  },
);

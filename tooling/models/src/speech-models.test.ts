// The speech models as installed, run for real in their virtual environment: Piper speaks an English
// sentence, Whisper base hears it back, and Whisper recognises a French command from the shared
// recordings. This proves the files and runtimes; @klody/voice's piper and faster-whisper engines run them
// in packages/voice (engines/piper, engines/faster-whisper, acceptance/whisper-recognition.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { describeRequiringModels } from './describe-requiring-models.js';
import { modelsFolder, readManifest } from './model-manifest.js';
import { repositoryRoot } from './repository-root.js';

const root = repositoryRoot;
const testData = process.env.KLODY_TEST_DATA ?? join(root, '..', 'shared', 'data');
const installed = readManifest(modelsFolder(root));
const piper = installed?.models.find((model) => model.name === 'piper-joe-en-us');
const whisper = installed?.models.find((model) => model.name === 'whisper-base');

function transcribe(python: string, modelFolder: string, audio: string): { language: string; text: string } {
  const program = [
    'import json, sys',
    'from faster_whisper import WhisperModel',
    "model = WhisperModel(sys.argv[1], device='cpu', compute_type='int8', cpu_threads=2)",
    'segments, info = model.transcribe(sys.argv[2], beam_size=1)',
    "print(json.dumps({'language': info.language, 'text': ''.join(segment.text for segment in segments).strip()}))",
  ].join('\n');
  const result = spawnSync(python, ['-c', program, modelFolder, audio], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const words = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

describeRequiringModels(['piper-joe-en-us', 'whisper-base'], 'the speech models', () => {
  it('Piper speaks English and Whisper base hears the same words back', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'klody-piper-')), 'spoken.wav');
    // No numbers: Whisper writes "nine" as "9", a normalization matter the word error rate tools handle.
    const sentence = 'The library opens early in the morning.';
    const spoken = spawnSync(
      piper?.executables.piper as string,
      // Without the voice's sampling noise the audio is the same each run (with it, Whisper mishears
      // a word in about one draw in ten): the round trip is then reproducible.
      [
        '--model',
        piper?.path as string,
        '--output_file',
        output,
        '--noise-scale',
        '0',
        '--noise-w-scale',
        '0',
      ],
      { input: sentence, encoding: 'utf8', timeout: 60_000 },
    );
    expect(spoken.status, spoken.stderr).toBe(0);
    const wav = readFileSync(output);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(22_050);
    const heard = transcribe(whisper?.executables.python as string, dirname(whisper?.path as string), output);
    expect(heard.language).toBe('en');
    expect(words(heard.text)).toEqual(words(sentence));
  }, 120_000);

  it('Whisper base recognises a French command from the shared recordings', () => {
    const recording = join(testData, 'audio', 'fr', 'allume-la-lumiere.wav');
    expect(existsSync(recording), `${recording} (set KLODY_TEST_DATA)`).toBe(true);
    const heard = transcribe(
      whisper?.executables.python as string,
      dirname(whisper?.path as string),
      recording,
    );
    expect(heard.language).toBe('fr');
    expect(words(heard.text)).toEqual(['allume', 'la', 'lumiere']);
  }, 120_000);
});

// The worker's command line with the installed models, against manifests written by the test: what
// it serves is decided without starting any model.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { voiceWorkerOptionsFromCommandLine } from './worker-command-line.js';

function modelsFolder(
  models: { name: string; kind: string; path: string; executables: Record<string, string> }[],
) {
  const folder = mkdtempSync(join(tmpdir(), 'klody-worker-models-'));
  writeFileSync(
    join(folder, 'manifest.json'),
    JSON.stringify({
      installedAt: '2026-11-30T00:00:00Z',
      python: '3.11',
      models: models.map((model) => ({
        description: '',
        package: 'test',
        version: '0',
        licence: 'test',
        sizeBytes: 1,
        sha256: 'a'.repeat(64),
        ...model,
      })),
    }),
  );
  return folder;
}

describe('klody-voice-worker --installed-models', () => {
  const folder = modelsFolder([
    {
      name: 'piper-test-voice',
      kind: 'text-to-speech',
      path: '/models/voices/en_GB-test-low.onnx',
      executables: { piper: '/models/venv/bin/piper' },
    },
    { name: 'whisper-base', kind: 'speech-to-text', path: '/models/whisper-base/model.bin', executables: {} },
  ]);

  it("serves the manifest's Piper voices and Whisper model under the names aliases point to", async () => {
    const options = voiceWorkerOptionsFromCommandLine(
      ['--installed-models', '--alias', 'speak=piper', '--alias', 'hear=faster-whisper'],
      { KLODY_MODELS_DIR: folder },
    );
    expect(Object.keys(options.speech ?? {})).toContain('piper');
    expect(Object.keys(options.transcription ?? {})).toContain('faster-whisper');
    expect(options.aliases).toMatchObject({ speak: 'piper', hear: 'faster-whisper' });
    // The voice id is the model file's name; reading its config is what fails here (no such file).
    await expect(
      options.speech?.piper?.synthesize('Hello.', { voice: 'en_GB-test-low' }),
    ).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: 'piper: the model of voice "en_GB-test-low" is missing: /models/voices/en_GB-test-low.onnx',
    });
  });

  it('serves none of them without the flag: installing models does not change a worker', () => {
    const options = voiceWorkerOptionsFromCommandLine([], { KLODY_MODELS_DIR: folder });
    expect(options.speech?.piper).toBeUndefined();
    expect(options.transcription?.['faster-whisper']).toBeUndefined();
    expect(() =>
      voiceWorkerOptionsFromCommandLine(['--alias', 'hear=faster-whisper'], { KLODY_MODELS_DIR: folder }),
    ).toThrow(/--alias hear=faster-whisper: no model "faster-whisper"/);
  });

  it('says to install the models when the manifest has none, and checks its numbers', () => {
    const empty = mkdtempSync(join(tmpdir(), 'klody-worker-no-models-'));
    expect(() =>
      voiceWorkerOptionsFromCommandLine(['--installed-models'], { KLODY_MODELS_DIR: empty }),
    ).toThrow(
      '--installed-models: no Piper voice or Whisper model is installed (run pnpm klody-models install)',
    );
    const whisper = join(empty, 'whisper');
    mkdirSync(whisper);
    expect(() =>
      voiceWorkerOptionsFromCommandLine(
        ['--faster-whisper-model', whisper, '--faster-whisper-threads', '0'],
        {
          KLODY_MODELS_DIR: empty,
        },
      ),
    ).toThrow('--faster-whisper-threads must be a whole number ≥ 1, got "0"');
    expect(
      voiceWorkerOptionsFromCommandLine(['--faster-whisper-model', whisper], { KLODY_MODELS_DIR: empty })
        .transcription?.['faster-whisper'],
    ).toBeDefined();
  });
});

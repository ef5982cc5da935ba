import { describe, expect, it } from 'vitest';
import { createPiperTextToSpeech, parsePiperConfig, piperArguments } from './piper/index.js';
import {
  createWhisperCppSpeechToText,
  parseWhisperCppJson,
  whisperCppArguments,
} from './whisper-cpp/index.js';

describe('Piper arguments and config', () => {
  it('builds the command for a voice, speed and speaker', () => {
    expect(piperArguments({ id: 'fr', model: '/voices/fr_FR-siwis-medium.onnx' }, {})).toEqual([
      '--model',
      '/voices/fr_FR-siwis-medium.onnx',
      '--config',
      '/voices/fr_FR-siwis-medium.onnx.json',
      '--output_raw',
      '--sentence_silence',
      '0',
    ]);
    expect(
      piperArguments(
        { id: 'multi', model: '/m.onnx', config: '/m.json', speaker: 3 },
        { speed: 2, noiseScale: 0.5, noiseWidth: 0.6 },
      ),
    ).toEqual([
      '--model',
      '/m.onnx',
      '--config',
      '/m.json',
      '--output_raw',
      '--speaker',
      '3',
      '--length_scale',
      '0.5000',
      '--noise_scale',
      '0.5',
      '--noise_w',
      '0.6',
      '--sentence_silence',
      '0',
    ]);
  });

  it('reads sample rate and language from a voice config, and names a broken one', () => {
    expect(parsePiperConfig('{"audio":{"sample_rate":22050},"language":{"code":"fr_FR"}}')).toEqual({
      sampleRate: 22_050,
      language: 'fr-fr',
    });
    expect(parsePiperConfig('{"audio":{"sample_rate":16000},"espeak":{"voice":"en-us"}}').language).toBe(
      'en-us',
    );
    expect(() => parsePiperConfig('{"audio":{}}', 'x.json')).toThrow(
      'piper: x.json has no audio.sample_rate',
    );
    expect(() => parsePiperConfig('nope', 'y.json')).toThrow(/y\.json is not valid JSON/);
  });

  it('says which voice is unknown and which model file is missing', async () => {
    const tts = createPiperTextToSpeech({ voices: [{ id: 'fr-siwis', model: '/nowhere/fr.onnx' }] });
    await expect(tts.synthesize('Bonjour.', { voice: 'alloy' })).rejects.toThrow(
      'piper has no voice "alloy" (configured: fr-siwis)',
    );
    await expect(tts.synthesize('Bonjour.', { voice: 'fr-siwis' })).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('/nowhere/fr.onnx'),
    });
  });
});

describe('whisper.cpp arguments and output', () => {
  it('builds the command with language, threads, prompt and JSON output', () => {
    expect(
      whisperCppArguments({ model: '/m/ggml-base.bin', threads: 4 }, '/t/in.wav', '/t/out', {
        language: 'French',
        prompt: 'allume la lumière',
      }),
    ).toEqual([
      '-m',
      '/m/ggml-base.bin',
      '-f',
      '/t/in.wav',
      '-l',
      'fr',
      '-t',
      '4',
      '--prompt',
      'allume la lumière',
      '-oj',
      '-of',
      '/t/out',
      '-np',
    ]);
    expect(whisperCppArguments({ model: 'm.bin' }, 'a.wav', 'o', {}).slice(4, 6)).toEqual(['-l', 'auto']);
  });

  it('reads the -oj JSON: offsets in ms, trimmed text, detected language', () => {
    const json = JSON.stringify({
      result: { language: 'fr' },
      transcription: [
        {
          timestamps: { from: '00:00:00,000', to: '00:00:01,500' },
          offsets: { from: 0, to: 1500 },
          text: ' Allume la lumière.',
        },
        { offsets: { from: 1500, to: 1600 }, text: ' ' },
      ],
    });
    expect(parseWhisperCppJson(json)).toEqual({
      segments: [{ start: 0, end: 1.5, text: 'Allume la lumière.' }],
      language: 'fr',
    });
    expect(() => parseWhisperCppJson('<html>')).toThrow(/not JSON/);
  });

  it('names a missing model before running anything', async () => {
    const stt = createWhisperCppSpeechToText({ model: '/nowhere/ggml.bin' });
    await expect(
      stt.transcribe({ samples: new Float32Array(160), sampleRate: 16_000 }),
    ).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: 'whisper-cpp: model file /nowhere/ggml.bin not found',
    });
  });
});

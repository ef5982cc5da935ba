import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { encodeWav, wavHeader } from '../audio/wav.js';
import { readWavFile } from '../audio/wav-file.js';
import { createEspeakNgTextToSpeech, createEspeakNgWasmTextToSpeech } from '../engines/espeak-ng/index.js';
import { createSileroVad } from '../engines/silero-vad/index.js';
import { VoiceError } from '../errors/index.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-voice-bad-'));

async function failure(promise: Promise<unknown>): Promise<VoiceError> {
  try {
    await promise;
  } catch (error) {
    if (VoiceError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a VoiceError');
}

describeRequiring(
  { tools: ['espeak-ng'], data: ['models/silero-vad/silero_vad.onnx'] },
  'bad input gets a clear error naming what was wrong',
  () => {
    it('empty text, an unknown language or voice: for both espeak-ng engines', async () => {
      for (const tts of [createEspeakNgTextToSpeech(), createEspeakNgWasmTextToSpeech()]) {
        expect(await failure(tts.synthesize(''))).toMatchObject({
          code: 'empty_text',
          message: 'the text to speak is empty',
        });
        expect(await failure(tts.synthesize('?!… —'))).toMatchObject({
          code: 'empty_text',
          message: expect.stringContaining('no letters or digits'),
        });
        expect(await failure(tts.synthesize('Bonjour.', { language: 'qq' }))).toMatchObject({
          code: 'unknown_language',
          message: expect.stringContaining('"qq"'),
        });
        expect(await failure(tts.synthesize('Bonjour.', { voice: 'nova' }))).toMatchObject({
          code: 'unknown_voice',
          message: expect.stringContaining('"nova"'),
        });
        expect(await failure(tts.synthesize('Bonjour.', { speed: Number.NaN }))).toMatchObject({
          code: 'invalid_options',
        });
      }
    });

    it('a corrupt file, a non-WAV file, a 0-length WAV and a 0-byte file', async () => {
      const samples = encodeWav({ channels: [new Float32Array(1600)], sampleRate: 16_000 });
      const corrupt = samples.slice();
      corrupt.set([0x00, 0x00, 0x00, 0x00], 12); // the fmt chunk id destroyed
      const files: [string, Uint8Array | string, string, RegExp][] = [
        [
          'corrupt.wav',
          corrupt,
          'invalid_audio',
          /corrupt\.wav is not a readable WAV file: it has no fmt chunk/,
        ],
        [
          'song.mp3',
          'ID3\u0003\u0000\u0000\u0000\u0000\u0000 fake mp3 frames',
          'invalid_audio',
          /song\.mp3 .*no RIFF\/WAVE header/,
        ],
        [
          'zero-length.wav',
          wavHeader(16_000, 1, 0),
          'empty_audio',
          /zero-length\.wav is a WAV file with no samples/,
        ],
        ['zero-bytes.wav', new Uint8Array(0), 'invalid_audio', /zero-bytes\.wav .*empty \(0 bytes\)/],
        ['missing.wav', '', 'invalid_audio', /cannot read .*missing-for-real\.wav: no such file/],
      ];
      for (const [name, content, code, message] of files) {
        const path = join(folder, name === 'missing.wav' ? 'missing-for-real.wav' : name);
        if (name !== 'missing.wav') writeFileSync(path, content);
        const error = await failure(readWavFile(path));
        expect({ name, code: error.code }).toEqual({ name, code });
        expect(error.message).toMatch(message);
      }
    });

    it('the VAD refuses a bad sample rate and takes empty audio as no speech', async () => {
      const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
      expect(await failure(vad.detect(new Float32Array(100), 0))).toMatchObject({
        code: 'invalid_options',
        message: 'invalid sample rate 0',
      });
      expect(await vad.detect(new Float32Array(0), 16_000)).toEqual([]);
      await vad.close();
    });
  },
);

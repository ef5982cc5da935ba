// The microphone mode's plumbing with named fakes for the sound card: a fake `arecord` (a shell
// script) plays a shared French recording as raw PCM then a second of silence, a fake `aplay` writes
// what it is given to a file. The voice session runs on real Silero VAD with the harness's fake agent,
// transcriber and speaker.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import {
  createSentenceStream,
  createSileroVad,
  createStreamingVoiceActivity,
  readWavFile,
  toMonoAt,
} from '@klody/voice';
import { afterAll, expect, it } from 'vitest';
import { answerTurn, createFakeAgent } from '../../test/fake-agent.js';
import { floatToInt16 } from '../voice/pcm16.js';
import type { VoiceServerMessage } from '../voice/voice-protocol.js';
import { createVoiceSessionOpener } from '../voice/voice-session.js';
import { talkThroughMicrophone } from './talk-microphone.js';

describeRequiring(
  { data: ['models/silero-vad/silero_vad.onnx', 'audio/fr/allume-la-lumiere.wav'], tools: ['sh'] },
  'talk through the microphone and the speakers',
  () => {
    const folder = mkdtempSync(join(tmpdir(), 'klody-talk-microphone-'));
    const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
    afterAll(async () => {
      await vad.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('records with arecord’s arguments, answers, plays the answer with aplay at its rate, and stops with the recorder', async () => {
      const samples = toMonoAt(
        await readWavFile(testDataPath('audio', 'fr', 'allume-la-lumiere.wav')),
        16_000,
      ).samples;
      const speech = floatToInt16(samples);
      const pcm = new Int16Array(speech.length + 16_000 * 2);
      pcm.set(speech);
      writeFileSync(join(folder, 'microphone.raw'), new Uint8Array(pcm.buffer));
      // The fake recorder records its arguments, plays the recording at once, then waits for the answer.
      const recorder = join(folder, 'fake-arecord');
      writeFileSync(
        recorder,
        `#!/bin/sh\necho "$@" > '${folder}/arecord-args'\ncat '${folder}/microphone.raw'\nsleep 4\n`,
      );
      const player = join(folder, 'fake-aplay');
      writeFileSync(
        player,
        `#!/bin/sh\necho "$@" > '${folder}/aplay-args'\ncat > '${folder}/speakers.raw'\n`,
      );
      chmodSync(recorder, 0o755);
      chmodSync(player, 0o755);

      const fake = createFakeAgent([answerTurn('session-1', ['La lumière est allumée.'])]);
      const open = createVoiceSessionOpener({
        agent: fake.agent,
        createVoiceActivity: () => createStreamingVoiceActivity({ vad }),
        createSentenceSplitter: () => createSentenceStream(),
        // The fake transcriber and speaker: a fixed text, and 0.5 s of tone at 22,050 Hz.
        transcribe: async () => ({ text: 'Allume la lumière', language: 'fr' }),
        speak: async () => ({
          pcm: Int16Array.from({ length: 11_025 }, (_, index) => Math.round(5000 * Math.sin(index / 4))),
          sampleRate: 22_050,
        }),
      });
      const messages: VoiceServerMessage[] = [];
      const code = await talkThroughMicrophone(
        { session: null, approvals: 'ask', duplex: 'half', language: 'fr' },
        open,
        { onMessage: (message) => messages.push(message), recorder, player },
      );
      expect(code).toBe(0);
      expect(readFileSync(join(folder, 'arecord-args'), 'utf8').trim()).toBe(
        '-q -t raw -f S16_LE -c 1 -r 16000',
      );
      expect(fake.calls[0]).toMatchObject({ method: 'send', message: 'Allume la lumière' });
      expect(messages.some((message) => message.type === 'turn-end')).toBe(true);
      // aplay was started at the speech's own rate and got all of it.
      await expect
        .poll(() => readFileSync(join(folder, 'aplay-args'), 'utf8').trim())
        .toBe('-q -t raw -f S16_LE -c 1 -r 22050');
      await expect.poll(() => statSync(join(folder, 'speakers.raw')).size).toBe(11_025 * 2);
    }, 30_000);

    it('says which tool is missing and how to get it', async () => {
      await expect(
        talkThroughMicrophone(
          { session: null, approvals: 'ask', duplex: 'half', language: null },
          () => {
            throw new Error('never opened');
          },
          { onMessage: () => {}, recorder: 'klody-no-such-arecord' },
        ),
      ).rejects.toThrow(
        /klody-no-such-arecord is not installed: install ALSA's tools \(apt install alsa-utils\)/,
      );
    });
  },
);

// Barge-in and half duplex with real speech: Silero VAD (the real model, streaming) hears the shared
// French recordings, while the agent, the transcriber and the speaker are the harness's named fakes.
// A command is said; once Klody's first audio goes out, another recording is played over it.

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
import { floatToInt16 } from './pcm16.js';
import { harness } from './testing/voice-session-harness.js';

const longAnswer = [
  'Il fait vingt et un degrés et demi dans le bureau. ',
  'La lumière de la chambre est éteinte et la cafetière est allumée. ',
  'Il est bientôt midi, et la météo annonce de la pluie pour cet après-midi. ',
  'Voulez-vous que je ferme les volets du salon avant la pluie ?',
];

async function recording(name: string): Promise<Int16Array> {
  return floatToInt16(toMonoAt(await readWavFile(testDataPath('audio', 'fr', name)), 16_000).samples);
}

describeRequiring(
  {
    data: [
      'models/silero-vad/silero_vad.onnx',
      'audio/fr/allume-la-lumiere.wav',
      'audio/fr/combien-fait-il-dans-le-bureau.wav',
    ],
  },
  'the voice session on real speech through Silero VAD',
  () => {
    const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
    afterAll(() => vad.close());
    const createVoiceActivity = () => createStreamingVoiceActivity({ vad });
    const silence = new Int16Array(16_000);

    it('full duplex: a recorded question spoken over Klody stops it and keeps only what was played', async () => {
      const fake = createFakeAgent([
        answerTurn('session-1', longAnswer),
        answerTurn('session-1', ['Vingt et un degrés.']),
      ]);
      const session = harness(fake, ['Combien fait-il dans le bureau ?', 'Allume la lumière'], {
        duplex: 'full',
        createVoiceActivity,
        createSentenceSplitter: () => createSentenceStream(),
      });
      await session.play(await recording('combien-fait-il-dans-le-bureau.wav'));
      await session.play(silence);
      await session.waitFor((message) => message.type === 'audio-start');
      await session.play(await recording('allume-la-lumiere.wav'));
      const interrupted = await session.waitFor((message) => message.type === 'interrupted');
      if (interrupted.type !== 'interrupted') throw new Error('unreachable');
      expect(longAnswer.join('').startsWith(interrupted.played.replace(/…$/, ''))).toBe(true);
      expect(interrupted.played.length).toBeLessThan(longAnswer.join('').length);
      expect(fake.calls.find((call) => call.method === 'interrupt')).toMatchObject({
        played: interrupted.played,
      });
      // The words spoken over Klody are the next turn.
      await session.play(silence);
      await session.waitFor(
        (message) => message.type === 'turn-end' && message.transcript === 'Allume la lumière',
        20_000,
      );
      expect(
        fake.calls.filter((call) => call.method === 'send').map((call) => 'message' in call && call.message),
      ).toEqual(['Combien fait-il dans le bureau ?', 'Allume la lumière']);
    }, 60_000);

    it('half duplex (the default): the same recording over Klody is ignored, and the answer plays to its end', async () => {
      const fake = createFakeAgent([answerTurn('session-1', longAnswer)]);
      const session = harness(fake, ['Combien fait-il dans le bureau ?', 'never transcribed'], {
        createVoiceActivity,
      });
      await session.play(await recording('combien-fait-il-dans-le-bureau.wav'));
      await session.play(silence);
      await session.waitFor((message) => message.type === 'audio-start');
      await session.play(await recording('allume-la-lumiere.wav'));
      await session.play(silence);
      const end = await session.waitFor((message) => message.type === 'turn-end', 30_000);
      if (end.type !== 'turn-end') throw new Error('unreachable');
      expect(end.metrics.interrupted).toBe(false);
      expect(end.answer).toBe(longAnswer.join(''));
      expect(session.messages).toContainEqual({ type: 'ignored', reason: 'speaking' });
      expect(session.heard).toEqual(['Combien fait-il dans le bureau ?']);
    }, 60_000);
  },
);

import { readFileSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { downmixToMono } from '../audio/resample.js';
import { readWavFile } from '../audio/wav-file.js';
import { createEspeakNgTextToSpeech, createEspeakNgWasmTextToSpeech } from '../engines/espeak-ng/index.js';
import { createPocketsphinxSpeechToText } from '../engines/pocketsphinx/index.js';
import { wordErrorRate } from '../evaluation/word-error-rate.js';

// Everyday commands; none was picked for how well pocketsphinx hears it.
const sentences = [
  'Turn on the kitchen light.',
  'What is the weather like tomorrow?',
  'Set a timer for ten minutes.',
  'Play some music in the living room.',
  'Call my sister on her mobile phone.',
  'Remind me to buy milk tonight.',
  'How far is the nearest train station?',
  'Close the blinds in the bedroom.',
];
const distractors = [
  'turn off the kitchen light',
  'set an alarm for seven',
  'play the news',
  'open the garage door',
];
const phrases = [...sentences, ...distractors];
const expected = (sentence: string) => sentence.toLowerCase().replace(/[.?]/g, '');

describeRequiring(
  { tools: ['espeak-ng', 'pocketsphinx_continuous'] },
  'round trip: espeak-ng → pocketsphinx',
  () => {
    const stt = createPocketsphinxSpeechToText();

    it('transcribes every espeak-ng (binary) sentence exactly when given the phrase list', async () => {
      const tts = createEspeakNgTextToSpeech();
      const heard: string[] = [];
      for (const sentence of sentences) {
        const audio = await tts.synthesize(sentence, { voice: 'en-us' });
        heard.push((await stt.transcribe(audio, { phrases })).text);
      }
      expect(heard).toEqual(sentences.map(expected));
    });

    it('does the same with the WASM build of espeak-ng', async () => {
      const tts = createEspeakNgWasmTextToSpeech();
      const heard: string[] = [];
      for (const sentence of sentences.slice(0, 4)) {
        const audio = await tts.synthesize(sentence, { voice: 'en-us' });
        heard.push((await stt.transcribe(audio, { phrases })).text);
      }
      expect(heard).toEqual(sentences.slice(0, 4).map(expected));
    });
  },
);

describeRequiring(
  { tools: ['pocketsphinx_continuous'], data: ['audio/en/jfk.wav', 'audio/en/jfk.txt'] },
  'free-form pocketsphinx on jfk.wav (reported, not tuned)',
  () => {
    it('transcribes real speech into timed segments and reports the word error rate', async () => {
      const audio = downmixToMono(await readWavFile(testDataPath('audio', 'en', 'jfk.wav')));
      const reference = readFileSync(testDataPath('audio', 'en', 'jfk.txt'), 'utf8');
      const result = await createPocketsphinxSpeechToText().transcribe(audio);
      const score = wordErrorRate(reference, result.text);
      process.stderr.write(
        `[voice] pocketsphinx free-form on jfk.wav: WER ${score.rate?.toFixed(3)} (${score.substitutions} sub, ${score.deletions} del, ${score.insertions} ins over ${score.referenceWords} words)\n[voice] heard: "${result.text}"\n`,
      );
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.segments.length).toBeGreaterThanOrEqual(2);
      for (const segment of result.segments) {
        expect(segment.start).toBeGreaterThanOrEqual(0);
        expect(segment.end).toBeLessThanOrEqual(result.duration + 0.05);
        expect(segment.end).toBeGreaterThan(segment.start);
      }
      // Only a sanity bound: the rate is what it is (pocketsphinx is weak free-form), but a broken
      // pipeline (wrong sample rate, garbage audio) hears nothing of the reference at all.
      expect(score.rate).not.toBeNull();
      expect(score.rate ?? 1).toBeLessThan(1);
    });
  },
);

// Whisper base (faster-whisper) measured on real speech: the six French command recordings of the
// shared data, and round trips through our own engines (Piper → Whisper in English, espeak-ng →
// Whisper in French, since no French Piper voice is installed). The figures are printed; the bounds
// are explained beside each assertion.
//
// Normalisation for the word error rate (wordErrorRate): case, punctuation and apostrophes, hyphens
// split words on both sides ("Rez-de-chaussée" is three words in reference and hypothesis alike),
// accents are kept (a missing accent is a wrong word). spellOutSymbols writes "%" as "pourcent",
// the spelling of the reference. Numbers are not converted: the reference writes "80" and so does
// Whisper; had it written "quatre-vingts", that would count as an error.
import { readFileSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { downmixToMono } from '../audio/resample.js';
import { readWavFile } from '../audio/wav-file.js';
import { createEspeakNg } from '../engines/espeak-ng/index.js';
import {
  createFasterWhisperSpeechToText,
  type FasterWhisperSpeechToText,
} from '../engines/faster-whisper/index.js';
import { createPiperTextToSpeech } from '../engines/piper/index.js';
import { spellOutSymbols } from '../evaluation/spoken-symbols.js';
import { wordErrorRate } from '../evaluation/word-error-rate.js';
import { installedPiperVoices, installedWhisperModel } from '../models/index.js';

interface Measured {
  name: string;
  reference: string;
  heard: string;
  errors: number;
  words: number;
}

function measure(name: string, reference: string, heard: string, language: string): Measured {
  const rate = wordErrorRate(reference, spellOutSymbols(heard, language));
  return {
    name,
    reference,
    heard,
    errors: rate.substitutions + rate.deletions + rate.insertions,
    words: rate.referenceWords,
  };
}

/** Errors over all reference words (not the mean of per-file rates, which overweights short files). */
function overall(rows: Measured[]): number {
  const words = rows.reduce((sum, row) => sum + row.words, 0);
  return rows.reduce((sum, row) => sum + row.errors, 0) / words;
}

function report(title: string, rows: Measured[]): void {
  const lines = rows.map(
    (row) =>
      `  ${(row.errors / row.words).toFixed(3)}  ${row.errors}/${row.words}  ${row.name}: "${row.heard}" (reference "${row.reference}")`,
  );
  process.stderr.write(
    `[whisper-base] ${title}: WER ${overall(rows).toFixed(3)} overall\n${lines.join('\n')}\n`,
  );
}

describeRequiring(
  { models: ['whisper-base', 'piper-joe-en-us'], tools: ['espeak-ng'], data: ['audio/fr/transcripts.tsv'] },
  'Whisper base through faster-whisper on French commands and on our own voices',
  () => {
    let stt: FasterWhisperSpeechToText;
    beforeAll(async () => {
      const model = installedWhisperModel();
      stt = createFasterWhisperSpeechToText({
        model: model?.folder as string,
        ...(model?.python ? { python: model.python } : {}),
      });
      await stt.warm();
    }, 120_000);
    afterAll(() => stt?.close());

    const commands = () =>
      readFileSync(testDataPath('audio', 'fr', 'transcripts.tsv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t') as [string, string]);
    let withoutPrompt: number | null = null;

    it('recognises the six French recordings, language detected, WER reported', async () => {
      const rows: Measured[] = [];
      const lines = commands();
      expect(lines).toHaveLength(6);
      for (const [file, reference] of lines) {
        const audio = downmixToMono(await readWavFile(testDataPath('audio', 'fr', file)));
        // No language given: detection is part of what is measured.
        const result = await stt.transcribe(audio);
        expect({ file, language: result.language }).toEqual({ file, language: 'fr' });
        rows.push(measure(file, reference, result.text, 'fr'));
      }
      report('French commands (language detected, beam 5)', rows);
      withoutPrompt = overall(rows);
      // Bound: 0.25 overall. Whisper base is the second-smallest Whisper, and these are short commands
      // from one speaker with room names ("Rez-de-chaussée", "Bureau") that carry no context; the
      // measured figure on this machine is printed above. A quarter of the words wrong is where
      // commands stop being usable without a grammar; above it, this model is not worth serving
      // for French commands, and the test should say so.
      expect(overall(rows)).toBeLessThanOrEqual(0.25);
      // Short everyday commands must not fail outright: each file gets at least half its words.
      for (const row of rows)
        expect({ file: row.name, rate: row.errors / row.words <= 0.5 }).toEqual({
          file: row.name,
          rate: true,
        });
    }, 300_000);

    it('does better on the French commands when the prompt names the rooms of the home', async () => {
      // What a home assistant knows without knowing what will be said: its rooms. Three of these six
      // are in no recording, and the prompt holds no command, so the sentences are not given away.
      const prompt = 'Pièces : Cuisine, Salon, Rez-de-chaussée, Bureau, Chambre, Garage.';
      const rows: Measured[] = [];
      for (const [file, reference] of commands()) {
        const audio = downmixToMono(await readWavFile(testDataPath('audio', 'fr', file)));
        const result = await stt.transcribe(audio, { language: 'fr', prompt });
        rows.push(measure(file, reference, result.text, 'fr'));
      }
      report(`French commands (language named, prompt "${prompt}")`, rows);
      expect(withoutPrompt, 'the test without a prompt runs first').not.toBeNull();
      expect(overall(rows)).toBeLessThan(withoutPrompt as number);
    }, 300_000);

    it('hears Piper speak English back (Piper → Whisper round trip)', async () => {
      const voices = installedPiperVoices();
      const executable = voices[0]?.executable ?? undefined;
      // Piper's VITS voice samples noise on every call (a sentence never sounds twice the same, and
      // Whisper heard "The garden gate" as "The guard and gate" in 4 of 40 draws): without noise the
      // audio is the same each run, so this measures one reproducible rendering, not a lottery.
      const piper = createPiperTextToSpeech({
        voices: voices.map(({ id, model }) => ({ id, model })),
        ...(executable ? { executable } : {}),
        noiseScale: 0,
        noiseWidth: 0,
      });
      const sentences = [
        'Please turn off the lights in the living room.',
        'What is the weather going to be like tomorrow morning?',
        'Remind me to call my sister after dinner.',
      ];
      const rows: Measured[] = [];
      for (const sentence of sentences) {
        const heard = await stt.transcribe(await piper.synthesize(sentence, { language: 'en' }));
        expect(heard.language).toBe('en');
        rows.push(measure(sentence, sentence, heard.text, 'en'));
      }
      report('Piper joe → Whisper base, English', rows);
      // A clear synthetic voice in Whisper's best language: at most one word in twenty wrong.
      expect(overall(rows)).toBeLessThanOrEqual(0.05);
    }, 300_000);

    it('hears espeak-ng speak French back (espeak-ng → Whisper round trip)', async () => {
      const espeak = createEspeakNg();
      const sentences = [
        'Allume la lumière de la cuisine.',
        'Quel temps fera-t-il demain matin ?',
        'Ferme les volets de la chambre.',
      ];
      const rows: Measured[] = [];
      for (const sentence of sentences) {
        const spoken = await espeak.synthesize(sentence, { language: 'fr' });
        // The language is named: espeak-ng's robotic voice is what is measured, not detection on it.
        const heard = await stt.transcribe(spoken, { language: 'fr' });
        rows.push(measure(sentence, sentence, heard.text, 'fr'));
      }
      report('espeak-ng fr → Whisper base, French', rows);
      // A negative result, kept as one: espeak-ng's formant French is far from the voices Whisper base
      // learnt from. Measured here at about 0.8 (one word in five recovered: "de la", "chambre"…),
      // and, left to detect the language, Whisper hears Thai or Vietnamese in it. So this bound only
      // guards the pipe (sample rates, PCM encoding, the language passed): when any of those breaks,
      // every word is wrong and the rate reaches 1 or more. Use Piper (a neural voice) for round trips.
      expect(overall(rows)).toBeLessThanOrEqual(0.9);
    }, 300_000);
  },
);

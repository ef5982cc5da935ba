import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MonoAudio } from '../../audio/pcm-audio.js';
import { toMonoAt } from '../../audio/resample.js';
import { encodeWav } from '../../audio/wav.js';
import { VoiceError } from '../../errors/index.js';
import { parseLanguage } from '../../language/language-codes.js';
import { runProcess } from '../../process/run-process.js';
import { noMatchFor } from '../../speech-to-text/no-match.js';
import type { SpeechToText, TranscribeOptions, Transcription } from '../../speech-to-text/speech-to-text.js';
import { buildJsgfGrammar } from './jsgf-grammar.js';
import { parsePocketsphinxOutput } from './pocketsphinx-output.js';

export interface PocketsphinxOptions {
  /** The binary (default `pocketsphinx_continuous`, Debian package `pocketsphinx`). */
  executable?: string;
  /** Model folder holding `en-us/`, `en-us.lm.bin`, `cmudict-en-us.dict` (Debian `pocketsphinx-en-us`). */
  modelDirectory?: string;
  /** Language of that model (default `en`). */
  language?: string;
  timeoutMs?: number;
}

const installHint = 'install it with: apt-get install pocketsphinx pocketsphinx-en-us';

export function pocketsphinxArguments(
  model: { acousticModel: string; languageModel: string; dictionary: string },
  input: string,
  grammar: string | null,
): string[] {
  return [
    '-infile',
    input,
    '-hmm',
    model.acousticModel,
    ...(grammar ? ['-jsgf', grammar] : ['-lm', model.languageModel]),
    '-dict',
    model.dictionary,
    // Synthetic and gated audio holds runs of exact zeros (espeak-ng's pauses and tail). Their
    // log energy is -inf, which throws off the front end's normalisation: a grammar search then
    // ends off the grammar and returns nothing. sox dithers when it resamples, which is why
    // `sox … | pocketsphinx` heard more than our path; the decoder's own dither, with a fixed
    // seed so a file always decodes the same way, closes that gap (measured on 160 espeak-ng
    // commands: 141 → 150 right).
    '-dither',
    'yes',
    '-seed',
    '1',
    // Spectral noise subtraction is meant for a steady background; against a phrase list it cost
    // words (why exactly is not established): turning it off took clean commands from 150 to 158
    // of 160 right and heard fewer off-list sentences as a phrase (14 → 9 of 64); with brown
    // noise mixed in at about 15 dB SNR it was 159 → 160 of 160. Free-form decoding keeps it: on
    // the one real recording we have (jfk.wav) turning it off raised the WER from 0.55 to 0.68.
    ...(grammar ? ['-remove_noise', 'no'] : []),
    '-time',
    'yes',
    '-logfn',
    '/dev/null',
  ];
}

/**
 * CMU pocketsphinx through Debian's `pocketsphinx_continuous`: free-form with the en-us language model
 * (weak on open speech), or exact over a list of expected phrases (a JSGF grammar built here).
 * Debian ships no French model: French goes through a remote or whisper.cpp engine.
 */
export function createPocketsphinxSpeechToText(options: PocketsphinxOptions = {}): SpeechToText {
  const engine = 'pocketsphinx';
  const executable = options.executable ?? 'pocketsphinx_continuous';
  const modelDirectory = options.modelDirectory ?? '/usr/share/pocketsphinx/model/en-us';
  const modelLanguage = parseLanguage(options.language ?? 'en');
  const model = {
    acousticModel: join(modelDirectory, 'en-us'),
    languageModel: join(modelDirectory, 'en-us.lm.bin'),
    dictionary: join(modelDirectory, 'cmudict-en-us.dict'),
  };
  let dictionary: Promise<Set<string>> | null = null;
  const loadDictionary = () => {
    dictionary ??= readFile(model.dictionary, 'utf8').then(
      (text) =>
        new Set(text.split('\n').map((line) => line.split(/\s/, 1)[0]?.replace(/\(\d+\)$/, '') ?? '')),
      (error: unknown) => {
        dictionary = null;
        throw new VoiceError(
          'engine_unavailable',
          `${engine}: cannot read the dictionary ${model.dictionary} (${installHint})`,
          {
            cause: error,
          },
        );
      },
    );
    return dictionary;
  };
  return {
    id: engine,
    languages: async () => [modelLanguage.code],
    async transcribe(audio: MonoAudio, transcribeOptions: TranscribeOptions = {}): Promise<Transcription> {
      if (
        transcribeOptions.language !== undefined &&
        parseLanguage(transcribeOptions.language).code !== modelLanguage.code
      ) {
        throw new VoiceError(
          'unknown_language',
          `${engine} has only a "${modelLanguage.code}" model here; recognise "${transcribeOptions.language}" with a remote or whisper.cpp engine`,
        );
      }
      if (audio.samples.length === 0)
        throw new VoiceError('empty_audio', `${engine}: the audio holds no samples`);
      let grammarText: string | null = null;
      if (transcribeOptions.phrases) {
        const words = await loadDictionary();
        grammarText = buildJsgfGrammar(transcribeOptions.phrases, (word) => words.has(word));
      }
      const folder = await mkdtemp(join(tmpdir(), 'klody-pocketsphinx-'));
      try {
        const input = join(folder, 'input.wav');
        const mono = toMonoAt(audio, 16_000);
        await writeFile(input, encodeWav({ channels: [mono.samples], sampleRate: 16_000 }));
        let grammarPath: string | null = null;
        if (grammarText) {
          grammarPath = join(folder, 'phrases.jsgf');
          await writeFile(grammarPath, grammarText);
        }
        const result = await runProcess(executable, pocketsphinxArguments(model, input, grammarPath), {
          engine,
          installHint,
          timeoutMs: options.timeoutMs ?? 300_000,
          ...(transcribeOptions.signal ? { signal: transcribeOptions.signal } : {}),
        });
        const segments = parsePocketsphinxOutput(result.stdout.toString('utf8'));
        const text = segments.map((segment) => segment.text).join(' ');
        return {
          text,
          segments,
          language: modelLanguage.code,
          duration: mono.samples.length / 16_000,
          // A grammar search that ends off the grammar prints nothing at all: say so, never a bare "".
          noMatch: text === '' ? noMatchFor(mono, transcribeOptions.phrases?.length ?? null) : null,
        };
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  };
}

import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureLoudness } from '../audio/loudness.js';
import { normalizeLoudness } from '../audio/normalize.js';
import { audioDuration } from '../audio/pcm-audio.js';
import { downmixToMono } from '../audio/resample.js';
import { encodeWav } from '../audio/wav.js';
import { readWavFile } from '../audio/wav-file.js';
import { createSileroVad } from '../engines/silero-vad/index.js';
import { VoiceError, type VoiceErrorCode } from '../errors/index.js';
import { noMatchFor } from '../speech-to-text/no-match.js';
import type { Transcription } from '../speech-to-text/speech-to-text.js';
import { speechEngineFor, transcriptionEngineFor, vadModelPath } from './cli-engines.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Folder relative paths are read from (pnpm sets INIT_CWD to where the user typed the command). */
  cwd: string;
}

export const usage = `usage: klody-voice <command> [options]
  say "<text>" --out file.wav [--engine espeak-ng|espeak-ng-wasm|piper|openai:<alias>] [--lang fr] [--voice id]
                              [--speed 1] [--pitch 1] [--piper-model voice.onnx] [--json]
  voices [--engine espeak-ng] [--json]
  transcribe file.wav [--phrases phrases.txt] [--lang en] [--words] [--json]
                      [--engine pocketsphinx|faster-whisper|whisper-cpp|openai:<alias>]
                      [--whisper-model ggml.bin (whisper-cpp) or FOLDER (faster-whisper)]
piper and faster-whisper use the models of pnpm klody-models install unless --piper-model/--whisper-model say.
  vad file.wav [--model silero_vad.onnx] [--threshold 0.5] [--json]
  loudness file.wav [--json]
  normalize in.wav out.wav [--lufs -16] [--true-peak -1] [--json]
Exit codes: 0 success, 1 the command ran and failed (bad audio, engine error; transcribe: silence or no
  phrase matched, with the reason on stderr and in --json's noMatch), 2 bad usage.`;

class UsageError extends Error {}

// Codes that mean the request itself was wrong (exit 2) rather than the processing failing (exit 1).
const usageCodes = new Set<VoiceErrorCode>([
  'invalid_options',
  'unknown_language',
  'unknown_voice',
  'unknown_model',
  'empty_text',
  'invalid_phrases',
  'engine_unavailable',
]);

const options = {
  out: { type: 'string' },
  engine: { type: 'string' },
  lang: { type: 'string' },
  voice: { type: 'string' },
  speed: { type: 'string' },
  pitch: { type: 'string' },
  phrases: { type: 'string' },
  model: { type: 'string' },
  threshold: { type: 'string' },
  lufs: { type: 'string' },
  'true-peak': { type: 'string' },
  'piper-model': { type: 'string' },
  'whisper-model': { type: 'string' },
  words: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

// `--lufs -16`: parseArgs would read "-16" as a flag; glue negative numbers to their option.
function joinNegativeNumbers(argv: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const current = argv[index] as string;
    const next = argv[index + 1];
    const name = current.startsWith('--') ? current.slice(2) : '';
    if (
      name in options &&
      options[name as keyof typeof options].type === 'string' &&
      next !== undefined &&
      /^-\d|^-\.\d/.test(next)
    ) {
      joined.push(`${current}=${next}`);
      index += 1;
    } else {
      joined.push(current);
    }
  }
  return joined;
}

function round(value: number | null, digits = 3): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new UsageError(`--${name} must be a number, got "${value}"`);
  return parsed;
}

/** Runs one CLI command; returns the exit code. Nothing but the result goes to stdout. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes('--json');
  try {
    let parsed: ReturnType<
      typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true; strict: true }>
    >;
    try {
      parsed = parseArgs({ args: joinNegativeNumbers(argv), options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    json = values.json === true;
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.stdout(`${usage}\n`);
      return 0;
    }
    const path = (value: string) => (isAbsolute(value) ? value : resolve(io.cwd, value));
    const inputFile = (value: string | undefined, what: string) => {
      if (!value) throw new UsageError(`${command} needs ${what}`);
      const full = path(value);
      if (!existsSync(full)) throw new UsageError(`no such file: ${value}`);
      if (!statSync(full).isFile()) throw new UsageError(`not a file: ${value}`);
      return full;
    };
    const expectPositionals = (count: number) => {
      if (rest.length > count)
        throw new UsageError(`${command} takes ${count} argument(s), got extra "${rest[count]}"`);
    };
    const output = (result: Record<string, unknown>, human: string) => {
      io.stdout(json ? `${JSON.stringify(result)}\n` : `${human}\n`);
    };
    const engineChoice = {
      ...(values.engine ? { engine: values.engine } : {}),
      ...(values['piper-model'] ? { piperModel: path(values['piper-model']) } : {}),
      ...(values['whisper-model'] ? { whisperModel: path(values['whisper-model']) } : {}),
      env: io.env,
      cwd: io.cwd,
    };

    switch (command) {
      case 'say': {
        expectPositionals(1);
        const text = rest[0];
        if (text === undefined) throw new UsageError('say needs the text to speak, in quotes');
        if (!values.out) throw new UsageError('say needs --out file.wav');
        const engine = speechEngineFor(engineChoice);
        const speed = numberFlag('speed', values.speed);
        const pitch = numberFlag('pitch', values.pitch);
        let audio: Awaited<ReturnType<typeof engine.synthesize>>;
        try {
          audio = await engine.synthesize(text, {
            ...(values.lang ? { language: values.lang } : {}),
            ...(values.voice ? { voice: values.voice } : {}),
            ...(speed !== undefined ? { speed } : {}),
            ...(pitch !== undefined ? { pitch } : {}),
          });
        } finally {
          // Piper's worker, when it has one: a one-shot command stops it.
          if ('close' in engine && typeof engine.close === 'function') await engine.close();
        }
        const out = path(values.out);
        await writeFile(out, encodeWav({ channels: [audio.samples], sampleRate: audio.sampleRate }));
        const duration = round(audioDuration(audio));
        output(
          { path: out, duration, sampleRate: audio.sampleRate, engine: engine.id },
          `wrote ${values.out} (${duration} s at ${audio.sampleRate} Hz, ${engine.id})`,
        );
        return 0;
      }
      case 'voices': {
        expectPositionals(0);
        const engine = speechEngineFor(engineChoice);
        const voices = await engine.voices();
        output(
          { engine: engine.id, voices },
          voices
            .map((voice) => `${voice.id.padEnd(20)} ${voice.name} [${voice.languages.join(', ')}]`)
            .join('\n'),
        );
        return 0;
      }
      case 'transcribe': {
        expectPositionals(1);
        const file = inputFile(rest[0], 'a WAV file');
        let phrases: string[] | undefined;
        if (values.phrases) {
          const phrasesFile = inputFile(values.phrases, 'a phrases file');
          phrases = (await readFile(phrasesFile, 'utf8'))
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter((line) => line.length > 0 && !line.startsWith('#'));
        }
        const audio = downmixToMono(await readWavFile(file));
        const engine = transcriptionEngineFor(engineChoice);
        let result: Transcription;
        try {
          result = await engine.transcribe(audio, {
            ...(values.lang ? { language: values.lang } : {}),
            ...(phrases ? { phrases } : {}),
            ...(values.words ? { wordTimestamps: true } : {}),
          });
        } finally {
          // faster-whisper keeps a Python worker; a one-shot command stops it.
          if ('close' in engine && typeof engine.close === 'function') await engine.close();
        }
        // An empty transcript always comes with its reason (exit 1: the command ran, nothing matched).
        const noMatch =
          result.text.trim() === '' ? (result.noMatch ?? noMatchFor(audio, phrases?.length ?? null)) : null;
        if (noMatch) io.stderr(`klody-voice: ${noMatch.message}\n`);
        const transcript = {
          text: result.text,
          noMatch,
          language: result.language,
          ...(result.languageProbability !== undefined
            ? { languageProbability: result.languageProbability }
            : {}),
          segments: result.segments.map((segment) => ({
            start: round(segment.start),
            end: round(segment.end),
            text: segment.text,
          })),
          ...(result.words
            ? {
                words: result.words.map((word) => ({
                  start: round(word.start),
                  end: round(word.end),
                  word: word.word,
                })),
              }
            : {}),
        };
        if (json) output(transcript, '');
        else if (!noMatch) output(transcript, result.text);
        return noMatch ? 1 : 0;
      }
      case 'vad': {
        expectPositionals(1);
        const file = inputFile(rest[0], 'a WAV file');
        const threshold = numberFlag('threshold', values.threshold);
        const audio = downmixToMono(await readWavFile(file));
        const vad = createSileroVad({
          modelPath: vadModelPath(values.model ? path(values.model) : undefined, io.env, io.cwd),
        });
        try {
          const segments = await vad.detect(
            audio.samples,
            audio.sampleRate,
            threshold !== undefined ? { threshold } : {},
          );
          output(
            {
              segments: segments.map((segment) => ({ start: round(segment.start), end: round(segment.end) })),
            },
            segments.length === 0
              ? 'no speech'
              : segments
                  .map((segment) => `${segment.start.toFixed(2)}–${segment.end.toFixed(2)} s`)
                  .join('\n'),
          );
        } finally {
          await vad.close();
        }
        return 0;
      }
      case 'loudness': {
        expectPositionals(1);
        const file = inputFile(rest[0], 'a WAV file');
        const measured = measureLoudness(await readWavFile(file));
        output(
          { lufs: round(measured.integratedLufs, 2), truePeakDb: round(measured.truePeakDb, 2) },
          measured.integratedLufs === null
            ? 'silent: no loudness'
            : `${measured.integratedLufs.toFixed(1)} LUFS (true peak ${measured.truePeakDb?.toFixed(1)} dBTP)`,
        );
        return 0;
      }
      case 'normalize': {
        expectPositionals(2);
        const file = inputFile(rest[0], 'an input WAV file and an output path');
        if (!rest[1])
          throw new UsageError('normalize needs an output path: normalize in.wav out.wav --lufs -16');
        const targetLufs = numberFlag('lufs', values.lufs) ?? -16;
        const truePeakLimitDb = numberFlag('true-peak', values['true-peak']) ?? -1;
        const input = await readWavFile(file);
        const result = normalizeLoudness(input, { targetLufs, truePeakLimitDb });
        const out = path(rest[1]);
        await writeFile(
          out,
          encodeWav(result.audio, { encoding: input.info.format === 'float' ? 'float32' : 'pcm16' }),
        );
        const after = measureLoudness(result.audio);
        output(
          {
            path: out,
            inputLufs: round(result.inputLufs, 2),
            outputLufs: round(after.integratedLufs, 2),
            truePeakDb: round(after.truePeakDb, 2),
            gainDb: round(result.gainDb, 2),
            limiterReductionDb: round(result.limiterReductionDb, 2),
          },
          `${rest[1]}: ${result.inputLufs.toFixed(1)} → ${after.integratedLufs?.toFixed(1)} LUFS, true peak ${after.truePeakDb?.toFixed(1)} dBTP`,
        );
        return 0;
      }
      case undefined:
        throw new UsageError(`a command is needed\n${usage}`);
      default:
        throw new UsageError(
          `unknown command "${command}" (say, voices, transcribe, vad, loudness, normalize)`,
        );
    }
  } catch (error) {
    let code: string;
    let message: string;
    let exitCode: number;
    if (error instanceof UsageError) {
      code = 'usage';
      message = error.message;
      exitCode = 2;
    } else if (VoiceError.isInstance(error)) {
      code = error.code;
      message = error.message;
      exitCode = usageCodes.has(error.code) ? 2 : 1;
    } else {
      code = 'internal_error';
      message = error instanceof Error ? error.message : String(error);
      exitCode = 1;
    }
    io.stderr(`klody-voice: ${message.split('\n')[0]}\n`);
    if (json) io.stdout(`${JSON.stringify({ error: { code, message } })}\n`);
    return exitCode;
  }
}

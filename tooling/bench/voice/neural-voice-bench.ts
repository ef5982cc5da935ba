// Neural voice benchmark: Piper (the installed joe voice) against espeak-ng on the same English text,
// and Whisper base through faster-whisper against pocketsphinx on jfk.wav. Each baseline is measured
// in the same run; the ratios are what to read, the machine being shared and noisy.
// Needs `pnpm klody-models install` (piper-joe-en-us, whisper-base), espeak-ng and pocketsphinx.
// Run from the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/voice/neural-voice-bench.ts [--runs 5] [--out file.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createEspeakNgTextToSpeech,
  createFasterWhisperSpeechToText,
  createPiperTextToSpeech,
  createPocketsphinxSpeechToText,
  downmixToMono,
  installedPiperVoices,
  installedWhisperModel,
  readWavFile,
  type SpeechToText,
  type TextToSpeech,
  wordErrorRate,
} from '../../../packages/voice/src/index.js';
import { median, repeat } from '../repeated-runs.js';
import { dataDir, repositoryRoot } from './shared-data.js';
import { timeStreamedSpeech } from './streamed-speech.js';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
const runs = Number(values.runs ?? 5);
const sttRuns = Math.min(runs, 3);
const outPath = resolve(values.out ?? join(here, 'neural-last-run.json'));

const voices = installedPiperVoices({ from: repositoryRoot });
const whisper = installedWhisperModel({ from: repositoryRoot });
if (voices.length === 0 || !whisper) {
  process.stderr.write('neural-voice-bench: the models are not installed (run pnpm klody-models install)\n');
  process.exit(2);
}

// One sentence, and a paragraph of four (where streaming per sentence matters).
const shortText = 'The kitchen light is on, and the oven will be ready in a few minutes.';
const longText = `Good morning. Today will be cloudy, with a little rain in the afternoon and a light wind from the west.
Your first meeting starts at nine, in the small room on the second floor. Remember to take the report you printed yesterday, because the projector is still broken.`;

interface Row {
  engine: string;
  task: string;
  firstAudioMs: number | null;
  totalMs: number;
  audioSeconds: number;
  realTimeFactor: number;
  wordErrorRate: number | null;
  note: string;
}

async function speechRow(name: string, tts: TextToSpeech, text: string, task: string, note: string) {
  await tts.synthesize('Warming up.', { language: 'en' }); // page cache, voice lists
  return {
    engine: name,
    task,
    ...(await timeStreamedSpeech(tts, text, 'en', runs)),
    wordErrorRate: null,
    note,
  } satisfies Row;
}

const rows: { row: Row; baseline: Row }[] = [];
const espeak = createEspeakNgTextToSpeech();
const executable = voices[0]?.executable ?? undefined;
const python = voices[0]?.python ?? undefined;
const piper = createPiperTextToSpeech({
  voices: voices.map(({ id, model }) => ({ id, model })),
  ...(executable ? { executable } : {}),
});
// The same voice kept loaded in the engine's long-lived worker (the CLI's and the voice worker's way).
const piperWorker = python
  ? createPiperTextToSpeech({ voices: voices.map(({ id, model }) => ({ id, model })), python })
  : null;
const piperLoadStarted = performance.now();
await piperWorker?.synthesize('Loading.', { language: 'en' });
const piperLoadMs = performance.now() - piperLoadStarted;
for (const [text, task] of [
  [shortText, 'English, 1 sentence'],
  [longText, 'English, 4 sentences'],
] as const) {
  const baseline = await speechRow('espeak-ng', espeak, text, task, 'baseline: one process per segment');
  rows.push({ row: baseline, baseline });
  rows.push({
    row: await speechRow(
      'piper (joe), process per segment',
      piper,
      text,
      task,
      'Python start and voice load on every segment',
    ),
    baseline,
  });
  if (piperWorker) {
    rows.push({
      row: await speechRow(
        'piper (joe), worker',
        piperWorker,
        text,
        task,
        `voice loaded once (${piperLoadMs.toFixed(0)} ms, not counted)`,
      ),
      baseline,
    });
  }
}
await piperWorker?.close();

const jfk = downmixToMono(await readWavFile(join(dataDir, 'audio', 'en', 'jfk.wav')));
const jfkSeconds = jfk.samples.length / jfk.sampleRate;
const reference = readFileSync(join(dataDir, 'audio', 'en', 'jfk.txt'), 'utf8');
const transcripts: Record<string, string> = {};

async function transcriptionRow(name: string, stt: SpeechToText, note: string): Promise<Row> {
  let text = '';
  const samples = await repeat(sttRuns, async () => {
    const started = performance.now();
    text = (await stt.transcribe(jfk)).text;
    return performance.now() - started;
  });
  transcripts[name] = text;
  const total = median(samples);
  return {
    engine: name,
    task: 'jfk.wav (11 s) free-form',
    firstAudioMs: null,
    totalMs: total,
    audioSeconds: jfkSeconds,
    realTimeFactor: total / 1000 / jfkSeconds,
    wordErrorRate: wordErrorRate(reference, text).rate,
    note,
  };
}

const sttBaseline = await transcriptionRow(
  'pocketsphinx',
  createPocketsphinxSpeechToText(),
  'baseline: en-us model, one process per call',
);
rows.push({ row: sttBaseline, baseline: sttBaseline });
const loads: Record<string, number> = {};
for (const beamSize of [5, 1]) {
  const stt = createFasterWhisperSpeechToText({
    model: whisper.folder,
    ...(whisper.python ? { python: whisper.python } : {}),
    beamSize,
  });
  const loadStarted = performance.now();
  const ready = await stt.warm();
  loads[`beam ${beamSize}`] = performance.now() - loadStarted;
  await stt.transcribe({ samples: jfk.samples.subarray(0, 16_000), sampleRate: jfk.sampleRate }); // first-call setup
  rows.push({
    row: await transcriptionRow(
      `faster-whisper base (beam ${beamSize})`,
      stt,
      `int8, ${ready.threads} threads, model loaded once (${(loads[`beam ${beamSize}`] ?? 0).toFixed(0)} ms to start the worker, not counted)`,
    ),
    baseline: sttBaseline,
  });
  await stt.close();
}

const format = (value: number | null, digits = 1) => (value === null ? '—' : value.toFixed(digits));
const ratio = (value: number | null, base: number | null) =>
  value !== null && base ? `${(value / base).toFixed(2)}×` : '—';
const load = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const lines = [
  `Neural voice benchmark — median of ${runs} runs (speech-to-text: ${sttRuns}), ${new Date().toISOString()}, load average ${load}`,
  '',
  '| engine | task | first audio (ms) | vs baseline | total (ms) | audio (s) | RTF | RTF vs baseline | WER | note |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map(
    ({ row, baseline }) =>
      `| ${row.engine} | ${row.task} | ${format(row.firstAudioMs)} | ${ratio(row.firstAudioMs, baseline.firstAudioMs)} | ${format(row.totalMs)} | ${format(row.audioSeconds, 2)} | ${format(row.realTimeFactor, 4)} | ${ratio(row.realTimeFactor, baseline.realTimeFactor)} | ${format(row.wordErrorRate, 3)} | ${row.note} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(
  outPath,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      runs,
      sttRuns,
      loadAverage: loadavg(),
      texts: { short: shortText, long: longText },
      workerStartMs: loads,
      piperWorkerStartMs: piperLoadMs,
      jfkTranscripts: transcripts,
      rows: rows.map(({ row, baseline }) => ({
        ...row,
        baseline: baseline.engine,
        firstAudioVsBaseline:
          row.firstAudioMs !== null && baseline.firstAudioMs
            ? row.firstAudioMs / baseline.firstAudioMs
            : null,
        realTimeFactorVsBaseline: row.realTimeFactor / baseline.realTimeFactor,
      })),
    },
    null,
    2,
  )}\n`,
);
process.stderr.write(`wrote ${outPath}\n`);

// Voice benchmark: time to first audio and real-time factor of the local speech engines, beside the
// espeak-ng binary run as one whole process on the same text (the baseline, measured in the same run).
// Run from the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/voice/voice-bench.ts [--runs 7] [--out file.json]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createEspeakNgTextToSpeech,
  createEspeakNgWasmTextToSpeech,
  createPocketsphinxSpeechToText,
  createSileroVad,
  decodeWav,
  downmixToMono,
  readWavFile,
  type TextToSpeech,
  wordErrorRate,
} from '../../../packages/voice/src/index.js';
import { median, repeat } from '../repeated-runs.js';
import { dataDir } from './shared-data.js';
import { timeStreamedSpeech } from './streamed-speech.js';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
const runs = Number(values.runs ?? 7);
const outPath = resolve(values.out ?? join(here, 'last-run.json'));

// About 4.8 s of French with espeak-ng's default pace, two sentences.
const frenchText =
  'Bonjour à tous. Ceci est un essai de synthèse vocale en français, pour mesurer la latence.';
// Three paragraphs (about 50 s of speech): where streaming per sentence matters.
const longFrenchText = `Le matin du 14 juillet, M. Dupont se leva tôt. Il prit un café à 2,50 €, lut le journal et sortit.

« Où allez-vous si vite ? » demanda Mme Martin depuis sa fenêtre. Il répondit qu'il allait voir le Dr. Lefèvre, puis il pressa le pas. La rue était calme.
Au marché, les marchands criaient leurs prix : tomates, poireaux, fromages de chèvre et pain de campagne. On disait que des écrivains venaient autrefois ici le dimanche.

Vers midi, le ciel se couvrit. Les premières gouttes tombèrent sur les pavés, et chacun chercha un abri sous les arcades de la place.
Le soir venu, M. Dupont rentra chez lui, fatigué mais content de sa journée.`;

/** The baseline: `espeak-ng -v fr --stdout "<text>"` as one process, timed from spawn to exit. */
function wholeProcess(text: string): Promise<{ ms: number; seconds: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn('espeak-ng', ['-v', 'fr', '--stdout', text]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', fail);
    child.on('close', () => {
      const ms = performance.now() - started;
      const wav = decodeWav(Buffer.concat(chunks));
      done({ ms, seconds: (wav.channels[0]?.length ?? 0) / wav.sampleRate });
    });
  });
}

interface Row {
  engine: string;
  task: string;
  firstAudioMs: number | null;
  totalMs: number;
  audioSeconds: number;
  realTimeFactor: number;
  note: string;
}

async function ttsRow(
  name: string,
  tts: TextToSpeech,
  note: string,
  text = frenchText,
  task = 'speak French (stream)',
): Promise<Row> {
  await tts.synthesize('Préchauffage.', { language: 'fr' }); // loads voices / the WASM module
  return { engine: name, task, ...(await timeStreamedSpeech(tts, text, 'fr', runs)), note };
}

function baselineRow(samples: { ms: number; seconds: number }[], task: string): Row {
  const ms = median(samples.map((sample) => sample.ms));
  const seconds = samples[0]?.seconds ?? 1;
  return {
    engine: 'espeak-ng (whole process)',
    task,
    firstAudioMs: ms,
    totalMs: ms,
    audioSeconds: seconds,
    realTimeFactor: ms / 1000 / seconds,
    note: 'baseline: the WAV is complete when the process exits',
  };
}

const rows: { row: Row; baseline: Row }[] = [];
const espeak = createEspeakNgTextToSpeech();
const wasmLoad = performance.now();
const wasm = createEspeakNgWasmTextToSpeech();
await wasm.voices();
const wasmLoadMs = performance.now() - wasmLoad;
for (const [text, label] of [
  [frenchText, 'short French, 2 sentences'],
  [longFrenchText, 'long French, 3 paragraphs'],
] as const) {
  const baseline = baselineRow(await repeat(runs, () => wholeProcess(text)), label);
  rows.push({ row: baseline, baseline });
  rows.push({
    row: await ttsRow('espeak-ng', espeak, 'one process per segment, streamed', text, label),
    baseline,
  });
  rows.push({
    row: await ttsRow(
      'espeak-ng-wasm',
      wasm,
      `streamed; module load ${wasmLoadMs.toFixed(0)} ms once, not counted`,
      text,
      label,
    ),
    baseline,
  });
}

const jfk = downmixToMono(await readWavFile(join(dataDir, 'audio', 'en', 'jfk.wav')));
const jfkSeconds = jfk.samples.length / jfk.sampleRate;
const reference = readFileSync(join(dataDir, 'audio', 'en', 'jfk.txt'), 'utf8');
const pocketsphinx = createPocketsphinxSpeechToText();
let transcript = '';
const sttSamples = await repeat(Math.min(runs, 3), async () => {
  const started = performance.now();
  transcript = (await pocketsphinx.transcribe(jfk)).text;
  return performance.now() - started;
});
const wer = wordErrorRate(reference, transcript).rate;
rows.push({
  baseline: rows[0]?.baseline as Row,
  row: {
    engine: 'pocketsphinx',
    task: 'jfk.wav free-form',
    firstAudioMs: null,
    totalMs: median(sttSamples),
    audioSeconds: jfkSeconds,
    realTimeFactor: median(sttSamples) / 1000 / jfkSeconds,
    note: `WER ${wer?.toFixed(3)} (not tuned)`,
  },
});
const command = await createEspeakNgTextToSpeech().synthesize('Turn on the kitchen light.', {
  voice: 'en-us',
});
const commandSeconds = command.samples.length / command.sampleRate;
const phrases = [
  'turn on the kitchen light',
  'turn off the kitchen light',
  'play some music',
  'what time is it',
];
const grammarSamples = await repeat(Math.min(runs, 3), async () => {
  const started = performance.now();
  await pocketsphinx.transcribe(command, { phrases });
  return performance.now() - started;
});
rows.push({
  baseline: rows[0]?.baseline as Row,
  row: {
    engine: 'pocketsphinx',
    task: 'espeak command, phrase list',
    firstAudioMs: null,
    totalMs: median(grammarSamples),
    audioSeconds: commandSeconds,
    realTimeFactor: median(grammarSamples) / 1000 / commandSeconds,
    note: 'JSGF grammar of 4 phrases',
  },
});

const vad = createSileroVad({ modelPath: join(dataDir, 'models', 'silero-vad', 'silero_vad.onnx') });
await vad.detect(jfk.samples, jfk.sampleRate); // session creation, not counted
const vadSamples = await repeat(runs, async () => {
  const started = performance.now();
  await vad.detect(jfk.samples, jfk.sampleRate);
  return performance.now() - started;
});
await vad.close();
rows.push({
  baseline: rows[0]?.baseline as Row,
  row: {
    engine: 'silero-vad',
    task: 'jfk.wav',
    firstAudioMs: null,
    totalMs: median(vadSamples),
    audioSeconds: jfkSeconds,
    realTimeFactor: median(vadSamples) / 1000 / jfkSeconds,
    note: 'onnxruntime-node, 1 thread, 16 kHz',
  },
});

const format = (value: number | null, digits = 1) => (value === null ? '—' : value.toFixed(digits));
const lines = [
  `Voice benchmark — median of ${runs} runs (pocketsphinx: ${Math.min(runs, 3)}), ${new Date().toISOString()}`,
  '',
  '| engine | task | first audio (ms) | vs whole process | total (ms) | audio (s) | RTF | note |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map(({ row, baseline }) => {
    const ratio =
      row.firstAudioMs !== null && baseline.firstAudioMs
        ? `${(row.firstAudioMs / baseline.firstAudioMs).toFixed(2)}×`
        : '—';
    return `| ${row.engine} | ${row.task} | ${format(row.firstAudioMs)} | ${ratio} | ${format(row.totalMs)} | ${format(row.audioSeconds, 2)} | ${format(row.realTimeFactor, 4)} | ${row.note} |`;
  }),
  '',
  'Targets: first audio ≤ 50 ms on the espeak-ng path; VAD RTF ≤ 0.01.',
];
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(
  outPath,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      runs,
      texts: { short: frenchText, long: longFrenchText },
      wasmLoadMs,
      jfkTranscript: transcript,
      jfkWordErrorRate: wer,
      rows: rows.map(({ row, baseline }) => ({
        ...row,
        firstAudioVsWholeProcess:
          row.firstAudioMs !== null && baseline.firstAudioMs
            ? row.firstAudioMs / baseline.firstAudioMs
            : null,
      })),
    },
    null,
    2,
  )}\n`,
);
process.stderr.write(`wrote ${outPath}\n`);

// VocalBrain's first-audio target (issue 14): the time to the first audio through VocalBrain's
// streaming API (`POST /v1/audio/speech` with `stream_format: "audio"`, a `vocalbrain serve`
// process on this machine) against the engine's own `stream()` in this process, for espeak-ng and
// Piper (the installed joe voice, in its long-lived worker), measured side by side in one run: each
// round asks the engine, then VocalBrain, so both see the same machine load. Target: VocalBrain at
// most 50 ms above the engine. Needs espeak-ng; Piper needs `pnpm klody-models install`.
// Run from the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/vocalbrain/first-audio-bench.ts [--runs 9] [--out file.json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createEspeakNgTextToSpeech,
  createPiperTextToSpeech,
  installedPiperVoices,
  type TextToSpeech,
} from '../../../packages/voice/src/index.js';
import { median } from '../repeated-runs.js';
import { repositoryRoot } from '../voice/shared-data.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
const runs = Number(values.runs ?? 9);
const outPath = resolve(values.out ?? join(here, 'last-run.json'));
const targetMs = 50;
type Format = 'wav' | 'pcm';
const formats: readonly Format[] = ['wav', 'pcm'];

// A short sentence, and a paragraph whose first sentence is as short: streaming answers the first
// sentence before the others are synthesised, so both should start about as soon.
const texts = {
  sentence: 'The kitchen light is on, and the oven will be ready in a few minutes.',
  paragraph:
    'Good morning. Today will be cloudy, with a little rain in the afternoon and a light wind from the west. Your first meeting starts at nine, in the small room on the second floor.',
};

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

/**
 * Milliseconds to the engine's first chunk (its own stream, in this process). The rest is read to
 * the end, untimed, as VocalBrain's answers are below: an abandoned stream could leave work behind
 * that the next round would wait for.
 */
async function engineFirstAudio(tts: TextToSpeech, text: string, voice: string): Promise<number> {
  const started = performance.now();
  let first: number | null = null;
  for await (const _chunk of tts.stream(text, { voice })) first ??= performance.now() - started;
  if (first === null) throw new Error(`${tts.id} gave no audio`);
  return first;
}

/**
 * Milliseconds to the first audio bytes of VocalBrain's streamed answer: `wav` at the engine's own
 * rate (the 44-byte header comes first and is not audio), or OpenAI's `pcm`, which is 24 kHz, so
 * VocalBrain resamples it block by block as it sends it.
 */
async function vocalbrainFirstAudio(
  url: string,
  model: string,
  text: string,
  format: Format,
): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: text, response_format: format, stream_format: 'audio' }),
  });
  if (!response.ok || !response.body)
    throw new Error(`${model}: ${response.status} ${await response.text()}`);
  const headerBytes = format === 'wav' ? 44 : 0;
  let received = 0;
  let first: number | null = null;
  for await (const part of response.body) {
    received += part.byteLength;
    if (received > headerBytes) first ??= performance.now() - started;
  }
  if (first === null) throw new Error(`${model}: the answer held no audio`);
  return first;
}

interface Row {
  engine: string;
  text: keyof typeof texts;
  format: Format;
  engineMs: number;
  vocalbrainMs: number;
  overheadMs: number;
  withinTarget: boolean;
  engineRuns: number[];
  vocalbrainRuns: number[];
}

const home = mkdtempSync(join(tmpdir(), 'vocalbrain-bench-'));
const port = await freePort();
const server = spawn(
  process.execPath,
  [
    '--conditions=@klody/source',
    '--import',
    'tsx',
    'apps/vocalbrain/src/cli.ts',
    'serve',
    '--port',
    String(port),
  ],
  {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      KLODY_HOME: home,
      KLODY_GATEWAY_URL: 'none',
      KLODY_VOCALBRAIN_CALIBRATE: '0',
      KLODY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const url = `http://127.0.0.1:${port}`;
const rows: Row[] = [];
const engines: {
  name: string;
  model: string;
  voice: string;
  tts: TextToSpeech;
  close?: () => Promise<void>;
}[] = [];
try {
  await waitForHealth(`${url}/health`, 60_000);
  engines.push({
    name: 'espeak-ng',
    model: 'espeak-ng/en-us',
    voice: 'en-us',
    tts: createEspeakNgTextToSpeech(),
  });
  const piperVoice = installedPiperVoices({ from: repositoryRoot })[0];
  if (piperVoice?.python) {
    const piper = createPiperTextToSpeech({
      voices: [{ id: piperVoice.id, model: piperVoice.model }],
      python: piperVoice.python,
      // As VocalBrain runs it (engine-set.ts): no sampling noise.
      noiseScale: 0,
      noiseWidth: 0,
    });
    engines.push({
      name: 'piper',
      model: `piper/${piperVoice.id}`,
      voice: piperVoice.id,
      tts: piper,
      close: () => piper.close(),
    });
  } else {
    process.stderr.write(
      'first-audio-bench: Piper is not installed (pnpm klody-models install): espeak-ng only\n',
    );
  }
  for (const engine of engines) {
    // Both sides load the voice before anything is timed.
    await engineFirstAudio(engine.tts, 'Warming up.', engine.voice);
    await vocalbrainFirstAudio(url, engine.model, 'Warming up.', 'wav');
    for (const [name, text] of Object.entries(texts) as [keyof typeof texts, string][]) {
      for (const format of formats) {
        const engineRuns: number[] = [];
        const vocalbrainRuns: number[] = [];
        for (let round = 0; round < runs; round++) {
          engineRuns.push(await engineFirstAudio(engine.tts, text, engine.voice));
          vocalbrainRuns.push(await vocalbrainFirstAudio(url, engine.model, text, format));
        }
        const engineMs = median(engineRuns);
        const vocalbrainMs = median(vocalbrainRuns);
        rows.push({
          engine: engine.name,
          text: name,
          format,
          engineMs,
          vocalbrainMs,
          overheadMs: vocalbrainMs - engineMs,
          withinTarget: vocalbrainMs - engineMs <= targetMs,
          engineRuns,
          vocalbrainRuns,
        });
      }
    }
  }
} finally {
  for (const engine of engines) await engine.close?.();
  server.kill('SIGTERM');
  await new Promise((done) => server.once('exit', done));
  rmSync(home, { recursive: true, force: true });
}

const load = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const lines = [
  `VocalBrain first audio — median of ${runs} alternating runs, ${new Date().toISOString()}, load average ${load}`,
  '',
  `| engine | text | VocalBrain format | engine's own stream (ms) | through VocalBrain (ms) | overhead (ms) | ≤ ${targetMs} ms |`,
  '| --- | --- | --- | ---: | ---: | ---: | :---: |',
  ...rows.map(
    (row) =>
      `| ${row.engine} | ${row.text} | ${row.format} | ${row.engineMs.toFixed(1)} | ${row.vocalbrainMs.toFixed(1)} | ${row.overheadMs.toFixed(1)} | ${row.withinTarget ? 'yes' : 'no'} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(
  outPath,
  `${JSON.stringify({ date: new Date().toISOString(), runs, targetMs, loadAverage: loadavg(), texts, rows }, null, 2)}\n`,
);
process.stderr.write(`first-audio-bench: wrote ${outPath}\n`);
process.exit(rows.every((row) => row.withinTarget) ? 0 : 1);

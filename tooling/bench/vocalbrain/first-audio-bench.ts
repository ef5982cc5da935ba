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

/** Milliseconds to the engine's first chunk (its own stream, in this process). */
async function engineFirstAudio(tts: TextToSpeech, text: string, voice: string): Promise<number> {
  const started = performance.now();
  const iterator = tts.stream(text, { voice })[Symbol.asyncIterator]();
  const first = await iterator.next();
  const elapsed = performance.now() - started;
  if (first.done) throw new Error(`${tts.id} gave no audio`);
  await iterator.return?.();
  return elapsed;
}

/** Milliseconds to the first audio bytes of VocalBrain's streamed answer (raw PCM: no header first). */
async function vocalbrainFirstAudio(url: string, model: string, text: string): Promise<number> {
  const controller = new AbortController();
  const started = performance.now();
  const response = await fetch(`${url}/v1/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: text, response_format: 'pcm', stream_format: 'audio' }),
    signal: controller.signal,
  });
  if (!response.ok || !response.body)
    throw new Error(`${model}: ${response.status} ${await response.text()}`);
  const reader = response.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${model}: the answer held no audio`);
    if (value.byteLength > 0) break;
  }
  const elapsed = performance.now() - started;
  controller.abort();
  await reader.cancel().catch(() => {});
  return elapsed;
}

interface Row {
  engine: string;
  text: keyof typeof texts;
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
    await vocalbrainFirstAudio(url, engine.model, 'Warming up.');
    for (const [name, text] of Object.entries(texts) as [keyof typeof texts, string][]) {
      const engineRuns: number[] = [];
      const vocalbrainRuns: number[] = [];
      for (let round = 0; round < runs; round++) {
        engineRuns.push(await engineFirstAudio(engine.tts, text, engine.voice));
        vocalbrainRuns.push(await vocalbrainFirstAudio(url, engine.model, text));
      }
      const engineMs = median(engineRuns);
      const vocalbrainMs = median(vocalbrainRuns);
      rows.push({
        engine: engine.name,
        text: name,
        engineMs,
        vocalbrainMs,
        overheadMs: vocalbrainMs - engineMs,
        withinTarget: vocalbrainMs - engineMs <= targetMs,
        engineRuns,
        vocalbrainRuns,
      });
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
  `| engine | text | engine's own stream (ms) | through VocalBrain (ms) | overhead (ms) | ≤ ${targetMs} ms |`,
  '| --- | --- | ---: | ---: | ---: | :---: |',
  ...rows.map(
    (row) =>
      `| ${row.engine} | ${row.text} | ${row.engineMs.toFixed(1)} | ${row.vocalbrainMs.toFixed(1)} | ${row.overheadMs.toFixed(1)} | ${row.withinTarget ? 'yes' : 'no'} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(
  outPath,
  `${JSON.stringify({ date: new Date().toISOString(), runs, targetMs, loadAverage: loadavg(), texts, rows }, null, 2)}\n`,
);
process.stderr.write(`first-audio-bench: wrote ${outPath}\n`);
process.exit(rows.every((row) => row.withinTarget) ? 0 : 1);

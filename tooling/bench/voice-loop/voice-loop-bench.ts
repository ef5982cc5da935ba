// The voice loop's latency, turn by turn (not part of CI). From the repository root:
//   pnpm bench voice-loop                      (or: pnpm exec tsx --conditions=@klody/source tooling/bench/voice-loop/voice-loop-bench.ts [--runs 2])
// The real parts: the gateway's command (a process) serving Gemma 3 270M on its embedded worker
// (greedy, max_tokens 64), Library Brain (a process) holding Candide and Alice, VocalBrain (a process:
// Whisper base through faster-whisper, Piper or espeak-ng by language). The agent and its voice
// session run in this process (Silero VAD), fed by `agent talk`'s own driver: each recording streamed
// in real time, then silence, like a microphone. Recordings: the six shared French voice commands,
// jfk.wav, and four questions about the books spoken by VocalBrain (two French, two English).
// Every turn's metrics are the session's own (the same as `/metrics`). The baseline, measured in the
// same run and on the same turns: the sequential loop the seeds had — wait for the whole answer, then
// speak it at once — whose end-to-end is end of turn + transcription + the model's whole answer +
// VocalBrain's time to speak the whole answer (measured right after each turn).
// `--tools books` (default): every turn searches the books first (search_books, required-first);
// `--tools none`: the model answers at once. Prints tables and writes last-run-<tools>.json here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runTalk, type TalkTurn } from '../../../apps/agent/src/cli/talk.js';
import { readConfig } from '../../../apps/agent/src/config/config.js';
import { openAgent } from '../../../apps/agent/src/open-agent.js';
import { createVocalBrainClient } from '../../../apps/agent/src/organs/vocalbrain-client.js';
import { voiceLoopFromConfig } from '../../../apps/agent/src/voice/voice-session-from-config.js';
import { renderTable } from '../../../packages/service/src/index.js';
import { readWavFile, toMonoAt } from '../../../packages/voice/src/index.js';
import {
  createProcessReaper,
  freePort,
  gemmaEmbeddedWorkerEntry,
  startGatewayProcess,
  startLibraryBrain,
  startVocalBrain,
  testDataPath,
} from '../../test-helpers/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1' }, tools: { type: 'string', default: 'books' } },
});
const runs = Number(values.runs);
// books: search_books with required-first (every turn searches the books first: two model steps);
// none: the model answers directly (auto tool choice: this base model never calls a tool).
const tools = values.tools;
if (!Number.isInteger(runs) || runs < 1 || (tools !== 'books' && tools !== 'none')) {
  process.stderr.write('usage: voice-loop-bench.ts [--runs <n ≥ 1>] [--tools books|none]\n');
  process.exit(2);
}
const log = (message: string) => process.stderr.write(`[voice-loop] ${message}\n`);

const spokenQuestions = [
  { name: 'q-fr-pangloss', language: 'fr', text: 'Que dit Pangloss dans le château du baron ?' },
  { name: 'q-fr-candide', language: 'fr', text: 'Où va Candide après avoir quitté le château ?' },
  { name: 'q-en-rabbit', language: 'en', text: 'What does the White Rabbit take out of its pocket?' },
  { name: 'q-en-alice', language: 'en', text: 'Who does Alice meet at the tea party?' },
];
const sharedRecordings = [
  ...[
    'allume-la-lumiere',
    'allume-le-bureau-en-rouge',
    'allume-le-rez-de-chaussee-a-80-pourcent',
    'allume-les-lumieres-dans-la-chambre',
    'allume-toutes-les-lumieres',
    'combien-fait-il-dans-le-bureau',
  ].map((name) => ({ name, language: 'fr', path: testDataPath('audio', 'fr', `${name}.wav`) })),
  { name: 'jfk', language: 'en', path: testDataPath('audio', 'en', 'jfk.wav') },
];

interface MeasuredTurn {
  recording: string;
  language: string;
  run: number;
  transcript: string;
  answer: string;
  metrics: TalkTurn['metrics'];
  /** VocalBrain's time to speak the whole answer at once (the baseline's last stage). */
  wholeAnswerSpeechMs: number;
  /** The sequential loop's end to end: end of turn + transcription + model total + whole speech. */
  sequentialEndToEndMs: number | null;
}

const percentile = (values: readonly number[], share: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] as number;
};
const seconds = (milliseconds: number) =>
  Number.isNaN(milliseconds) ? '–' : (milliseconds / 1000).toFixed(2);

const reaper = createProcessReaper();
const home = mkdtempSync(join(tmpdir(), 'klody-voice-loop-bench-'));
try {
  log('starting the gateway (Gemma 3 270M), Library Brain and VocalBrain');
  const gateway = await startGatewayProcess(reaper, {
    home,
    budgetGb: 4,
    workers: [
      {
        ...gemmaEmbeddedWorkerEntry(await freePort(), { contextSize: 4096 }),
        defaults: { max_tokens: 64, temperature: 0 },
      },
    ],
  });
  const books = join(home, 'books');
  mkdirSync(books);
  writeFileSync(join(books, 'candide.txt'), readFileSync(testDataPath('books', 'fr', 'Candide.txt')));
  writeFileSync(join(books, 'alice.txt'), readFileSync(testDataPath('books', 'en', '11-0.txt')));
  const library = await startLibraryBrain(reaper, { home: join(home, 'library-home'), roots: [books] });
  await library.ingest([books]);
  const vocalURL = (await startVocalBrain(reaper, { home: join(home, 'vocal-home') })).url;
  const vocal = createVocalBrainClient({ url: vocalURL, timeoutMs: 180_000 });

  const recordings: Array<{ name: string; language: string; samples: Float32Array }> = [];
  for (const question of spokenQuestions) {
    const { audio } = await vocal.speak(question.text);
    const path = join(home, `${question.name}.wav`);
    writeFileSync(path, audio);
    recordings.push({
      name: question.name,
      language: question.language,
      samples: toMonoAt(await readWavFile(path)).samples,
    });
  }
  for (const recording of sharedRecordings)
    recordings.push({
      name: recording.name,
      language: recording.language,
      samples: toMonoAt(await readWavFile(recording.path)).samples,
    });

  // When the model stops to ask (a repeated search, an approval), the user says « non »: the turn ends.
  const { audio: refusal } = await vocal.speak('Non.');
  writeFileSync(join(home, 'non.wav'), refusal);
  const answerWith = toMonoAt(await readWavFile(join(home, 'non.wav'))).samples;

  const config = readConfig({
    KLODY_HOME: join(home, 'agent-home'),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: library.url,
    KLODY_VOCALBRAIN_URL: vocalURL,
    KLODY_AGENT_TOOL_CHOICE: tools === 'books' ? 'required-first' : 'auto',
    KLODY_AGENT_TOOLS: tools === 'books' ? 'search_books' : 'current_time',
    KLODY_LOG_LEVEL: 'warn',
  });
  const opened = await openAgent(config);
  const loop = voiceLoopFromConfig(config, opened);
  const turns: MeasuredTurn[] = [];
  // Recordings that gave no turn (nothing recognized), reported rather than dropped.
  const missed: Array<{ recording: string; run: number; errors: unknown }> = [];
  try {
    // One warm-up turn (models load on first use): not counted.
    log('warm-up turn');
    await runTalk({
      openVoiceSession: loop.openVoiceSession,
      recordings: [recordings[0]?.samples ?? new Float32Array()],
      approvals: 'deny',
    });
    for (let run = 1; run <= runs; run++) {
      for (const recording of recordings) {
        const result = await runTalk({
          openVoiceSession: loop.openVoiceSession,
          recordings: [recording.samples],
          approvals: 'deny',
          language: recording.language,
          answerWith,
        });
        const turn = result.turns.at(-1);
        if (!turn) {
          log(`${recording.name}: no turn (${JSON.stringify(result.errors)})`);
          missed.push({ recording: recording.name, run, errors: result.errors });
          continue;
        }
        const started = performance.now();
        // What Klody said (answer and questions): the baseline speaks it all at once.
        const said = turn.spoken.trim();
        if (said) await vocal.speak(said);
        const wholeAnswerSpeechMs = said ? performance.now() - started : 0;
        const { endOfTurnMs, transcriptionMs, modelTotalMs } = turn.metrics;
        const sequentialEndToEndMs =
          endOfTurnMs === null || transcriptionMs === null || modelTotalMs === null
            ? null
            : endOfTurnMs + transcriptionMs + modelTotalMs + wholeAnswerSpeechMs;
        turns.push({
          recording: recording.name,
          language: recording.language,
          run,
          transcript: turn.transcript,
          answer: turn.answer,
          metrics: turn.metrics,
          wholeAnswerSpeechMs,
          sequentialEndToEndMs,
        });
        log(
          `run ${run} ${recording.name}: end to end ${seconds(turn.metrics.endToEndMs ?? Number.NaN)} s — “${turn.transcript}”`,
        );
      }
    }
  } finally {
    await loop.close();
    await opened.close();
  }

  const stages = [
    ['end of turn (VAD silence)', 'endOfTurnMs'],
    ['transcription', 'transcriptionMs'],
    ['model first token', 'modelFirstTokenMs'],
    ['model first sentence', 'modelFirstSentenceMs'],
    ['speech first byte', 'speechFirstByteMs'],
    ['end to end', 'endToEndMs'],
    ['model whole answer', 'modelTotalMs'],
  ] as const;
  const valuesOf = (key: (typeof stages)[number][1]) =>
    turns.map((turn) => turn.metrics[key]).filter((value): value is number => value !== null);
  const meanEndToEnd =
    valuesOf('endToEndMs').reduce((sum, value) => sum + value, 0) /
    Math.max(1, valuesOf('endToEndMs').length);
  const stageRows = stages.map(([label, key]) => {
    const found = valuesOf(key);
    const mean = found.reduce((sum, value) => sum + value, 0) / Math.max(1, found.length);
    const share = ['endOfTurnMs', 'transcriptionMs', 'modelFirstSentenceMs', 'speechFirstByteMs'].includes(
      key,
    )
      ? `${Math.round((mean / meanEndToEnd) * 100)} %`
      : '';
    return [
      label,
      String(found.length),
      seconds(percentile(found, 0.5)),
      seconds(percentile(found, 0.95)),
      share,
    ];
  });
  const sequential = turns
    .map((turn) => turn.sequentialEndToEndMs)
    .filter((value): value is number => value !== null);
  const streamedP50 = percentile(valuesOf('endToEndMs'), 0.5);
  const sequentialP50 = percentile(sequential, 0.5);
  const comparison = [
    ['streamed by sentence (Klody)', seconds(streamedP50), seconds(percentile(valuesOf('endToEndMs'), 0.95))],
    [
      'sequential: whole answer, then its speech (baseline)',
      seconds(sequentialP50),
      seconds(percentile(sequential, 0.95)),
    ],
    ['ratio streamed ÷ sequential (p50)', (streamedP50 / sequentialP50).toFixed(2), ''],
  ];
  const firstVsWhole = [
    ['model first sentence p50 (s)', seconds(percentile(valuesOf('modelFirstSentenceMs'), 0.5))],
    ['model whole answer p50 (s)', seconds(percentile(valuesOf('modelTotalMs'), 0.5))],
    [
      'first sentence ÷ whole answer (p50)',
      (percentile(valuesOf('modelFirstSentenceMs'), 0.5) / percentile(valuesOf('modelTotalMs'), 0.5)).toFixed(
        2,
      ),
    ],
  ];
  process.stdout.write(
    `\n### Voice loop, tools ${tools}: ${turns.length} turns (${runs} runs × ${recordings.length} recordings), ${cpus().length} cores\n\n` +
      `${renderTable(['stage', 'turns', 'p50 (s)', 'p95 (s)', 'share of mean end to end'], stageRows).join('\n')}\n\n` +
      `${renderTable(['end to end: user stopped → first audio out', 'p50 (s)', 'p95 (s)'], comparison).join('\n')}\n\n` +
      `${renderTable(['first sentence against the whole answer', ''], firstVsWhole).join('\n')}\n\n` +
      `Recordings that gave no turn: ${missed.length === 0 ? 'none' : missed.map((miss) => miss.recording).join(', ')}. ` +
      `Turns without an end to end (Klody said nothing: interrupted first, or an answer with nothing to say): ${turns.length - valuesOf('endToEndMs').length}.\n` +
      `Targets: end to end p50 ≤ 1.5 s, p95 ≤ 3 s.\n`,
  );
  writeFileSync(
    join(here, `last-run-${tools}.json`),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        cores: cpus().length,
        runs,
        tools,
        recordings: recordings.map((recording) => recording.name),
        endToEnd: { p50: streamedP50, p95: percentile(valuesOf('endToEndMs'), 0.95) },
        sequentialEndToEnd: { p50: sequentialP50, p95: percentile(sequential, 0.95) },
        missed,
        turns,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await reaper.reapAll(10_000);
  rmSync(home, { recursive: true, force: true });
}

// Where an agent turn's time goes (not part of CI). From the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/agent/turn-timing-bench.ts [--runs 5] [--think-ms 200]
// The real parts, as apps/agent/test/real-agent.test.ts starts them: the gateway's command (a process)
// serving Gemma 3 270M on its embedded worker (1 thread, greedy, max_tokens 64) and Library Brain (a
// process, no gateway: lexical search) holding one shared book. The agent runs in this process, on a
// fresh SQLite file, with toolChoice `required-first` (the base model never calls a tool otherwise).
// Each run has two turns, each in a new session:
//   - question: the same question about the book every run, tools search_books + remove_book (a read
//     tool runs; should the model pick remove_book, the scripted user denies it at once);
//   - approval: "remove the book", tools remove_book only, so that the first step must ask for an
//     approval; the scripted user thinks --think-ms, then denies (the book stays).
// The split is the agent's own (`turn-end` timing): model, tools, approvals waiting (from the approval's
// creation to its decision: the user's think time plus the agent's hand-over), total; the agent's
// overhead is what is left. The baseline, measured in the same run: the chat completions the agent
// sent during the turn (recorded on the way out) sent again as they are, directly with fetch. Greedy
// decoding makes the replay generate the same tokens, and the embedded worker gives each request a
// fresh sequence (no prompt cache), so the replay costs what the model costs without the agent.
// Prints tables and writes tooling/bench/agent/turn-timing.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AgentEvent, TurnTiming } from '../../../apps/agent/src/agent/agent-events.js';
import {
  type CreatedAgent,
  createAgent,
  createApprovalStore,
  createDefaultTools,
  createGatewayModel,
} from '../../../apps/agent/src/index.js';
import { createAgentMemory } from '../../../apps/agent/src/memory/index.js';
import { openAgentDatabase } from '../../../apps/agent/src/store/open-agent-database.js';
import { renderTable } from '../../../packages/service/src/index.js';
import {
  createProcessReaper,
  freePorts,
  gemmaEmbeddedWorkerEntry,
  installedModel,
  testDataPath,
  waitForHttp,
} from '../../test-helpers/src/index.js';
import { log, repository, round2 } from '../models/gateway-process.js';
import { median } from '../repeated-runs.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'think-ms': { type: 'string', default: '200' } },
});
const runs = Number(values.runs);
const thinkMs = Number(values['think-ms']);
if (!Number.isInteger(runs) || runs < 1 || !(thinkMs >= 0)) {
  process.stderr.write('usage: turn-timing-bench.ts [--runs <n ≥ 1>] [--think-ms <ms ≥ 0>]\n');
  process.exit(2);
}

// One question for every run: greedy decoding then makes every run's turn the same requests, so that a
// run can replay the previous run's requests before its own turn (see measureTurn).
const question = 'In my books, what does the White Rabbit take out of its waistcoat-pocket?';
const removal = "Remove the book Alice's Adventures in Wonderland from my library.";
const maxTokens = 64;

const gatewayCli = join(repository, 'apps', 'gateway', 'src', 'cli.ts');
const gatewayCommand = ['--conditions=@klody/source', '--import', 'tsx', gatewayCli];

/** A chat completion the agent sent, as it went out, and how many tokens its answer had. */
interface RecordedCall {
  body: string;
  completionTokens: number | null;
}

/** The last `completion_tokens` of a JSON or SSE answer (the usage chunk comes last in a stream). */
function completionTokens(text: string): number | null {
  const found = [...text.matchAll(/"completion_tokens":\s*(\d+)/g)].at(-1);
  return found ? Number(found[1]) : null;
}

/** fetch for the agent's model: passes every request on and keeps a copy of the chat completions. */
function recordingFetch(calls: RecordedCall[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith('/chat/completions') && typeof init?.body === 'string') {
      const call: RecordedCall = { body: init.body, completionTokens: null };
      calls.push(call);
      // A clone reads the same stream as the SDK does; the count is there once the turn has ended.
      response
        .clone()
        .text()
        .then(
          (text) => {
            call.completionTokens = completionTokens(text);
          },
          () => {},
        );
    }
    return response;
  };
}

/** The same request sent directly, read to its end. */
async function directCall(gatewayURL: string, body: string): Promise<{ ms: number; tokens: number | null }> {
  const started = performance.now();
  const response = await fetch(`${gatewayURL}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`direct call: status ${response.status} ${text.slice(0, 300)}`);
  return { ms, tokens: completionTokens(text) };
}

/** Requests sent directly one after the other, as the agent sends them: their total time and tokens. */
async function replay(gatewayURL: string, bodies: readonly string[]) {
  let ms = 0;
  let tokens = 0;
  for (const body of bodies) {
    const direct = await directCall(gatewayURL, body);
    ms += direct.ms;
    tokens += direct.tokens ?? 0;
  }
  return { ms, tokens };
}

async function collect(stream: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of stream) {
    // A failed model call or a refused request would make the figures meaningless: stop the bench.
    if (event.type === 'error') throw new Error(`agent error ${event.code}: ${event.message}`);
    events.push(event);
  }
  return events;
}

interface DrivenTurn {
  timing: TurnTiming;
  steps: string[];
  stop: string | null;
  answer: string;
  decisions: number;
}

/**
 * One turn as a scripted user lives it: the message, then, each time the turn stops on pending
 * approvals, `think` milliseconds and a denial of each (a denied call never runs).
 */
async function driveTurn(agent: CreatedAgent, message: string, think: number): Promise<DrivenTurn> {
  let events = await collect(agent.send({ message }));
  let decisions = 0;
  for (;;) {
    const end = events.findLast((event) => event.type === 'turn-end');
    if (end?.type !== 'turn-end') throw new Error('a turn ended without turn-end');
    const stop = events.findLast((event) => event.type === 'stop');
    const stopReason = stop?.type === 'stop' ? stop.reason : null;
    const requests = events.filter((event) => event.type === 'approval-request');
    if (stopReason !== 'approval_pending' || decisions >= 4) {
      return {
        timing: end.timing,
        steps: end.steps.map((step) => `${step.tool}:${step.approval}/${step.status}`),
        stop: stopReason,
        answer: end.answer,
        decisions,
      };
    }
    if (think > 0) await new Promise((resolve) => setTimeout(resolve, think));
    for (const request of requests) {
      decisions += 1;
      events = await collect(
        agent.decide({ sessionId: end.sessionId, approvalId: request.approvalId, decision: 'deny' }),
      );
    }
  }
}

type Kind = 'question' | 'approval';

/** A turn's figures in milliseconds, and the two ratios; the table's columns, in order. */
const figures = [
  'modelMs',
  'toolsMs',
  'approvalsWaitingMs',
  'totalMs',
  'overheadMs',
  'directModelMs',
  'modelOverDirect',
  'activeOverDirectPlusTools',
] as const;
type Figures = Record<(typeof figures)[number], number>;

interface TurnResult extends Omit<DrivenTurn, 'timing'>, Figures {
  run: number;
  kind: Kind;
  message: string;
  thinkMs: number;
  /** When the direct calls ran: after the turn (its own requests) or before (the previous run's). */
  directOrder: 'after' | 'before';
  modelCalls: number;
  agentCompletionTokens: number;
  directCompletionTokens: number;
}

/**
 * One turn and its baseline. The direct calls run after the turn in odd runs and before it in even
 * runs (the previous run's requests of the same kind: greedy, they are this turn's, tool call ids
 * aside), so that a drift of the shared machine's load weighs on both sides alike.
 */
async function measureTurn(input: {
  agent: CreatedAgent;
  calls: RecordedCall[];
  gatewayURL: string;
  run: number;
  kind: Kind;
  message: string;
  think: number;
  previous: readonly string[] | null;
}): Promise<TurnResult> {
  const { calls, gatewayURL, run, kind } = input;
  const directFirst = input.previous !== null && run % 2 === 0;
  const before = directFirst ? await replay(gatewayURL, input.previous ?? []) : null;
  calls.length = 0;
  const { timing, ...turn } = await driveTurn(input.agent, input.message, input.think);
  const recorded = [...calls];
  const direct =
    before ??
    (await replay(
      gatewayURL,
      recorded.map((call) => call.body),
    ));
  const { modelMs, toolsMs, approvalsWaitingMs, totalMs } = timing;
  const result: TurnResult = {
    run,
    kind,
    message: input.message,
    thinkMs: input.think,
    directOrder: directFirst ? 'before' : 'after',
    ...turn,
    ...timing,
    // What the agent itself costs: its loop, SQLite writes, the SDK's parsing, event delivery.
    overheadMs: round2(totalMs - modelMs - toolsMs - approvalsWaitingMs),
    directModelMs: round2(direct.ms),
    modelOverDirect: round2(modelMs / direct.ms),
    // The user's think time is not the agent's cost: the active part of the turn over its parts.
    activeOverDirectPlusTools: round2((totalMs - approvalsWaitingMs) / (direct.ms + toolsMs)),
    modelCalls: recorded.length,
    agentCompletionTokens: recorded.reduce((sum, call) => sum + (call.completionTokens ?? 0), 0),
    directCompletionTokens: direct.tokens,
  };
  log(
    `run ${run} ${kind}: ${JSON.stringify(timing)}, direct model (${result.directOrder}) ${result.directModelMs} ms, steps ${turn.steps.join(' ')}`,
  );
  return result;
}

async function main(): Promise<void> {
  const uptimeAtStart = execFileSync('uptime', { encoding: 'utf8' }).trim();
  log(`uptime at start: ${uptimeAtStart}`);
  const reaper = createProcessReaper();
  const home = mkdtempSync(join(tmpdir(), 'klody-bench-agent-'));
  // Once, whoever asks first (the end of the run, a failure, Ctrl-C). The gateway's workers lead process
  // groups of their own: `gateway stop --workers` reaches them even when the gateway was killed.
  let stopped: Promise<void> | null = null;
  const stopEverything = () => {
    stopped ??= (async () => {
      await reaper.reapAll(10_000);
      spawnSync(process.execPath, [...gatewayCommand, 'stop', '--workers'], {
        cwd: repository,
        env: { ...process.env, KLODY_HOME: join(home, 'gateway-home') },
        timeout: 20_000,
      });
      rmSync(home, { recursive: true, force: true });
    })();
    return stopped;
  };
  // `on`, not `once`: while a listener remains, the reaper's own signal hook does not re-raise the
  // signal (which would end this process before the workers are stopped).
  const onSignal = (signal: NodeJS.Signals) => {
    void stopEverything().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let database: ReturnType<typeof openAgentDatabase> | null = null;
  try {
    const [gatewayPort, workerPort, libraryPort] = (await freePorts(3)) as [number, number, number];
    const gatewayURL = `http://127.0.0.1:${gatewayPort}`;
    const libraryURL = `http://127.0.0.1:${libraryPort}`;
    const registry = join(home, 'registry.json');
    // JSON is YAML. Greedy (temperature 0) so that the direct replay generates the same tokens.
    writeFileSync(
      registry,
      JSON.stringify({
        budgetGb: 4,
        workers: [
          {
            ...gemmaEmbeddedWorkerEntry(workerPort, { contextSize: 4096 }),
            defaults: { max_tokens: maxTokens, temperature: 0 },
          },
        ],
      }),
    );
    const gateway = reaper.spawn(
      process.execPath,
      [
        ...gatewayCommand,
        'start',
        '--config',
        registry,
        '--port',
        String(gatewayPort),
        '--stop-workers-on-exit',
      ],
      {
        cwd: repository,
        env: { ...process.env, KLODY_HOME: join(home, 'gateway-home'), KLODY_LOG_LEVEL: 'warn' },
      },
    );

    const books = join(home, 'books');
    mkdirSync(books);
    writeFileSync(join(books, 'alice.txt'), readFileSync(testDataPath('books', 'en', '11-0.txt')));
    reaper.spawn(
      process.execPath,
      [
        '--conditions=@klody/source',
        '--import',
        'tsx',
        'apps/library-brain/src/cli.ts',
        'serve',
        '--port',
        String(libraryPort),
      ],
      {
        cwd: repository,
        env: {
          ...process.env,
          KLODY_HOME: join(home, 'library-home'),
          KLODY_GATEWAY_URL: 'none',
          KLODY_LIBRARY_ROOTS: books,
          KLODY_LOG_LEVEL: 'warn',
        },
      },
    );
    await gateway.waitForOutput(/klody-gateway ready on/, 60_000);
    await waitForHttp(`${libraryURL}/health`, { timeoutMs: 60_000 });
    const ingest = await fetch(`${libraryURL}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paths: [books] }),
    });
    const ingested = (await ingest.json()) as { added?: number };
    if (ingested.added !== 1) throw new Error(`ingest: ${JSON.stringify(ingested)}`);

    const opened = openAgentDatabase(join(home, 'agent', 'agent.db'));
    database = opened;
    const calls: RecordedCall[] = [];
    const model = createGatewayModel({ baseURL: gatewayURL, model: 'brain', fetch: recordingFetch(calls) });
    const tools = createDefaultTools({
      libraryBrainURL: libraryURL,
      vocalBrainURL: null,
      composeURL: null,
      memory: createAgentMemory({
        connection: opened.connection,
        writeLock: opened.memoryDatabase.writeLock,
      }).facts,
      model,
      audioFolder: join(home, 'audio'),
    });
    const approvals = createApprovalStore(opened.connection);
    const agentWith = (names: string[]) =>
      createAgent({
        model,
        connection: opened.connection,
        tools: tools.filter((tool) => names.includes(tool.name)),
        approvals,
        toolChoice: 'required-first',
        // A tool step, then the answer: as the real-model test, so that a rambling model stops.
        maxSteps: 2,
      });
    const questionAgent = agentWith(['search_books', 'remove_book']);
    const approvalAgent = agentWith(['remove_book']);

    // Loads the worker and pages the weights in; not counted.
    const warmUp = performance.now();
    await directCall(
      gatewayURL,
      JSON.stringify({ model: 'brain', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8 }),
    );
    log(`model loaded and warmed up in ${round2((performance.now() - warmUp) / 1000)} s`);

    const turns: TurnResult[] = [];
    const previousBodies = new Map<Kind, string[]>();
    for (let run = 1; run <= runs; run++) {
      for (const [kind, agent, message, think] of [
        ['question', questionAgent, question, 0],
        ['approval', approvalAgent, removal, thinkMs],
      ] as const) {
        turns.push(
          await measureTurn({
            agent,
            calls,
            gatewayURL,
            run,
            kind,
            message,
            think,
            previous: previousBodies.get(kind) ?? null,
          }),
        );
        previousBodies.set(
          kind,
          calls.map((call) => call.body),
        );
      }
    }
    const uptimeAtEnd = execFileSync('uptime', { encoding: 'utf8' }).trim();

    const summary = (['question', 'approval'] as const).map((kind) => {
      const mine = turns.filter((turn) => turn.kind === kind);
      const medians = Object.fromEntries(
        figures.map((figure) => [figure, round2(median(mine.map((turn) => turn[figure])))]),
      ) as Figures;
      return { kind, turns: mine.length, ...medians };
    });

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      uptimeAtStart,
      uptimeAtEnd,
      model: { name: 'gemma-3-270m', sha256: installedModel('gemma-3-270m').sha256 },
      settings: {
        runs,
        thinkMs,
        maxTokens,
        temperature: 0,
        threads: 1,
        maxSteps: 2,
        toolChoice: 'required-first',
      },
      summary,
      turns,
    };
    writeFileSync(join(here, 'turn-timing.json'), `${JSON.stringify(result, null, 2)}\n`);

    const header = [
      'turn',
      'model ms',
      'tools ms',
      'approvals ms',
      'total ms',
      'agent ms',
      'direct model ms',
      'model/direct',
      'active/(direct+tools)',
    ];
    const cells = (row: Figures) => figures.map((figure) => String(row[figure]));
    const lines = [
      `Agent turn timing, Gemma 3 270M (${result.machine.cpus} cores, 1 thread, greedy, max_tokens ${maxTokens}, ${runs} runs, think time ${thinkMs} ms); ${uptimeAtStart}`,
      '',
      ...renderTable(
        header,
        turns.map((turn) => [`${turn.run} ${turn.kind}`, ...cells(turn)]),
      ),
      '',
      'Medians:',
      ...renderTable(
        header,
        summary.map((row) => [`${row.kind} (${row.turns})`, ...cells(row)]),
      ),
      '',
      'agent ms = total − model − tools − approvals waiting; direct model = the same chat completions sent again directly.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    await questionAgent.close();
    await approvalAgent.close();
  } finally {
    database?.close();
    await stopEverything();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

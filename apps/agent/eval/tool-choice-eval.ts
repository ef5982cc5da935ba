// How often the chat model picks the right tool: each request of tool-choice-requests.json is sent as
// the first message of a new session to the real agent (its default tools, its loop, a real SQLite
// file), with one model step, and the first tool it calls is compared with the one the request needs.
// The organs are not reached (their URLs are off): only the choice and the arguments' validity count.
//
//   pnpm exec tsx --conditions=@klody/source apps/agent/eval/tool-choice-eval.ts \
//     --gateway http://127.0.0.1:8090 [--model brain] [--tool-choice auto|required-first] \
//     [--limit <n>] [--out report.json]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderTable } from '@klody/service';
import { Command } from 'commander';
import type { AgentEvent } from '../src/agent/agent-events.js';
import { createAgent } from '../src/agent/create-agent.js';
import { createApprovalStore } from '../src/approvals/approval-store.js';
import { createGatewayModel } from '../src/loop/gateway-model.js';
import type { ToolChoicePolicy } from '../src/loop/loop-context.js';
import { createAgentMemory } from '../src/memory/agent-memory.js';
import { openAgentDatabase } from '../src/store/open-agent-database.js';
import { createDefaultTools } from '../src/tools/default-tools.js';

export interface ToolChoiceRequest {
  request: string;
  tool: string;
}

export interface ToolChoiceRow {
  request: string;
  expected: string;
  /** The first tool the model called, or null when it answered in text. */
  chosen: string | null;
  right: boolean;
  /** Whether the chosen call's arguments passed its schema (after the loop's local repair). */
  validArguments: boolean | null;
  /** The turn's `error` event, when it failed. */
  error: string | null;
  seconds: number;
}

export interface ToolChoiceReport {
  toolChoice: ToolChoicePolicy;
  model: string;
  total: number;
  right: number;
  noCall: number;
  invalidArguments: number;
  /** Turns that ended with an `error` event (the model call or the agent failed). */
  failedTurns: number;
  /** The right count expected by chance when a tool is always called: total / number of tools. */
  chance: number;
  rows: ToolChoiceRow[];
}

export const requestsPath = new URL('./tool-choice-requests.json', import.meta.url);

export function readRequests(): ToolChoiceRequest[] {
  return (JSON.parse(readFileSync(requestsPath, 'utf8')) as { requests: ToolChoiceRequest[] }).requests;
}

export async function evaluateToolChoice(options: {
  gatewayURL: string;
  model: string;
  toolChoice: ToolChoicePolicy;
  requests: readonly ToolChoiceRequest[];
  onRow?: (row: ToolChoiceRow) => void;
}): Promise<ToolChoiceReport> {
  const home = mkdtempSync(join(tmpdir(), 'klody-tool-choice-'));
  const database = openAgentDatabase(join(home, 'agent.db'));
  try {
    const model = createGatewayModel({ baseURL: options.gatewayURL, model: options.model });
    const memory = createAgentMemory({
      connection: database.connection,
      writeLock: database.memoryDatabase.writeLock,
    });
    const tools = createDefaultTools({
      libraryBrainURL: null,
      vocalBrainURL: null,
      composeURL: null,
      memory: memory.facts,
      model,
      audioFolder: join(home, 'audio'),
    });
    const agent = createAgent({
      model,
      connection: database.connection,
      tools,
      approvals: createApprovalStore(database.connection),
      maxSteps: 1,
      toolChoice: options.toolChoice,
    });
    const rows: ToolChoiceRow[] = [];
    for (const { request, tool } of options.requests) {
      const started = performance.now();
      const events: AgentEvent[] = [];
      for await (const event of agent.send({ message: request })) events.push(event);
      const call = events.find((event) => event.type === 'tool-call');
      const chosen = call?.type === 'tool-call' ? call.tool : null;
      const result = events.find(
        (event) =>
          event.type === 'tool-result' &&
          call?.type === 'tool-call' &&
          event.step.toolCallId === call.toolCallId,
      );
      const invalid =
        result?.type === 'tool-result' &&
        result.step.status === 'failed' &&
        /invalid arguments/i.test(result.step.output ?? '');
      const failure = events.find((event) => event.type === 'error');
      const row: ToolChoiceRow = {
        request,
        expected: tool,
        chosen,
        right: chosen === tool,
        validArguments: chosen === null ? null : !invalid,
        error: failure?.type === 'error' ? `${failure.code}: ${failure.message}` : null,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
      rows.push(row);
      options.onRow?.(row);
    }
    await agent.close();
    return {
      toolChoice: options.toolChoice,
      model: options.model,
      total: rows.length,
      right: rows.filter((row) => row.right).length,
      noCall: rows.filter((row) => row.chosen === null).length,
      invalidArguments: rows.filter((row) => row.validArguments === false).length,
      failedTurns: rows.filter((row) => row.error !== null).length,
      chance: Math.round((rows.length / tools.length) * 10) / 10,
      rows,
    };
  } finally {
    database.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('tool-choice-eval')
    .requiredOption('--gateway <url>', 'the gateway, without /v1')
    .option('--model <alias>', 'the chat model alias', 'brain')
    .option('--tool-choice <policy>', 'auto or required-first', 'required-first')
    .option('--limit <n>', 'only the first n requests', (value) => Number(value))
    .option('--out <file>', 'write the report as JSON')
    .parse(argv);
  const options = program.opts<{
    gateway: string;
    model: string;
    toolChoice: string;
    limit?: number;
    out?: string;
  }>();
  if (options.toolChoice !== 'auto' && options.toolChoice !== 'required-first') {
    program.error('--tool-choice must be auto or required-first');
  }
  const requests = readRequests().slice(0, options.limit);
  const report = await evaluateToolChoice({
    gatewayURL: options.gateway,
    model: options.model,
    toolChoice: options.toolChoice as ToolChoicePolicy,
    requests,
    onRow: (row) =>
      process.stderr.write(
        `${row.right ? 'right' : 'wrong'}  ${row.expected} → ${row.chosen ?? '(no call)'}  ${row.seconds} s\n`,
      ),
  });
  process.stdout.write(
    `${renderTable(
      ['request', 'expected', 'chosen', 'valid arguments'],
      report.rows.map((row) => [
        row.request.slice(0, 48),
        row.expected,
        row.chosen ?? '(no call)',
        row.validArguments === null ? '' : String(row.validArguments),
      ]),
    ).join(
      '\n',
    )}\n\n${report.toolChoice}: ${report.right}/${report.total} right (chance ≈ ${report.chance}), ${report.noCall} without a call, ${report.invalidArguments} with invalid arguments, ${report.failedTurns} failed turns\n`,
  );
  if (options.out) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

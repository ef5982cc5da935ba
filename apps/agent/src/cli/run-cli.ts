import {
  ConfigurationError,
  createLogger,
  renderTable,
  reportCommandFailure,
  stopOnSignals,
  UsageError,
} from '@klody/service';
import type { AgentConfig } from '../config/config.js';
import { readConfig } from '../config/config.js';
import { startServer } from '../http/start-server.js';
import { KnowledgeError } from '../knowledge/knowledge-error.js';
import { McpToolsError } from '../mcp-client/mcp-tools-error.js';
import {
  type AgentStores,
  type OpenedAgent,
  openAgent,
  openAgentStores,
  openMcpServers,
} from '../open-agent.js';
import { voiceLoopFromConfig } from '../voice/voice-session-from-config.js';
import { type ApprovalMode, runAsk, runDecision, runResume } from './ask.js';
import { runChat } from './chat.js';
import { type KnowledgeCommand, runKnowledgeCommand } from './knowledge-command.js';
import { type McpCommand, runMcpCommand } from './mcp-command.js';
import { argumentsLine, oneLine } from './step-line.js';
import { runTalkCommand, type TalkCommand } from './talk-command.js';
import { type TurnResult, turnJson } from './turn-result.js';

export type CliCommand =
  | { command: 'chat'; session: string | null }
  | { command: 'ask'; message: string; session: string | null; approvals: ApprovalMode; json: boolean }
  | { command: 'approvals'; session: string | null; json: boolean }
  | {
      command: 'decide';
      decision: 'approve' | 'deny';
      approvalId: string;
      session: string | null;
      json: boolean;
    }
  | { command: 'resume'; goOn: boolean; session: string; json: boolean }
  | { command: 'backfill'; json: boolean }
  | { command: 'serve'; port: number | null }
  | TalkCommand
  | KnowledgeCommand
  | McpCommand;

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function withStores<T>(config: AgentConfig, job: (stores: AgentStores) => Promise<T>): Promise<T> {
  const stores = await openAgentStores(config);
  try {
    return await job(stores);
  } finally {
    await stores.close();
  }
}

/** MCP servers' deaths and mcp.yaml errors go to stderr as log lines, at KLODY_LOG_LEVEL. */
function cliLogger(config: AgentConfig) {
  return createLogger({ service: 'agent', level: config.logLevel });
}

async function withAgent<T>(config: AgentConfig, job: (opened: OpenedAgent) => Promise<T>): Promise<T> {
  const opened = await openAgent(config, { logger: cliLogger(config) });
  try {
    return await job(opened);
  } finally {
    await opened.close();
  }
}

/** What a turn printed for people once it has streamed: what still waits, and how to decide it. */
function printTurnEnd(result: TurnResult): void {
  for (const approval of result.pendingApprovals) {
    process.stdout.write(
      `pending approval ${approval.approvalId}: ${approval.tool} ${argumentsLine(approval.arguments)} (${approval.reason})\n` +
        `  decide with: pnpm agent approve ${approval.approvalId} --session ${result.sessionId}   (or deny)\n`,
    );
  }
  if (result.stop && result.stop.reason !== 'approval_pending') {
    process.stdout.write(
      `${result.stop.question}\n  answer with: pnpm agent resume yes|no --session ${result.sessionId}\n`,
    );
  }
  if (result.sessionId) process.stderr.write(`session ${result.sessionId}\n`);
}

/** Prints a turn's result; exit 1 when the agent reported an error (the command ran, and failed). */
function finishTurn(result: TurnResult, json: boolean): number {
  if (json) printJson(turnJson(result));
  else printTurnEnd(result);
  // Without --json the errors were written to stderr as they came.
  return result.errors.length > 0 ? 1 : 0;
}

async function run(command: CliCommand, config: AgentConfig): Promise<number> {
  switch (command.command) {
    case 'chat':
      return withAgent(config, ({ agent }) =>
        runChat({ agent, input: process.stdin, output: process.stdout, sessionId: command.session }),
      );
    case 'ask':
      return withAgent(config, async ({ agent }) => {
        const result = await runAsk({
          agent,
          message: command.message,
          sessionId: command.session,
          approvals: command.approvals,
          output: command.json ? null : process.stdout,
        });
        return finishTurn(result, command.json);
      });
    case 'talk':
      return withAgent(config, async (opened) => {
        const loop = voiceLoopFromConfig(config, opened);
        try {
          return await runTalkCommand(command, loop.openVoiceSession);
        } finally {
          await loop.close();
        }
      });
    case 'approvals':
      return withStores(config, async ({ records }) => {
        if (command.session && !records.sessionDetail(command.session))
          throw new UsageError('session_not_found', `no session ${command.session}`);
        const approvals = records.pendingApprovals(command.session ?? undefined);
        if (command.json) printJson({ approvals });
        else if (approvals.length === 0) process.stdout.write('no pending approval\n');
        else
          process.stdout.write(
            `${renderTable(
              ['approval', 'session', 'tool', 'arguments', 'expires', 'reason'],
              approvals.map((approval) => [
                approval.approvalId,
                approval.sessionId,
                approval.tool,
                argumentsLine(approval.arguments, 50),
                approval.expiresAt,
                oneLine(approval.reason, 60),
              ]),
            ).join('\n')}\n`,
          );
        return 0;
      });
    case 'decide':
      return withAgent(config, async ({ agent, records }) => {
        const approval = records.approval(command.approvalId);
        if (!approval) throw new UsageError('approval_not_found', `no approval ${command.approvalId}`);
        if (command.session && approval.sessionId !== command.session)
          throw new UsageError(
            'approval_not_found',
            `approval ${command.approvalId} is not in session ${command.session}`,
          );
        const result = await runDecision({
          agent,
          sessionId: approval.sessionId,
          approvalId: command.approvalId,
          decision: command.decision,
          output: command.json ? null : process.stdout,
        });
        return finishTurn(result, command.json);
      });
    case 'resume':
      return withAgent(config, async ({ agent, records }) => {
        if (!records.sessionDetail(command.session))
          throw new UsageError('session_not_found', `no session ${command.session}`);
        const result = await runResume({
          agent,
          sessionId: command.session,
          goOn: command.goOn,
          output: command.json ? null : process.stdout,
        });
        return finishTurn(result, command.json);
      });
    case 'backfill':
      return withStores(config, async ({ backfill }) => {
        const report = await backfill();
        if (command.json) printJson(report);
        else process.stdout.write(`${report.added} turns added to memory, ${report.skipped} already there\n`);
        return 0;
      });
    case 'serve':
      return serveForever(config, command.port);
    case 'knowledge-add':
    case 'knowledge-sync':
    case 'knowledge-list':
    case 'knowledge-remove':
      return withStores(config, ({ knowledge }) => runKnowledgeCommand(command, knowledge));
    case 'mcp-list':
    case 'mcp-approve':
      return withStores(config, async (stores) => {
        const servers = openMcpServers(config, stores, { logger: cliLogger(config), mcp: { watch: false } });
        try {
          return await runMcpCommand(command, servers);
        } finally {
          await servers.close();
        }
      });
  }
}

async function serveForever(config: AgentConfig, port: number | null): Promise<number> {
  const logger = createLogger({ service: 'agent', level: config.logLevel });
  const running = await startServer(config, {
    port: port ?? config.port,
    logger,
    voiceLoop: (opened) => voiceLoopFromConfig(config, opened),
  }).catch((error: unknown) => {
    if (ConfigurationError.isInstance(error) && /cannot listen/.test(error.message))
      throw new UsageError(
        'invalid_configuration',
        `${error.message.replace(/^agent: /, '')}; choose another port with --port or KLODY_AGENT_PORT`,
      );
    throw error;
  });
  logger.info({ url: `${running.url}/` }, `the agent is listening on ${running.url}/`);
  // SIGTERM or SIGINT: streams in progress finish, the database closes, the process exits 0.
  stopOnSignals(running);
  // Never settles: the server keeps the process alive until stopOnSignals exits it.
  return new Promise<number>(() => {});
}

/** Runs one CLI command and sets the exit code. */
export async function runCli(command: CliCommand): Promise<void> {
  try {
    process.exitCode = await run(command, readConfig());
  } catch (error) {
    process.exitCode = reportCommandFailure({
      service: 'agent',
      error,
      json: 'json' in command && command.json,
      // A missing path, an unknown kind or root: bad usage (exit 2), with the error's own code.
      classify: (error) =>
        KnowledgeError.isInstance(error) || McpToolsError.isInstance(error)
          ? { code: error.code, exitCode: 2 }
          : null,
    });
  }
}

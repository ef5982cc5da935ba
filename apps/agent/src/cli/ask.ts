import type { Writable } from 'node:stream';
import type { Agent, ApprovalDecision } from '../agent/agent.js';
import type { AgentEvent } from '../agent/agent-events.js';
import { createTerminalRenderer } from './terminal-renderer.js';
import { createTurnResult, type TurnCollector, type TurnResult } from './turn-result.js';

/** `ask`: leave what needs an approval pending (no terminal can answer), or deny it and go on. */
export type ApprovalMode = 'ask' | 'deny';

export interface AskOptions {
  agent: Agent;
  message: string;
  sessionId?: string | null;
  approvals: ApprovalMode;
  /** Where a person reads the turn as it happens; null for `--json` (one line at the end). */
  output: Writable | null;
  signal?: AbortSignal;
}

// A turn whose model keeps asking for denied calls ends at its step budget anyway; this only
// bounds the denials of one `ask`, so that a misbehaving agent cannot keep it running.
const mostDenials = 100;

async function play(
  events: AsyncIterable<AgentEvent>,
  turn: TurnCollector,
  output: Writable | null,
): Promise<void> {
  // The result goes to stdout, the agent's errors to stderr (CONTRACTS.md).
  const renderer = output ? createTerminalRenderer(output, { errors: process.stderr }) : null;
  for await (const event of events) {
    turn.add(event);
    renderer?.write(event);
  }
}

/**
 * `pnpm agent ask`: one message, one turn, no questions asked. With `--approvals deny` each call that
 * needs an approval is denied (it never runs, the model is told so) and the turn goes on.
 */
export async function runAsk({
  agent,
  message,
  sessionId = null,
  approvals,
  output,
  signal,
}: AskOptions): Promise<TurnResult> {
  const turn = createTurnResult();
  await play(
    agent.send({ ...(sessionId ? { sessionId } : {}), message, ...(signal ? { signal } : {}) }),
    turn,
    output,
  );
  if (approvals === 'deny') {
    for (let denials = 0; denials < mostDenials; denials++) {
      const waiting = turn.result.pendingApprovals[0];
      const session = turn.result.sessionId;
      if (!waiting || !session) break;
      await play(
        agent.decide({
          sessionId: session,
          approvalId: waiting.approvalId,
          decision: 'deny',
          ...(signal ? { signal } : {}),
        }),
        turn,
        output,
      );
      // A refused decision (expired meanwhile) would come back the same: stop there.
      if (turn.result.pendingApprovals[0]?.approvalId === waiting.approvalId) break;
    }
  }
  return turn.result;
}

/** `pnpm agent approve|deny`: decides one pending approval and plays what follows in the turn. */
export async function runDecision(input: {
  agent: Agent;
  sessionId: string;
  approvalId: string;
  decision: ApprovalDecision;
  output: Writable | null;
}): Promise<TurnResult> {
  const turn = createTurnResult();
  turn.result.sessionId = input.sessionId;
  await play(
    input.agent.decide({
      sessionId: input.sessionId,
      approvalId: input.approvalId,
      decision: input.decision,
    }),
    turn,
    input.output,
  );
  return turn.result;
}

/** `pnpm agent resume`: answers a max-steps or repeated-call stop. */
export async function runResume(input: {
  agent: Agent;
  sessionId: string;
  goOn: boolean;
  output: Writable | null;
}): Promise<TurnResult> {
  const turn = createTurnResult();
  turn.result.sessionId = input.sessionId;
  await play(input.agent.resume({ sessionId: input.sessionId, goOn: input.goOn }), turn, input.output);
  return turn.result;
}

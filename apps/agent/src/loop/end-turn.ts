import type { AgentEvent, StopReason } from '../agent/agent-events.js';
import { type TurnEnd, type TurnRecord, toStepRecord } from '../store/agent-store.js';
import { webSourcesLine, webSourcesOf } from '../tools/web-sources.js';
import type { LoopContext } from './loop-context.js';

/** The `turn-end` event of a turn as it is stored now. */
export function turnEndEvent(context: LoopContext, turn: TurnRecord): AgentEvent {
  const steps = context.store.toolCalls(turn.id).map(toStepRecord);
  return {
    type: 'turn-end',
    sessionId: turn.sessionId,
    turnId: turn.id,
    answer: turn.answer,
    steps,
    usedWeb: webSourcesOf(steps),
    timing: {
      modelMs: round(turn.modelMs),
      toolsMs: round(turn.toolsMs),
      approvalsWaitingMs: round(turn.approvalsWaitingMs),
      totalMs: round(turn.activeMs + turn.approvalsWaitingMs),
    },
  };
}

const round = (milliseconds: number) => Math.round(milliseconds * 10) / 10;

/**
 * What the user is shown after the model's final answer: when the turn read the web, a last line
 * naming the addresses, in the user's language — the agent says it used the web wherever the answer
 * goes (terminal, page, `ask`, MCP), whatever the model wrote. '' when the turn did not.
 */
export function webSourcesSuffix(context: LoopContext, turn: TurnRecord): string {
  const urls = webSourcesOf(context.store.toolCalls(turn.id).map(toStepRecord));
  return urls.length > 0 ? `\n\n${webSourcesLine(turn.language, urls)}` : '';
}

/** A stop that asks the user something; the turn waits (for a decision or for `resume`). */
export function stopTurn(
  context: LoopContext,
  turnId: string,
  reason: StopReason,
  question: string,
): { turn: TurnRecord; event: AgentEvent } {
  const turn = context.store.updateTurn(turnId, {
    state: reason === 'approval_pending' ? 'waiting_approval' : 'waiting_continue',
    stopReason: reason,
  });
  return { turn, event: { type: 'stop', reason, question } };
}

/** Marks a turn done and mirrors it into semantic memory (best effort: `agent backfill` catches up). */
export async function finishTurn(
  context: LoopContext,
  turnId: string,
  end: TurnEnd,
  answer: string,
): Promise<TurnRecord> {
  const turn = context.store.updateTurn(turnId, {
    state: 'done',
    stopReason: end,
    answer,
    endedAt: context.now(),
  });
  if (context.memory && answer) {
    try {
      await context.memory.mirrorTurn({
        sessionId: turn.sessionId,
        turnId: turn.id,
        userMessage: turn.userMessage,
        answer,
        at: turn.endedAt ?? context.now(),
      });
    } catch {
      // The turn is stored; backfill mirrors what this missed, and a memory failure must not lose the answer.
    }
  }
  return turn;
}

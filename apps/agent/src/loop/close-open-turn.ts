import type { ToolResultPart } from 'ai';
import { finishTurn } from './end-turn.js';
import type { LoopContext } from './loop-context.js';
import { stepToolMessage } from './tool-message.js';

/** How an unfinished turn ends: `ended` (the user went on) or `interrupted` (the user spoke over it). */
export interface OpenTurnEnding {
  end: 'ended' | 'interrupted';
  /**
   * The answer kept for an interruption: what the user actually heard, not what the model wrote. It
   * becomes the assistant's message in the history and what semantic memory mirrors.
   */
  answer: string;
}

/**
 * Ends a session's unfinished turn when the user does something else (a new message, or `resume` with
 * "no", or speaking over the answer): its calls that were waiting are not run, their approvals are
 * denied in the store so that they can never be used later, and the step's tool message is written so
 * the conversation stays well formed.
 */
export async function closeOpenTurn(
  context: LoopContext,
  sessionId: string,
  ending: OpenTurnEnding = { end: 'ended', answer: '' },
): Promise<void> {
  const { store, approvals } = context;
  const turn = store.latestTurn(sessionId);
  if (!turn || turn.state === 'done') return;
  const last = store.lastMessage(sessionId);
  const open =
    last?.role === 'assistant' &&
    Array.isArray(last.content) &&
    last.content.some((part) => part.type === 'tool-call');
  store.transaction(() => {
    if (open && turn.stepsUsed > 0) {
      const calls = store.toolCalls(turn.id, turn.stepsUsed);
      for (const call of calls) {
        if (call.status !== 'waiting' && call.status !== 'running') continue;
        if (call.approvalId !== null && call.approval === 'pending') {
          try {
            approvals.decide({ sessionId, approvalId: call.approvalId, decision: 'deny' });
          } catch {
            // Already decided, used or expired: none of these can run it later either.
          }
        }
        const message =
          call.status === 'running'
            ? `${call.tool} was interrupted before it finished; it is not run again`
            : 'not run: the user went on without approving it';
        const output: ToolResultPart['output'] = { type: 'execution-denied', reason: message };
        store.updateToolCall(
          { turnId: turn.id, step: call.step, position: call.position },
          {
            status: call.status === 'running' ? 'failed' : 'not_run',
            approval: call.approval === 'pending' ? 'denied' : call.approval,
            note: 'turn_ended',
            output: message,
            modelOutput: output,
            finishedAt: context.now(),
          },
        );
      }
      store.addMessage({
        sessionId,
        turnId: turn.id,
        at: context.now(),
        message: stepToolMessage(store.toolCalls(turn.id, turn.stepsUsed)),
      });
    }
    if (ending.answer) {
      store.addMessage({
        sessionId,
        turnId: turn.id,
        at: context.now(),
        message: { role: 'assistant', content: ending.answer },
      });
    }
  });
  await finishTurn(context, turn.id, ending.end, ending.answer);
}

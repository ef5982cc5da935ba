import type { ModelMessage } from 'ai';
import type { AgentEvent } from '../agent/agent-events.js';
import { finishTurn, stopTurn, turnEndEvent, webSourcesSuffix } from './end-turn.js';
import type { LoopContext } from './loop-context.js';
import { ModelCallError, type ModelStepResult, streamModelStep } from './model-step.js';
import { ModelTimeoutError } from './model-time-limits.js';
import { recordStep } from './record-step.js';
import { type StepOutcome, settleStep } from './settle-step.js';
import { stopQuestions } from './stop-questions.js';

const hasToolCalls = (message: ModelMessage | null) =>
  message?.role === 'assistant' &&
  Array.isArray(message.content) &&
  message.content.some((part) => part.type === 'tool-call');

/** The session's system prompt: the agent's own, then the facts recalled when the session began. */
export function systemFor(context: LoopContext, systemContext: string): string {
  return systemContext ? `${context.systemPrompt}\n\n${systemContext}` : context.systemPrompt;
}

/**
 * Runs a turn from where its stored state says it is: first the open step (calls waiting for a
 * decision that has now been made), then model steps until the model answers without tool calls or
 * the turn stops to ask the user (approval pending, max steps, repeated call, invalid arguments).
 * Every stream it gives ends with `turn-end`, except when it is aborted.
 */
export async function* runTurn(
  context: LoopContext,
  turnId: string,
  signal?: AbortSignal,
): AsyncGenerator<AgentEvent> {
  const { store } = context;
  let lastFlush = performance.now();
  const flushActiveTime = () => {
    const current = performance.now();
    const turn = store.getTurn(turnId);
    if (turn) store.updateTurn(turnId, { activeMs: turn.activeMs + (current - lastFlush) });
    lastFlush = current;
  };
  const endEvents = function* (stop: AgentEvent | null): Generator<AgentEvent> {
    flushActiveTime();
    if (stop) yield stop;
    const turn = store.getTurn(turnId);
    if (turn) yield turnEndEvent(context, turn);
  };
  /** The stop a settled or pending step calls for, or null when the loop goes on. */
  const stopFor = (outcome: StepOutcome): AgentEvent | null => {
    const language = store.getTurn(turnId)?.language ?? 'en';
    if (outcome.kind === 'pending') {
      return stopTurn(
        context,
        turnId,
        'approval_pending',
        stopQuestions.approvalPending(language, outcome.tools),
      ).event;
    }
    if (outcome.invalidTool !== null) {
      return stopTurn(
        context,
        turnId,
        'invalid_tool_call',
        stopQuestions.invalidToolCall(language, outcome.invalidTool),
      ).event;
    }
    if (outcome.repeatedTool !== null) {
      return stopTurn(
        context,
        turnId,
        'repeated_call',
        stopQuestions.repeatedCall(language, outcome.repeatedTool),
      ).event;
    }
    return null;
  };

  try {
    let turn = store.getTurn(turnId);
    if (!turn) throw new Error(`no turn ${turnId}`);
    store.updateTurn(turnId, { state: 'running' });
    // MCP servers still starting get a short, bounded wait, so that a first turn can see their tools.
    await context.tools.ready();
    if (turn.stepsUsed > 0 && hasToolCalls(store.lastMessage(turn.sessionId))) {
      const stop = stopFor(yield* settleStep(context, turnId, turn.stepsUsed, signal));
      if (stop) return yield* endEvents(stop);
    }
    for (;;) {
      turn = store.getTurn(turnId);
      if (!turn) throw new Error(`no turn ${turnId}`);
      if (turn.stepsUsed - turn.budgetStart >= context.maxSteps) {
        const stop = stopTurn(
          context,
          turnId,
          'max_steps',
          stopQuestions.maxSteps(turn.language, context.maxSteps),
        );
        return yield* endEvents(stop.event);
      }
      const step = turn.stepsUsed + 1;
      store.updateTurn(turnId, { stepsUsed: step });
      yield { type: 'step-start', step };
      // The first step of the turn, or of its fresh budget after the user said to go on.
      const forced = context.toolChoice === 'required-first' && step === turn.budgetStart + 1;
      const session = store.getSession(turn.sessionId);
      const stream = streamModelStep({
        model: context.model,
        system: systemFor(context, session?.systemContext ?? ''),
        messages: store.messages(turn.sessionId),
        tools: context.tools.current().declared,
        toolChoice: forced ? 'required' : 'auto',
        limits: context.modelTimeLimits,
        ...(signal ? { signal } : {}),
      });
      let result: ModelStepResult;
      for (;;) {
        const next = await stream.next();
        if (next.done) {
          result = next.value;
          break;
        }
        yield { type: 'text-delta', text: next.value };
      }
      turn = store.updateTurn(turnId, { modelMs: turn.modelMs + result.durationMs });
      if (result.toolCalls.length === 0 && forced) {
        // A forced step that gives no call was cut mid-JSON (max_tokens): its text is a fragment of a
        // call, not an answer, so it is not stored as one; the user decides whether to try again.
        const stop = stopTurn(
          context,
          turnId,
          'invalid_tool_call',
          stopQuestions.unfinishedToolCall(turn.language),
        );
        return yield* endEvents(stop.event);
      }
      if (result.toolCalls.length === 0) {
        const webSources = webSourcesSuffix(context, turn);
        if (webSources) yield { type: 'text-delta', text: webSources };
        const answer = result.text + webSources;
        store.addMessage({
          sessionId: turn.sessionId,
          turnId,
          at: context.now(),
          message: { role: 'assistant', content: answer },
        });
        await finishTurn(context, turnId, 'answered', answer);
        return yield* endEvents(null);
      }
      for (const event of recordStep(context, turn, step, result.text, result.toolCalls)) yield event;
      const stop = stopFor(yield* settleStep(context, turnId, step, signal));
      if (stop) return yield* endEvents(stop);
    }
  } catch (error) {
    if (signal?.aborted) {
      // The turn stays `running`; the next message to the session closes it.
      flushActiveTime();
      yield { type: 'error', code: 'aborted', message: 'the turn was aborted' };
      return;
    }
    await finishTurn(context, turnId, 'error', '');
    const message = error instanceof Error ? error.message : String(error);
    yield error instanceof ModelTimeoutError
      ? { type: 'error', code: 'model_timeout', message: `the model call timed out: ${message}` }
      : error instanceof ModelCallError
        ? { type: 'error', code: 'model_failed', message: `the model call failed: ${message}` }
        : { type: 'error', code: 'turn_failed', message: `the turn failed: ${message}` };
    yield* endEvents(null);
  }
}

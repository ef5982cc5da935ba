import type { AgentEvent, StepRecord, StopReason } from '../agent/agent-events.js';

/** An approval the turn is waiting for, as `ask` lists it so that it can be decided later. */
export interface PendingApproval {
  approvalId: string;
  tool: string;
  arguments: unknown;
  effect: string;
  reason: string;
  expiresAt: string;
}

/** What a turn (its first stream and the streams that continued it) came to, for `ask --json`. */
export interface TurnResult {
  sessionId: string | null;
  answer: string;
  steps: StepRecord[];
  pendingApprovals: PendingApproval[];
  /** Why the turn last stopped to ask the user something, or null when it answered. */
  stop: { reason: StopReason; question: string } | null;
  errors: { code: string; message: string }[];
  /** The web addresses the turn's answer drew on (web_search); empty when it did not use the web. */
  usedWeb: string[];
}

export interface TurnCollector {
  add(event: AgentEvent): void;
  result: TurnResult;
}

/**
 * Folds a turn's events into its result; feed it every stream of the turn in order. Steps keep the
 * order they were first seen in and are updated in place (a pending call becomes denied/not_run once
 * decided); a `turn-end`'s steps are the turn's own record and win. An approval stays listed while
 * its call's step is still pending.
 */
export function createTurnResult(): TurnCollector {
  const result: TurnResult = {
    sessionId: null,
    answer: '',
    steps: [],
    pendingApprovals: [],
    stop: null,
    errors: [],
    usedWeb: [],
  };
  const approvals: (PendingApproval & { toolCallId: string })[] = [];
  let text = '';
  const upsert = (step: StepRecord) => {
    const index = result.steps.findIndex((existing) => existing.toolCallId === step.toolCallId);
    if (index === -1) result.steps.push(step);
    else result.steps[index] = step;
  };
  const add = (event: AgentEvent) => {
    switch (event.type) {
      case 'turn-start':
        result.sessionId = event.sessionId;
        result.stop = null;
        break;
      case 'step-start':
        // Text before a tool call is the model thinking aloud; the answer is the last step's text.
        text = '';
        break;
      case 'text-delta':
        text += event.text;
        break;
      case 'tool-call':
        upsert({
          toolCallId: event.toolCallId,
          tool: event.tool,
          arguments: event.arguments,
          effect: event.effect,
          approval: 'not_needed',
          status: 'not_run',
          output: null,
        });
        break;
      case 'approval-request': {
        upsert({
          toolCallId: event.toolCallId,
          tool: event.tool,
          arguments: event.arguments,
          effect: event.effect,
          approval: 'pending',
          status: 'not_run',
          output: null,
        });
        const { type: _, ...approval } = event;
        const index = approvals.findIndex((known) => known.approvalId === event.approvalId);
        if (index === -1) approvals.push(approval);
        else approvals[index] = approval;
        break;
      }
      case 'tool-result':
        upsert(event.step);
        break;
      case 'stop':
        result.stop = { reason: event.reason, question: event.question };
        break;
      case 'turn-end':
        result.sessionId = event.sessionId;
        result.answer = event.answer !== '' ? event.answer : result.stop ? '' : text;
        if (event.answer !== '') result.stop = null;
        for (const step of event.steps) upsert(step);
        result.usedWeb = event.usedWeb ?? [];
        break;
      case 'error':
        result.errors.push({ code: event.code, message: event.message });
        break;
    }
    const waiting = new Set(
      result.steps.filter((step) => step.approval === 'pending').map((step) => step.toolCallId),
    );
    result.pendingApprovals = approvals
      .filter((approval) => waiting.has(approval.toolCallId))
      .map(({ toolCallId: _, ...approval }) => approval);
  };
  return { result, add };
}

/** The one JSON line of `ask --json`: the fields, then what is still waiting for the user. */
export function turnJson(result: TurnResult) {
  return {
    sessionId: result.sessionId,
    answer: result.answer,
    steps: result.steps.map(({ tool, arguments: input, effect, approval, status, output }) => ({
      tool,
      arguments: input,
      effect,
      approval,
      status,
      output,
    })),
    pendingApprovals: result.pendingApprovals,
    stop: result.stop,
    errors: result.errors,
    usedWeb: result.usedWeb,
  };
}

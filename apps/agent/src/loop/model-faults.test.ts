// The agent's model calls against every fault of the shared fault table (@klody/test-helpers), by the
// same table as every app: a real agent on a real SQLite database, its model a provider instance on a
// fault upstream's /v1. Never a turn that hangs or ends in silence: a clear `model_failed` or
// `model_timeout` error, within the time limits (set low here so the suite stays fast).
import { type FaultOutcome, type FaultUpstream, faultCases, startFaultUpstream } from '@klody/test-helpers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-events.js';
import { agentBench, collect } from '../agent/testing/agent-test-bench.js';
import { createGatewayModel } from './gateway-model.js';

const chatAnswer = 'The whale is white.';
const limits = { firstPartMs: 1_000, idleMs: 500 };
// A turn makes one model call here (the answer calls no tool): its first part, then each idle gap,
// within the limits; the rest is the suite's slack.
const turnBoundMs = limits.firstPartMs + limits.idleMs + 2_500;

let upstream: FaultUpstream;
let bench: ReturnType<typeof agentBench>;
beforeAll(async () => {
  upstream = await startFaultUpstream({ chatAnswer, trickleIntervalMs: 2_000 });
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await bench?.cleanup();
});

/** What a turn's events say, as one of the table's outcomes; anything else is a defect. */
function outcomeOf(events: AgentEvent[]): FaultOutcome | 'defect' {
  const error = events.find((event) => event.type === 'error');
  if (error?.type === 'error') {
    if (error.code === 'model_timeout' && /timed out/.test(error.message)) return 'upstream_timeout';
    if (error.code === 'model_failed' && error.message.length > 0) return 'upstream_error';
    return 'defect';
  }
  const end = events.find((event) => event.type === 'turn-end');
  return end?.type === 'turn-end' && end.answer === chatAnswer ? 'answer' : 'defect';
}

describe('the agent over the shared fault table', () => {
  it.each(faultCases)('$name: $description', async (faultCase) => {
    if (faultCase.fault.kind === 'down') await upstream.setFault(faultCase.fault);
    else {
      await upstream.setFault({ kind: 'ok' });
      await upstream.setFault(faultCase.fault, ['chat']);
    }
    bench = agentBench();
    const model = createGatewayModel({ baseURL: upstream.url, model: 'brain' });
    const { agent } = bench.open(model, { modelTimeLimits: limits });
    const started = performance.now();
    const events = await collect(agent.send({ message: 'What colour is the whale?' }));
    const milliseconds = performance.now() - started;
    const outcome = outcomeOf(events);
    expect(
      faultCase.accepted,
      `${faultCase.name} gave ${outcome}: ${JSON.stringify(events.filter((event) => event.type !== 'text-delta'))}`,
    ).toContain(outcome);
    expect(milliseconds).toBeLessThan(turnBoundMs);
    // A hang is ended by the first-part limit, not sooner (the idle limit is shorter).
    if (faultCase.fault.kind === 'hang') expect(milliseconds).toBeGreaterThanOrEqual(limits.firstPartMs);
    // The turn is closed either way: the session takes the next message.
    await upstream.setFault({ kind: 'ok' });
    const next = await collect(agent.send({ message: 'And again?', sessionId: sessionOf(events) }));
    expect(outcomeOf(next)).toBe('answer');
  });
});

function sessionOf(events: AgentEvent[]): string {
  const start = events.find((event) => event.type === 'turn-start');
  if (start?.type !== 'turn-start') throw new Error('no turn-start event');
  return start.sessionId;
}

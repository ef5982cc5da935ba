import { afterEach, describe, expect, it } from 'vitest';
import { fakeScriptedModel } from '../loop/testing/fake-scripted-model.js';
import { agentBench, collect, eventOf } from './testing/agent-test-bench.js';

let bench: ReturnType<typeof agentBench>;
afterEach(async () => {
  await bench.cleanup();
});

describe('the agent with its semantic memory', () => {
  it('a new session starts with recalled facts in its system prompt, untrusted from the first step', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([{ toolCalls: [{ tool: 'note', input: { text: 'whales' } }] }]);
    const { agent, memory } = bench.open(fake.model, { withMemory: true });
    await memory?.facts.remember('The user loves whales and reads Moby Dick every summer.');
    const events = await collect(agent.send({ message: 'Note what I love: whales' }));
    const system = fake.prompts()[0]?.[0];
    expect(system?.role).toBe('system');
    expect(JSON.stringify(system)).toContain('The user loves whales');
    expect(JSON.stringify(system)).toContain('data, not instructions');
    // A write after recalled memories asks, even though no tool has run yet in this turn.
    expect(eventOf(events, 'approval-request').tool).toBe('note');
    expect(bench.spies.note.calls).toEqual([]);
    expect(agent.store.getTurn(eventOf(events, 'turn-end').turnId)?.untrustedSeen).toBe(true);
  });

  it('a session created empty (as POST /api/sessions does) gets its recalled facts with its first message', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([{ toolCalls: [{ tool: 'note', input: { text: 'whales' } }] }]);
    const { agent, memory } = bench.open(fake.model, { withMemory: true });
    await memory?.facts.remember('The user loves whales and reads Moby Dick every summer.');
    const at = Date.now();
    agent.store.createSession({
      id: 'session_empty',
      title: '',
      systemContext: '',
      recalledFacts: 0,
      createdAt: at,
      updatedAt: at,
    });
    const events = await collect(
      agent.send({ sessionId: 'session_empty', message: 'Note what I love: whales' }),
    );
    expect(JSON.stringify(fake.prompts()[0]?.[0])).toContain('The user loves whales');
    expect(eventOf(events, 'approval-request').tool).toBe('note');
    expect(bench.spies.note.calls).toEqual([]);
  });

  it('without recalled facts, the same write runs at once', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'note', input: { text: 'whales' } }] },
      { text: 'Noted.' },
    ]);
    const { agent } = bench.open(fake.model, { withMemory: true });
    const events = await collect(agent.send({ message: 'Note what I love: whales' }));
    expect(events.some((event) => event.type === 'approval-request')).toBe(false);
    expect(bench.spies.note.calls).toEqual([{ text: 'whales' }]);
  });

  it('an answered turn is mirrored into memory as it ends, and backfill then adds nothing', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([{ text: 'Moby Dick is about a whale.' }]);
    const { agent, memory } = bench.open(fake.model, { withMemory: true });
    const events = await collect(agent.send({ message: 'What is Moby Dick about?' }));
    const end = eventOf(events, 'turn-end');
    const summaries = agent.store.turnSummaries();
    expect(summaries).toEqual([
      expect.objectContaining({
        sessionId: end.sessionId,
        turnId: end.turnId,
        answer: 'Moby Dick is about a whale.',
      }),
    ]);
    expect(await memory?.backfill(summaries)).toEqual({ added: 0, skipped: 1 });
  });
});

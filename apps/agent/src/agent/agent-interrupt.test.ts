import { afterEach, describe, expect, it } from 'vitest';
import { fakeScriptedModel } from '../loop/testing/fake-scripted-model.js';
import { AgentRequestError } from './agent-request-error.js';
import { agentBench, collect, eventOf } from './testing/agent-test-bench.js';

let bench: ReturnType<typeof agentBench>;
afterEach(async () => {
  await bench.cleanup();
});

const fullAnswer =
  'Achab commande le Pequod. Il poursuit la baleine blanche jusqu’au bout du monde. Ismaël seul survit.';

describe('interrupting a spoken answer', () => {
  it('keeps only what was played of an answered turn, in the history and in memory', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([{ text: fullAnswer }, { text: 'Oui.' }]);
    const { agent, memory } = bench.open(fake.model, { withMemory: true });
    const end = eventOf(await collect(agent.send({ message: 'Qui commande le Pequod ?' })), 'turn-end');
    await agent.interrupt({
      sessionId: end.sessionId,
      turnId: end.turnId,
      played: 'Achab commande le Pequod. ',
    });

    const turn = agent.store.getTurn(end.turnId);
    expect(turn?.stopReason).toBe('interrupted');
    expect(turn?.answer).toBe('Achab commande le Pequod.');
    const messages = agent.store.messages(end.sessionId);
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: 'Achab commande le Pequod.' });
    const summaries = memory?.facts.list({ kind: 'session_summary' }) ?? [];
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.text).toContain('Achab commande le Pequod.');
    expect(summaries[0]?.text).not.toContain('Ismaël');

    // The next turn's prompt carries the played answer, not the generated one.
    await collect(agent.send({ sessionId: end.sessionId, message: 'Et ensuite ?' }));
    const prompt = JSON.stringify(fake.prompts()[1]);
    expect(prompt).toContain('Achab commande le Pequod.');
    expect(prompt).not.toContain('Ismaël seul survit');
  });

  it('ends a turn waiting for an approval: the call never runs, the played question stays', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { text: 'Je note. ', toolCalls: [{ tool: 'erase', input: { book: 'x' } }] },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Erase x' }));
    const request = eventOf(events, 'approval-request');
    const { sessionId, turnId } = eventOf(events, 'turn-start');
    await agent.interrupt({ sessionId, turnId, played: 'Je note.' });

    expect(agent.store.getTurn(turnId)?.stopReason).toBe('interrupted');
    expect(agent.store.getTurn(turnId)?.state).toBe('done');
    expect(bench.spies.erase.calls).toEqual([]);
    expect(agent.store.messages(sessionId).at(-1)).toEqual({ role: 'assistant', content: 'Je note.' });
    // The approval can no longer be used.
    const late = await collect(
      agent.decide({ sessionId: sessionId, approvalId: request.approvalId, decision: 'approve' }),
    );
    expect(late.some((event) => event.type === 'error')).toBe(true);
    expect(bench.spies.erase.calls).toEqual([]);
  });

  it('refuses an unknown turn and a session still running', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([{ text: 'Bonjour.' }, { text: 'Encore.' }]);
    const { agent } = bench.open(fake.model);
    const end = eventOf(await collect(agent.send({ message: 'Salut' })), 'turn-end');
    await expect(
      agent.interrupt({ sessionId: end.sessionId, turnId: 'turn_nope', played: '' }),
    ).rejects.toSatisfy((error) => error instanceof AgentRequestError && error.code === 'turn_not_found');
    const stream = agent.send({ sessionId: end.sessionId, message: 'Encore' })[Symbol.asyncIterator]();
    await stream.next();
    await expect(
      agent.interrupt({ sessionId: end.sessionId, turnId: end.turnId, played: '' }),
    ).rejects.toSatisfy((error) => error instanceof AgentRequestError && error.code === 'session_busy');
    while (!(await stream.next()).done) {}
  });
});

import { afterEach, expect, it } from 'vitest';
import { agentBench, collect, eventOf } from '../agent/testing/agent-test-bench.js';
import { fakeScriptedModel } from './testing/fake-scripted-model.js';

let bench: ReturnType<typeof agentBench>;
afterEach(async () => {
  await bench.cleanup();
});

const choices = (fake: ReturnType<typeof fakeScriptedModel>) =>
  fake.model.doStreamCalls.map((call) => call.toolChoice?.type ?? 'none');

it('required-first makes only the first step of each turn call a tool', async () => {
  bench = agentBench();
  const fake = fakeScriptedModel([
    { toolCalls: [{ tool: 'lookup', input: { query: 'whales' } }] },
    { text: 'Whales sing.' },
    { toolCalls: [{ tool: 'count', input: { n: 2, exact: true } }] },
    { text: 'Two.' },
  ]);
  const { agent } = bench.open(fake.model, { toolChoice: 'required-first' });
  const first = eventOf(await collect(agent.send({ message: 'Tell me about whales' })), 'turn-end');
  await collect(agent.send({ sessionId: first.sessionId, message: 'How many?' }));
  expect(choices(fake)).toEqual(['required', 'auto', 'required', 'auto']);
});

it('auto (the default) never forces a tool', async () => {
  bench = agentBench();
  const fake = fakeScriptedModel([{ text: 'Hello.' }]);
  const { agent } = bench.open(fake.model);
  await collect(agent.send({ message: 'Hello' }));
  expect(choices(fake)).toEqual(['auto']);
});

it('a forced step cut before its call ends (no call, only a fragment) stops and asks, and going on forces again', async () => {
  bench = agentBench();
  const fake = fakeScriptedModel([
    { text: '{"name":"lookup","arguments":{"query":"whales whales whales' },
    { toolCalls: [{ tool: 'lookup', input: { query: 'whales' } }] },
    { text: 'Whales sing.' },
  ]);
  const { agent } = bench.open(fake.model, { toolChoice: 'required-first' });
  const first = await collect(agent.send({ message: 'Tell me about whales' }));
  expect(eventOf(first, 'stop')).toMatchObject({ reason: 'invalid_tool_call' });
  expect(eventOf(first, 'stop').question).toMatch(/did not come out whole/);
  const end = eventOf(first, 'turn-end');
  expect(end.answer).toBe('');
  expect(agent.store.messages(end.sessionId).filter((message) => message.role === 'assistant')).toEqual([]);
  const resumed = await collect(agent.resume({ sessionId: end.sessionId, goOn: true }));
  expect(eventOf(resumed, 'turn-end').answer).toBe('Whales sing.');
  expect(choices(fake)).toEqual(['required', 'required', 'auto']);
});

import { afterEach, describe, expect, it } from 'vitest';
import { fakeScriptedModel } from '../loop/testing/fake-scripted-model.js';
import { agentBench, collect, eventOf } from './testing/agent-test-bench.js';

let bench: ReturnType<typeof agentBench>;
afterEach(async () => {
  await bench.cleanup();
});

const lookupStep = (query: string) => ({ toolCalls: [{ tool: 'lookup', input: { query } }] });

describe('stops that ask', () => {
  it('max steps: stops with a question in French for a French message, resume goes on with a fresh budget', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([lookupStep('a'), lookupStep('b'), lookupStep('c'), { text: 'Voilà.' }]);
    const { agent } = bench.open(fake.model, { maxSteps: 2 });
    const first = await collect(
      agent.send({ message: 'Cherche dans les livres, je te prie, tout ce que tu peux.' }),
    );
    const stop = eventOf(first, 'stop');
    expect(stop.reason).toBe('max_steps');
    expect(stop.question).toMatch(/continue/);
    expect(stop.question).toMatch(/étapes/);
    expect(first.filter((event) => event.type === 'step-start')).toHaveLength(2);
    const { sessionId, turnId } = eventOf(first, 'turn-end');
    expect(agent.store.getTurn(turnId)).toMatchObject({
      state: 'waiting_continue',
      stopReason: 'max_steps',
      stepsUsed: 2,
    });

    const second = await collect(agent.resume({ sessionId, goOn: true }));
    expect(eventOf(second, 'turn-end').answer).toBe('Voilà.');
    expect(bench.spies.lookup.calls).toEqual([{ query: 'a' }, { query: 'b' }, { query: 'c' }]);
    expect(agent.store.getTurn(turnId)).toMatchObject({ state: 'done', stepsUsed: 4 });
  });

  it('max steps in English; resume with goOn false ends the turn without another model call', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([lookupStep('a'), { text: 'Hello again.' }]);
    const { agent } = bench.open(fake.model, { maxSteps: 1 });
    const first = await collect(
      agent.send({ message: 'Search the books for everything you can find about the sea.' }),
    );
    expect(eventOf(first, 'stop').question).toMatch(
      /^I have taken 1 step without finishing\. Shall I go on for 1 more step\?$/,
    );
    const { sessionId, turnId } = eventOf(first, 'turn-end');
    const second = await collect(agent.resume({ sessionId, goOn: false }));
    expect(second.map((event) => event.type)).toEqual(['turn-start', 'turn-end']);
    expect(fake.calls()).toBe(1);
    expect(agent.store.getTurn(turnId)).toMatchObject({ state: 'done', stopReason: 'ended' });
    expect((await collect(agent.resume({ sessionId, goOn: true })))[0]).toMatchObject({
      type: 'error',
      code: 'nothing_to_resume',
    });
    // The next message continues a well-formed conversation: user, tool call, its result, user.
    const third = await collect(agent.send({ sessionId, message: 'Hello' }));
    expect(eventOf(third, 'turn-end').answer).toBe('Hello again.');
    expect(fake.prompts()[1]?.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'user',
    ]);
  });

  it('the same tool with the same canonical arguments twice: the second does not run, the turn stops', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'count', input: { n: 3, exact: true } }] },
      // Same arguments, keys in another order: the same canonical call.
      { toolCalls: [{ tool: 'count', input: { exact: true, n: 3 } }] },
      { text: 'Counted.' },
    ]);
    const { agent } = bench.open(fake.model);
    const first = await collect(agent.send({ message: 'Count to three' }));
    expect(eventOf(first, 'stop').reason).toBe('repeated_call');
    expect(bench.spies.count.calls).toHaveLength(1);
    const end = eventOf(first, 'turn-end');
    expect(end.steps.map((step) => step.status)).toEqual(['done', 'not_run']);
    expect(end.steps[1]?.output).toMatch(/already called with the same arguments/);

    const second = await collect(agent.resume({ sessionId: end.sessionId, goOn: true }));
    expect(eventOf(second, 'turn-end').answer).toBe('Counted.');
    expect(bench.spies.count.calls).toHaveLength(1);
    expect(JSON.stringify(fake.prompts()[2]?.at(-1))).toMatch(/already called with the same arguments/);
  });

  it('the same call twice in one step stops too, and the second is not run', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      {
        toolCalls: [
          { tool: 'note', input: { text: 'x' } },
          { tool: 'note', input: { text: 'x' } },
        ],
      },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Note x' }));
    expect(eventOf(events, 'stop').reason).toBe('repeated_call');
    expect(bench.spies.note.calls).toHaveLength(1);
  });
});

describe('malformed arguments', () => {
  it('a local repair fixes JSON slips and scalar strings, and the call runs', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'count', input: "```json\n{n: '5', 'exact': 'true',}\n```" }] },
      { text: 'Five.' },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Count to five' }));
    expect(bench.spies.count.calls).toEqual([{ n: 5, exact: true }]);
    expect(eventOf(events, 'turn-end').steps[0]).toMatchObject({
      arguments: { n: 5, exact: true },
      status: 'done',
    });
    expect(fake.calls()).toBe(2);
  });

  it('still invalid: the model is told the error once and its second try runs', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'count', input: { n: 'five', exact: true } }] },
      { toolCalls: [{ tool: 'count', input: { n: 5, exact: true } }] },
      { text: 'Five.' },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Count to five' }));
    expect(bench.spies.count.calls).toEqual([{ n: 5, exact: true }]);
    const end = eventOf(events, 'turn-end');
    expect(end.answer).toBe('Five.');
    expect(end.steps.map((step) => step.status)).toEqual(['failed', 'done']);
    const told = JSON.stringify(fake.prompts()[1]?.at(-1));
    expect(told).toMatch(/invalid arguments for count/);
    expect(told).toMatch(/again/);
  });

  it('invalid twice: the call fails with the error and the turn stops (invalid_tool_call)', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'count', input: { n: 'five', exact: true } }] },
      { toolCalls: [{ tool: 'count', input: '{"n": "five" "exact"' }] },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Count to five' }));
    expect(bench.spies.count.calls).toEqual([]);
    expect(eventOf(events, 'stop').reason).toBe('invalid_tool_call');
    const end = eventOf(events, 'turn-end');
    expect(end.steps.map((step) => step.status)).toEqual(['failed', 'failed']);
    expect(end.steps[1]?.output).toMatch(/invalid arguments for count: the arguments are not JSON/);
  });

  it('an unknown tool is never repaired, even one letter away from a real one', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'erases', input: { book: 'moby' } }] },
      { text: 'I cannot.' },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Erase moby' }));
    expect(bench.spies.erase.calls).toEqual([]);
    expect(events.some((event) => event.type === 'approval-request')).toBe(false);
    const step = eventOf(events, 'turn-end').steps[0];
    expect(step).toMatchObject({ tool: 'erases', status: 'failed' });
    expect(step?.output).toBe('unknown tool erases; available: lookup, note, erase, count, fail');
  });
});

describe('tool failures', () => {
  it("a ToolError's message reaches the model; any other error is generic, without its stack or paths", async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([
      {
        toolCalls: [
          { tool: 'fail', input: { kind: 'tool' } },
          { tool: 'fail', input: { kind: 'internal' } },
        ],
      },
      { text: 'Both failed.' },
    ]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Try' }));
    const [toolError, internal] = eventOf(events, 'turn-end').steps;
    expect(toolError).toMatchObject({
      status: 'failed',
      output: 'Library Brain is not running at http://127.0.0.1:9',
    });
    expect(internal).toMatchObject({ status: 'failed', output: 'fail failed with an internal error.' });
    const told = JSON.stringify(fake.prompts()[1]);
    expect(told).toContain('Library Brain is not running');
    expect(told).not.toContain('secret internal detail');
    expect(told).not.toContain('file.ts');
    expect(JSON.stringify(events)).not.toContain('secret internal detail');
  });

  it('a model that fails gives an error event and ends the turn', async () => {
    bench = agentBench();
    const fake = fakeScriptedModel([{ error: 'connect ECONNREFUSED 127.0.0.1:8090' }]);
    const { agent } = bench.open(fake.model);
    const events = await collect(agent.send({ message: 'Hello' }));
    expect(events.map((event) => event.type)).toEqual(['turn-start', 'step-start', 'error', 'turn-end']);
    expect(eventOf(events, 'error').code).toBe('model_failed');
  });
});

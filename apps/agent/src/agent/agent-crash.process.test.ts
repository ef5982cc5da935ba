// A real crash: a child process runs a turn and is killed (SIGKILL) inside a tool. What it wrote before
// is in the database after the "restart" (a new agent over the same file), and the call that was
// running is never run again.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeScriptedModel } from '../loop/testing/fake-scripted-model.js';
import type { AgentEvent } from './agent-events.js';
import { agentBench, collect, eventOf } from './testing/agent-test-bench.js';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runChild(databasePath: string) {
  return new Promise<{ signal: NodeJS.Signals | null; events: AgentEvent[] }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@klody/source',
        '--import',
        'tsx',
        'src/loop/testing/crash-in-tool-child.ts',
        databasePath,
      ],
      { cwd: appRoot, stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 },
    );
    let stdout = '';
    child.stdout.on('data', (data) => {
      stdout += String(data);
    });
    child.once('error', reject);
    child.once('close', (_code, signal) =>
      resolve({
        signal,
        events: stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as AgentEvent),
      }),
    );
  });
}

let bench: ReturnType<typeof agentBench>;
afterEach(async () => {
  await bench.cleanup();
});

describe('a crash in the middle of a turn', () => {
  it('keeps what was written, and never runs the interrupted call again', async () => {
    bench = agentBench();
    // The child creates the file; the bench only gives it the path.
    const { signal, events } = await runChild(bench.path);
    expect(signal).toBe('SIGKILL');
    const { sessionId, turnId } = eventOf(events, 'turn-start');
    expect(events.filter((event) => event.type === 'tool-result')).toHaveLength(1);

    const fake = fakeScriptedModel([{ text: 'Whales are large; the second step was interrupted.' }]);
    const { agent } = bench.open(fake.model);
    const before = agent.store.sessionDetail(sessionId);
    expect(before?.turns[0]).toMatchObject({ id: turnId, state: 'running', stepsUsed: 1 });
    expect(before?.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(agent.store.toolCalls(turnId).map((call) => [call.tool, call.status])).toEqual([
      ['lookup', 'done'],
      ['crash', 'running'],
    ]);

    const resumed = await collect(agent.resume({ sessionId, goOn: true }));
    const end = eventOf(resumed, 'turn-end');
    expect(end.answer).toBe('Whales are large; the second step was interrupted.');
    expect(end.steps.map((step) => [step.tool, step.status])).toEqual([
      ['lookup', 'done'],
      ['crash', 'failed'],
    ]);
    expect(end.steps[1]?.output).toMatch(/interrupted/);
    // The parent's lookup never ran: the child's result was kept, not recomputed.
    expect(bench.spies.lookup.calls).toEqual([]);
    expect(fake.prompts()[0]?.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
  });
});

// `pnpm agent …` as a user runs it: real processes, a real database in a temporary KLODY_HOME, the
// real agent, a scripted OpenAI-compatible server as the gateway and a spy Library Brain.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLibraryBrain, startFakeLibraryBrain } from './fake-library-brain.js';
import { type FakeOpenAIServer, startFakeOpenAIServer, toolResultsSent } from './fake-openai-server.js';
import { onlyJsonLine, runAgentCli } from './run-agent-cli.js';

let gateway: FakeOpenAIServer;
let library: FakeLibraryBrain;
let env: Record<string, string>;

interface AskJson {
  sessionId: string;
  answer: string;
  steps: {
    tool: string;
    arguments: unknown;
    effect: string;
    approval: string;
    status: string;
    output: string | null;
  }[];
  pendingApprovals: { approvalId: string; tool: string }[];
  stop: { reason: string; question: string } | null;
}

const agent = (...args: string[]) => runAgentCli(args, env);
const deletes = () => library.requests.filter((request) => request.method === 'DELETE');

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
  library = await startFakeLibraryBrain();
});
afterAll(async () => {
  await gateway.close();
  await library.close();
});
beforeEach(() => {
  env = {
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-agent-cli-')),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: library.url,
    KLODY_VOCALBRAIN_URL: 'none',
    KLODY_LOG_LEVEL: 'warn',
  };
  gateway.replies.length = 0;
  gateway.requests.length = 0;
  library.requests.length = 0;
});

describe('pnpm agent', () => {
  it('ask --json prints exactly one line with the answer and each step', async () => {
    gateway.replies.push(
      { toolCalls: [{ name: 'current_time', arguments: {} }] },
      { text: ['Il est ', 'midi.'] },
    );
    const run = await agent('ask', 'Quelle heure est-il ?', '--json');
    expect(run.code).toBe(0);
    const result = onlyJsonLine(run.stdout) as AskJson;
    expect(result.answer).toBe('Il est midi.');
    expect(result.sessionId).toMatch(/\S/);
    expect(result.steps).toHaveLength(1);
    expect(Object.keys(result.steps[0] ?? {})).toEqual([
      'tool',
      'arguments',
      'effect',
      'approval',
      'status',
      'output',
    ]);
    expect(result.steps[0]).toMatchObject({
      tool: 'current_time',
      arguments: {},
      effect: 'read',
      approval: 'not_needed',
      status: 'done',
    });
    expect(result.pendingApprovals).toEqual([]);
    expect(result.stop).toBeNull();

    // Without --json the answer streams for people, and the session can be continued.
    gateway.replies.push({ text: ['Toujours midi.'] });
    const again = await agent('ask', 'Et maintenant ?', '--session', result.sessionId);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Toujours midi.');
    expect(
      gateway.requests.at(-1)?.body.messages.some((message) => message.content === 'Quelle heure est-il ?'),
    ).toBe(true);
  });

  it('ask leaves a destructive call pending, lists it, and approve/deny decides it later', async () => {
    gateway.replies.push({ toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] });
    const asked = await agent('ask', 'Supprime Candide.', '--json');
    expect(asked.code).toBe(0);
    const result = onlyJsonLine(asked.stdout) as AskJson;
    expect(result.answer).toBe('');
    expect(result.steps).toEqual([
      {
        tool: 'remove_book',
        arguments: { book: 3 },
        effect: 'destructive',
        approval: 'pending',
        status: 'not_run',
        output: null,
      },
    ]);
    expect(result.stop?.reason).toBe('approval_pending');
    const approvalId = result.pendingApprovals[0]?.approvalId ?? '';
    expect(approvalId).toMatch(/\S/);

    const listed = await agent('approvals', '--json');
    expect(listed.code).toBe(0);
    expect((onlyJsonLine(listed.stdout) as { approvals: { approvalId: string }[] }).approvals).toEqual([
      expect.objectContaining({ approvalId, tool: 'remove_book', sessionId: result.sessionId }),
    ]);
    const table = await agent('approvals');
    expect(table.stdout).toContain(approvalId);
    // A table of lines: the header, then one line per approval (it came out joined by commas).
    expect(table.stdout.split('\n')[0]).toMatch(/^approval\s+session\s+tool\s+arguments\s+expires\s+reason$/);
    expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`^${approvalId}\\s`));

    gateway.replies.push({ text: ['Je n’ai rien supprimé.'] });
    const denied = await agent('deny', approvalId, '--session', result.sessionId, '--json');
    expect(denied.code).toBe(0);
    const after = onlyJsonLine(denied.stdout) as AskJson;
    expect(after.steps).toEqual([
      expect.objectContaining({ tool: 'remove_book', approval: 'denied', status: 'not_run' }),
    ]);
    expect(after.answer).toBe('Je n’ai rien supprimé.');
    expect(toolResultsSent(gateway.requests.at(-1) as never).join(' ')).toMatch(/denied/i);
    expect(deletes()).toEqual([]);
    expect(
      (onlyJsonLine((await agent('approvals', '--json')).stdout) as { approvals: unknown[] }).approvals,
    ).toEqual([]);

    // Used: deciding it again fails with the store's code, and nothing runs.
    const twice = await agent('approve', approvalId, '--json');
    expect(twice.code).toBe(1);
    expect(onlyJsonLine(twice.stdout)).toMatchObject({ errors: [{ code: 'approval_already_decided' }] });
    expect(deletes()).toEqual([]);
  });

  it('ask --approvals deny denies what needs an approval and finishes the turn', async () => {
    gateway.replies.push(
      { toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] },
      { text: ['D’accord, je laisse Candide.'] },
    );
    const run = await agent('ask', 'Supprime Candide.', '--approvals', 'deny', '--json');
    expect(run.code).toBe(0);
    const result = onlyJsonLine(run.stdout) as AskJson;
    expect(result.steps).toEqual([expect.objectContaining({ approval: 'denied', status: 'not_run' })]);
    expect(result.steps[0]?.output).toMatch(/denied/i);
    expect(result.answer).toBe('D’accord, je laisse Candide.');
    expect(result.pendingApprovals).toEqual([]);
    expect(deletes()).toEqual([]);
  });

  it('chat streams the answer, asks approvals inline, and leaves on exit (the README exchange)', async () => {
    gateway.replies.push(
      { text: ['Bonjour ! ', 'Je suis Klody.'] },
      { toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] },
      { text: ['D’accord, je n’ai pas supprimé Candide.'] },
    );
    const run = await runAgentCli(['chat'], env, {
      input: 'Bonjour, qui es-tu ?\nSupprime le livre Candide (id 3).\nnon\nexit\n',
    });
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/session_[\w-]+/, 'session_…')).toBe(
      [
        '> Bonjour, qui es-tu ?',
        'Bonjour ! Je suis Klody.',
        '> Supprime le livre Candide (id 3).',
        '· remove_book {"book":3} · destructive · approval needed: remove_book removes or overwrites something, which always asks.',
        'Approve remove_book {"book":3}? (oui/non/yes/no) non',
        '· remove_book {"book":3} · destructive · denied · not_run · denied by the user; not run',
        'D’accord, je n’ai pas supprimé Candide.',
        '> exit',
        '(session session_…)',
        '',
      ].join('\n'),
    );
    expect(deletes()).toEqual([]);
    expect(gateway.replies).toEqual([]);
  });

  it('chat runs an approved call and answers a max-steps question', async () => {
    env.KLODY_AGENT_MAX_STEPS = '1';
    gateway.replies.push(
      { toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] },
      { text: ['Candide est supprimé.'] },
    );
    // One step per budget: once the approved call has run, the agent asks before its next step.
    const run = await runAgentCli(['chat'], env, { input: 'Supprime Candide\noui\nyes\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/· remove_book \{"book":3\} · destructive · approved · done/);
    expect(run.stdout).toMatch(/Shall I go on for 1 more step\? \(oui\/non\/yes\/no\) yes/);
    expect(run.stdout).toContain('Candide est supprimé.');
    expect(deletes()).toEqual([{ method: 'DELETE', path: '/api/books/3' }]);
  });

  it('recalls facts about the user into the context of a new session', async () => {
    gateway.replies.push(
      { toolCalls: [{ name: 'remember', arguments: { fact: 'The user’s cat is called Zadig.' } }] },
      { text: ['Noté.'] },
    );
    const remembered = onlyJsonLine(
      (await agent('ask', 'Mon chat s’appelle Zadig, retiens-le.', '--json')).stdout,
    ) as AskJson;
    expect(remembered.steps).toEqual([expect.objectContaining({ tool: 'remember', status: 'done' })]);

    gateway.replies.push({ text: ['Zadig.'] });
    const asked = onlyJsonLine(
      (await agent('ask', 'Comment s’appelle mon chat ?', '--json')).stdout,
    ) as AskJson;
    expect(asked.sessionId).not.toBe(remembered.sessionId);
    const context = JSON.stringify(
      gateway.requests.at(-1)?.body.messages.filter((message) => message.role === 'system'),
    );
    expect(context).toContain('Zadig');
  });

  it('backfill mirrors the stored turns once; a second run adds nothing', async () => {
    gateway.replies.push({ text: ['Un.'] }, { text: ['Deux.'] });
    expect((await agent('ask', 'Premier message', '--json')).code).toBe(0);
    expect((await agent('ask', 'Second message', '--json')).code).toBe(0);
    const first = onlyJsonLine((await agent('backfill', '--json')).stdout) as {
      added: number;
      skipped: number;
    };
    expect(first.added + first.skipped).toBe(2);
    const second = await agent('backfill', '--json');
    expect(second.code).toBe(0);
    expect(onlyJsonLine(second.stdout)).toEqual({ added: 0, skipped: 2 });
    expect((await agent('backfill')).stdout).toBe('0 turns added to memory, 2 already there\n');
  });

  it('refuses bad usage and bad configuration with exit 2 and one JSON error line', async () => {
    const badMode = await agent('ask', 'x', '--approvals', 'maybe', '--json');
    expect(badMode.code).toBe(2);
    expect(onlyJsonLine(badMode.stdout)).toMatchObject({ error: { code: 'invalid_usage' } });

    const badPort = await runAgentCli(['ask', 'x', '--json'], { ...env, KLODY_AGENT_PORT: 'eighty' });
    expect(badPort.code).toBe(2);
    expect(onlyJsonLine(badPort.stdout)).toMatchObject({ error: { code: 'invalid_configuration' } });
    expect(badPort.stderr).toMatch(/KLODY_AGENT_PORT/);

    // A port in use is named, with how to choose another.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    const serve = await agent('serve', '--port', port);
    taken.close();
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}.*--port or KLODY_AGENT_PORT`),
    );

    const unknown = await agent('deny', 'approval-that-does-not-exist', '--json');
    expect(unknown.code).toBe(2);
    expect(onlyJsonLine(unknown.stdout)).toMatchObject({ error: { code: 'approval_not_found' } });
    expect(gateway.requests).toEqual([]);
  });
});

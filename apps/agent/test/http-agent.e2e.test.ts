// The HTTP API with the real agent: real SQLite in a temporary KLODY_HOME, the real loop and tools,
// a real HTTP server, and a scripted OpenAI-compatible server (fake-openai-server) as the gateway.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/agent/agent-events.js';
import { readConfig } from '../src/config/config.js';
import type { SessionDetail } from '../src/http/agent-records.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { type FakeLibraryBrain, startFakeLibraryBrain } from './fake-library-brain.js';
import { type FakeOpenAIServer, startFakeOpenAIServer, toolResultsSent } from './fake-openai-server.js';
import { parseServerSentEvents, readServerSentEvents } from './server-sent-events.js';

let gateway: FakeOpenAIServer;
let library: FakeLibraryBrain;
let server: RunningServer;

async function start(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = readConfig({
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-agent-http-')),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: library.url,
    KLODY_VOCALBRAIN_URL: 'none',
    ...env,
  });
  return startServer(config, { port: 0 });
}

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
  library = await startFakeLibraryBrain();
});
afterAll(async () => {
  await gateway.close();
  await library.close();
});
afterEach(async () => {
  await server?.close({ graceMs: 100 });
  gateway.replies.length = 0;
  gateway.requests.length = 0;
  library.requests.length = 0;
});

function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function events(response: Response): Promise<AgentEvent[]> {
  expect(response.status).toBe(200);
  return parseServerSentEvents(await response.text()).map((event) => {
    expect(event.event).toBe((event.data as AgentEvent).type);
    return event.data as AgentEvent;
  });
}

async function newSession(): Promise<string> {
  const response = await post('/api/sessions', {});
  expect(response.status).toBe(201);
  return ((await response.json()) as { sessionId: string }).sessionId;
}

async function detail(sessionId: string): Promise<SessionDetail> {
  const response = await fetch(`${server.url}/api/sessions/${sessionId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SessionDetail;
}

const ofType = <T extends AgentEvent['type']>(list: AgentEvent[], type: T) =>
  list.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);

describe('the agent over HTTP, end to end', () => {
  it('answers a message as an SSE stream of text as it comes, and keeps the conversation', async () => {
    server = await start();
    gateway.replies.push({ text: ['Bonjour', ', je suis ', 'Klody.'] });
    const sessionId = await newSession();
    const streamed = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'Bonjour !' }),
    );
    expect(streamed[0]).toMatchObject({ type: 'turn-start', sessionId });
    expect(ofType(streamed, 'text-delta').map((event) => event.text)).toEqual([
      'Bonjour',
      ', je suis ',
      'Klody.',
    ]);
    expect(streamed.at(-1)).toMatchObject({ type: 'turn-end', answer: 'Bonjour, je suis Klody.', steps: [] });

    const session = await detail(sessionId);
    expect(session.messages).toEqual([
      expect.objectContaining({ role: 'user', text: 'Bonjour !' }),
      expect.objectContaining({ role: 'assistant', text: 'Bonjour, je suis Klody.' }),
    ]);
    const listed = (await (await fetch(`${server.url}/api/sessions`)).json()) as {
      sessions: { sessionId: string }[];
    };
    expect(listed.sessions.map((listedSession) => listedSession.sessionId)).toContain(sessionId);
    expect(gateway.requests[0]?.body.model).toBe('brain');
  });

  it('runs read tools (current_time, remember then recall) and shows each step', async () => {
    server = await start();
    const sessionId = await newSession();
    gateway.replies.push(
      { toolCalls: [{ name: 'current_time', arguments: {} }] },
      { toolCalls: [{ name: 'remember', arguments: { fact: 'My cat is called Zadig.' } }] },
      { text: ['Noted.'] },
    );
    const first = await events(
      await post(`/api/sessions/${sessionId}/messages`, {
        message: 'What time is it? Remember my cat is Zadig.',
      }),
    );
    const steps = ofType(first, 'tool-result').map((event) => event.step);
    expect(steps.map((step) => [step.tool, step.effect, step.approval, step.status])).toEqual([
      ['current_time', 'read', 'not_needed', 'done'],
      ['remember', 'write', 'not_needed', 'done'],
    ]);
    expect(steps[0]?.output).toMatch(/^It is /);

    gateway.replies.push(
      { toolCalls: [{ name: 'recall', arguments: { query: 'cat' } }] },
      { text: ['Zadig.'] },
    );
    const second = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'What is my cat called?' }),
    );
    const recall = ofType(second, 'tool-result')[0]?.step;
    expect(recall).toMatchObject({ tool: 'recall', status: 'done' });
    expect(recall?.output).toContain('Zadig');
    expect(second.at(-1)).toMatchObject({ type: 'turn-end', answer: 'Zadig.' });
    expect((await detail(sessionId)).steps.map((step) => step.tool)).toEqual([
      'current_time',
      'remember',
      'recall',
    ]);
  });

  it('asks before a destructive call; a denial runs nothing and the model is told so', async () => {
    server = await start();
    const sessionId = await newSession();
    gateway.replies.push({ toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] });
    const first = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'Supprime Candide.' }),
    );
    const request = ofType(first, 'approval-request')[0];
    expect(request).toMatchObject({ tool: 'remove_book', effect: 'destructive', arguments: { book: 3 } });
    expect(first.at(-2)).toMatchObject({ type: 'stop', reason: 'approval_pending' });
    expect(first.at(-1)).toMatchObject({ type: 'turn-end', answer: '' });
    const approvalId = request?.approvalId ?? '';

    const pending = (await (await fetch(`${server.url}/api/approvals`)).json()) as {
      approvals: { approvalId: string }[];
    };
    expect(pending.approvals.map((approval) => approval.approvalId)).toEqual([approvalId]);
    expect((await detail(sessionId)).pendingApprovals).toHaveLength(1);

    gateway.replies.push({ text: ['Je ne l’ai pas supprimé.'] });
    const decided = await events(
      await post(`/api/sessions/${sessionId}/approvals/${approvalId}`, { decision: 'deny' }),
    );
    expect(ofType(decided, 'tool-result')[0]?.step).toMatchObject({
      tool: 'remove_book',
      approval: 'denied',
      status: 'not_run',
    });
    expect(decided.at(-1)).toMatchObject({ type: 'turn-end', answer: 'Je ne l’ai pas supprimé.' });
    expect(toolResultsSent(gateway.requests.at(-1) as never).join(' ')).toMatch(/denied/i);
    expect(library.requests.filter((request) => request.method === 'DELETE')).toEqual([]);

    // Single use: the same decision again is a conflict, and nothing more runs.
    const again = await post(`/api/sessions/${sessionId}/approvals/${approvalId}`, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('approval_already_decided');
    expect(library.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
    expect(
      ((await (await fetch(`${server.url}/api/approvals`)).json()) as { approvals: unknown[] }).approvals,
    ).toEqual([]);
  });

  it('runs an approved call once, against the organ', async () => {
    server = await start();
    const sessionId = await newSession();
    gateway.replies.push(
      { toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] },
      { text: ['Candide est supprimé.'] },
    );
    const first = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'Supprime Candide.' }),
    );
    const approvalId = ofType(first, 'approval-request')[0]?.approvalId ?? '';
    const decided = await events(
      await post(`/api/sessions/${sessionId}/approvals/${approvalId}`, { decision: 'approve' }),
    );
    expect(ofType(decided, 'tool-result')[0]?.step).toMatchObject({ approval: 'approved', status: 'done' });
    expect(library.requests.filter((request) => request.method === 'DELETE')).toEqual([
      { method: 'DELETE', path: '/api/books/3' },
    ]);
  });

  it('answers an expired approval with 409 approval_expired, and the call never runs', async () => {
    server = await start({ KLODY_AGENT_APPROVAL_TTL: '0.3' });
    const sessionId = await newSession();
    gateway.replies.push(
      { toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] },
      { text: ['Trop tard.'] },
    );
    const first = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'Supprime Candide.' }),
    );
    const approvalId = ofType(first, 'approval-request')[0]?.approvalId ?? '';
    await new Promise((resolve) => setTimeout(resolve, 400));
    const late = await post(`/api/sessions/${sessionId}/approvals/${approvalId}`, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('approval_expired');
    // The turn goes on without the call; the session shows it not run.
    await expect
      .poll(async () => (await detail(sessionId)).steps[0], { timeout: 5_000 })
      .toMatchObject({ tool: 'remove_book', status: 'not_run' });
    expect(library.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });

  it('asks whether to go on at max steps, and goes on when told to', async () => {
    server = await start({ KLODY_AGENT_MAX_STEPS: '2' });
    const sessionId = await newSession();
    gateway.replies.push(
      { toolCalls: [{ name: 'current_time', arguments: {} }] },
      { toolCalls: [{ name: 'current_time', arguments: { timezone: 'Europe/Paris' } }] },
    );
    const first = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'Quelle heure est-il ?' }),
    );
    const stop = ofType(first, 'stop')[0];
    expect(stop?.reason).toBe('max_steps');
    expect(stop?.question).toMatch(/continue/);
    expect((await detail(sessionId)).pendingQuestion).toMatchObject({ reason: 'max_steps' });

    gateway.replies.push({ text: ['Il est midi.'] });
    const resumed = await events(await post(`/api/sessions/${sessionId}/resume`, { goOn: true }));
    expect(resumed.at(-1)).toMatchObject({ type: 'turn-end', answer: 'Il est midi.' });
    expect((await detail(sessionId)).pendingQuestion).toBeNull();
  });

  it('stops on a repeated call without running it, and ends the turn when told not to go on', async () => {
    server = await start();
    const sessionId = await newSession();
    gateway.replies.push(
      { toolCalls: [{ name: 'current_time', arguments: { timezone: 'Europe/Paris' } }] },
      { toolCalls: [{ name: 'current_time', arguments: { timezone: 'Europe/Paris' } }] },
    );
    const first = await events(
      await post(`/api/sessions/${sessionId}/messages`, { message: 'What time is it?' }),
    );
    expect(ofType(first, 'stop')[0]?.reason).toBe('repeated_call');
    expect(ofType(first, 'tool-result').map((event) => event.step.status)).toEqual(['done', 'not_run']);
    const waiting = (await detail(sessionId)).pendingQuestion;
    expect(waiting?.reason).toBe('repeated_call');
    expect(waiting?.question).toContain('current_time');

    const ended = await events(await post(`/api/sessions/${sessionId}/resume`, { goOn: false }));
    expect(ended.at(-1)?.type).toBe('turn-end');
    expect((await detail(sessionId)).pendingQuestion).toBeNull();
    expect(gateway.requests).toHaveLength(2);

    // Nothing is stopped any more: resuming again is a conflict.
    const again = await post(`/api/sessions/${sessionId}/resume`, { goOn: true });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('nothing_to_resume');
  });

  it('aborts the model call when the client leaves, and the session stays usable', async () => {
    server = await start();
    const sessionId = await newSession();
    gateway.replies.push({ text: ['Je commence…'], hang: true });
    const client = new AbortController();
    const response = await post(
      `/api/sessions/${sessionId}/messages`,
      { message: 'Raconte une longue histoire.' },
      client.signal,
    );
    for await (const event of readServerSentEvents(response)) {
      if (event.event === 'text-delta') break;
    }
    client.abort();
    await expect.poll(() => gateway.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);

    gateway.replies.push({ text: ['Me revoilà.'] });
    await expect
      .poll(
        async () => (await post(`/api/sessions/${sessionId}/messages`, { message: 'Tu es là ?' })).status,
        {
          timeout: 5_000,
        },
      )
      .toBe(200);
    const session = await detail(sessionId);
    expect(
      session.messages.filter((message) => message.role === 'user').map((message) => message.text),
    ).toEqual(['Raconte une longue histoire.', 'Tu es là ?']);
  });

  it('says on /health whether the gateway answers and serves the chat model', async () => {
    server = await start();
    expect(await (await fetch(`${server.url}/health`)).json()).toMatchObject({ status: 'ok', gateway: 'ok' });
    await server.close({ graceMs: 100 });
    server = await start({ KLODY_GATEWAY_URL: 'http://127.0.0.1:9' });
    expect(await (await fetch(`${server.url}/health`)).json()).toMatchObject({
      status: 'degraded',
      gateway: 'unreachable',
      reason: expect.stringContaining('http://127.0.0.1:9'),
    });
    await server.close({ graceMs: 100 });
    // A gateway that answers but serves no such chat model: every turn would fail, so /health says so.
    server = await start({ KLODY_CHAT_MODEL: 'thinker' });
    expect(await (await fetch(`${server.url}/health`)).json()).toMatchObject({
      status: 'degraded',
      gateway: 'model_missing',
      reason: expect.stringMatching(/serves no model "thinker" \(KLODY_CHAT_MODEL\); it serves: brain/),
    });
  });
});

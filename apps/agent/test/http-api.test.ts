// The HTTP API's routes, status codes and SSE framing, over a scripted agent (fake-agent): the
// end-to-end tests run the same routes with the real agent.
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/agent/agent-events.js';
import { createApp } from '../src/http/create-app.js';
import { answerTurn, createFakeAgent, type FakeAgent } from './fake-agent.js';
import { parseServerSentEvents } from './server-sent-events.js';

const base = 'http://127.0.0.1:8000';

function appOf(fake: FakeAgent, apiKey: string | null = null) {
  return createApp({ agent: fake.agent, records: fake.records, apiKey });
}

function get(path: string, headers: Record<string, string> = {}) {
  return new Request(`${base}${path}`, { headers: { host: '127.0.0.1:8000', ...headers } });
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${base}${path}`, {
    method: 'POST',
    headers: { host: '127.0.0.1:8000', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const approvalRequest: AgentEvent = {
  type: 'approval-request',
  approvalId: 'approval-1',
  toolCallId: 'call-1',
  tool: 'remove_book',
  arguments: { book: 'Candide' },
  effect: 'destructive',
  reason: 'remove_book is destructive',
  expiresAt: '2026-11-30T23:10:00.000Z',
};

describe('the agent HTTP API', () => {
  it('creates, lists and shows sessions', async () => {
    const fake = createFakeAgent();
    const app = appOf(fake);
    const created = await app.request(post('/api/sessions', {}));
    expect(created.status).toBe(201);
    const { sessionId } = (await created.json()) as { sessionId: string };
    expect(sessionId).toBe('session-1');

    const list = (await (await app.request(get(`/api/sessions`))).json()) as { sessions: unknown[] };
    expect(list.sessions).toEqual([expect.objectContaining({ sessionId, turns: 0 })]);

    const detail = await app.request(get(`/api/sessions/${sessionId}`));
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ sessionId, messages: [], steps: [], pendingApprovals: [] });
  });

  it('answers a message with the turn events as SSE, named by their type', async () => {
    const fake = createFakeAgent([answerTurn('session-1', ['Bon', 'jour !'])]);
    const app = appOf(fake);
    const { sessionId } = (await (await app.request(post('/api/sessions', {}))).json()) as {
      sessionId: string;
    };
    const response = await app.request(post(`/api/sessions/${sessionId}/messages`, { message: 'Salut' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseServerSentEvents(await response.text());
    expect(events.map((event) => event.event)).toEqual([
      'turn-start',
      'step-start',
      'text-delta',
      'text-delta',
      'turn-end',
    ]);
    expect(events[2]?.data).toEqual({ type: 'text-delta', text: 'Bon' });
    expect(events[4]?.data).toMatchObject({ type: 'turn-end', answer: 'Bonjour !' });
    expect(fake.calls[0]).toMatchObject({ method: 'send', sessionId, message: 'Salut' });
  });

  it('refuses an unknown session with 404 and a bad body with 400, running nothing', async () => {
    const fake = createFakeAgent();
    const app = appOf(fake);
    const unknown = await app.request(post('/api/sessions/nope/messages', { message: 'hi' }));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'session_not_found', message: 'no session nope' },
    });
    expect((await app.request(get(`/api/sessions/nope`))).status).toBe(404);
    expect((await app.request(post('/api/sessions/nope/resume', { goOn: true }))).status).toBe(404);

    const { sessionId } = (await (await app.request(post('/api/sessions', {}))).json()) as {
      sessionId: string;
    };
    for (const [body, message] of [
      ['{not json', 'the request body is not valid JSON'],
      [{}, 'message: message must be a string'],
      [{ message: '   ' }, 'message: message is empty'],
      [{ message: 'x'.repeat(20_001) }, 'message: message is longer than 20,000 characters'],
    ] as const) {
      const response = await app.request(post(`/api/sessions/${sessionId}/messages`, body));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(message);
    }
    const badDecision = await app.request(
      post(`/api/sessions/${sessionId}/approvals/a`, { decision: 'maybe' }),
    );
    expect(badDecision.status).toBe(400);
    const badResume = await app.request(post(`/api/sessions/${sessionId}/resume`, { goOn: 'yes' }));
    expect(badResume.status).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it('streams an approval request, then continues the turn on a decision', async () => {
    const timing = { modelMs: 1, toolsMs: 0, approvalsWaitingMs: 5, totalMs: 6 };
    const denied = {
      toolCallId: 'call-1',
      tool: 'remove_book',
      arguments: { book: 'Candide' },
      effect: 'destructive' as const,
      approval: 'denied' as const,
      status: 'not_run' as const,
      output: 'denied by the user, not run',
    };
    const fake = createFakeAgent([
      {
        events: [
          { type: 'turn-start', sessionId: 'session-1', turnId: 'turn-1' },
          { type: 'step-start', step: 1 },
          {
            type: 'tool-call',
            toolCallId: 'call-1',
            tool: 'remove_book',
            arguments: { book: 'Candide' },
            effect: 'destructive',
          },
          approvalRequest,
          { type: 'stop', reason: 'approval_pending', question: 'Approve remove_book?' },
        ],
      },
      {
        events: [
          { type: 'tool-result', step: denied },
          { type: 'text-delta', text: 'Je ne l’ai pas supprimé.' },
          {
            type: 'turn-end',
            sessionId: 'session-1',
            turnId: 'turn-1',
            answer: 'Je ne l’ai pas supprimé.',
            steps: [denied],
            timing,
          },
        ],
      },
    ]);
    const app = appOf(fake);
    await app.request(post('/api/sessions', {}));
    const first = parseServerSentEvents(
      await (
        await app.request(post('/api/sessions/session-1/messages', { message: 'Supprime Candide' }))
      ).text(),
    );
    expect(first.at(-1)?.data).toMatchObject({ type: 'stop', reason: 'approval_pending' });

    const pending = (await (await app.request(get(`/api/approvals`))).json()) as { approvals: unknown[] };
    expect(pending.approvals).toEqual([
      expect.objectContaining({ approvalId: 'approval-1', tool: 'remove_book' }),
    ]);
    const detail = (await (await app.request(get(`/api/sessions/session-1`))).json()) as {
      pendingApprovals: unknown[];
    };
    expect(detail.pendingApprovals).toHaveLength(1);

    const decided = await app.request(
      post('/api/sessions/session-1/approvals/approval-1', { decision: 'deny' }),
    );
    expect(decided.status).toBe(200);
    const events = parseServerSentEvents(await decided.text());
    expect(events[0]?.data).toMatchObject({
      type: 'tool-result',
      step: { approval: 'denied', status: 'not_run' },
    });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'decide', approvalId: 'approval-1', decision: 'deny' });
    expect(
      ((await (await app.request(get(`/api/approvals`))).json()) as { approvals: unknown[] }).approvals,
    ).toEqual([]);

    // Used once: deciding it again is a conflict, answered as JSON before any stream.
    const again = await app.request(
      post('/api/sessions/session-1/approvals/approval-1', { decision: 'approve' }),
    );
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('approval_already_decided');
  });

  it('answers an expired approval with 409 approval_expired and an unknown one with 404', async () => {
    const fake = createFakeAgent([
      {
        events: [
          approvalRequest,
          { type: 'stop', reason: 'approval_pending', question: 'Approve remove_book?' },
        ],
      },
    ]);
    const app = appOf(fake);
    await app.request(post('/api/sessions', {}));
    await (
      await app.request(post('/api/sessions/session-1/messages', { message: 'Supprime Candide' }))
    ).text();
    fake.expire('approval-1');
    const expired = await app.request(
      post('/api/sessions/session-1/approvals/approval-1', { decision: 'approve' }),
    );
    expect(expired.status).toBe(409);
    expect(await expired.json()).toEqual({
      error: { code: 'approval_expired', message: 'approval approval-1: approval_expired' },
    });
    const unknown = await app.request(
      post('/api/sessions/session-1/approvals/approval-9', { decision: 'approve' }),
    );
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('approval_not_found');

    // Another session cannot decide it, even with its id.
    await app.request(post('/api/sessions', {}));
    const foreign = await app.request(
      post('/api/sessions/session-2/approvals/approval-1', { decision: 'deny' }),
    );
    expect(foreign.status).toBe(404);
  });

  it('resumes a stopped turn with the user answer', async () => {
    const fake = createFakeAgent([answerTurn('session-1', ['Fini.'])]);
    const app = appOf(fake);
    await app.request(post('/api/sessions', {}));
    const response = await app.request(post('/api/sessions/session-1/resume', { goOn: false }));
    expect(parseServerSentEvents(await response.text()).at(-1)?.event).toBe('turn-end');
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'resume', goOn: false })]);
  });

  it('runs one turn at a time per session, and aborts the turn when the client leaves', async () => {
    const fake = createFakeAgent([
      { events: [{ type: 'turn-start', sessionId: 'session-1', turnId: 'turn-1' }], waitForAbort: true },
      answerTurn('session-1', ['De retour.']),
    ]);
    const app = appOf(fake);
    await app.request(post('/api/sessions', {}));
    const client = new AbortController();
    const streaming = await app.request(
      new Request(`${base}/api/sessions/session-1/messages`, {
        method: 'POST',
        headers: { host: '127.0.0.1:8000', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'long' }),
        signal: client.signal,
      }),
    );
    expect(streaming.status).toBe(200);
    const busy = await app.request(post('/api/sessions/session-1/messages', { message: 'again' }));
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('session_busy');

    const first = fake.calls[0];
    const signal = first && 'signal' in first ? first.signal : undefined;
    expect(signal?.aborted).toBe(false);
    client.abort();
    await expect.poll(() => signal?.aborted).toBe(true);
    // The session is free again once the aborted turn has ended.
    await expect
      .poll(
        async () => (await app.request(post('/api/sessions/session-1/messages', { message: 'back' }))).status,
      )
      .toBe(200);
  });

  it('keeps foreign sites out and asks for the key when one is set', async () => {
    const fake = createFakeAgent();
    const open = appOf(fake);
    const foreign = await open.request(post('/api/sessions', {}, { origin: 'https://evil.example' }));
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
    const rebound = await open.request(
      new Request('http://evil.example/api/sessions', { headers: { host: 'evil.example' } }),
    );
    expect(rebound.status).toBe(403);

    const locked = appOf(fake, 'secret');
    expect((await locked.request(get('/api/sessions'))).status).toBe(401);
    expect((await locked.request(get('/api/sessions', { authorization: 'Bearer secret' }))).status).toBe(200);
    expect((await locked.request(get('/health'))).status).toBe(200);
  });

  it('serves the voice metrics on /metrics, behind the key, and no /metrics without them', async () => {
    const fake = createFakeAgent();
    const metrics = () => 'klody_agent_voice_turns_total{interrupted="false"} 3\n';
    const locked = createApp({ agent: fake.agent, records: fake.records, apiKey: 'secret', metrics });
    expect((await locked.request(get('/metrics'))).status).toBe(401);
    const scraped = await locked.request(get('/metrics', { authorization: 'Bearer secret' }));
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await scraped.text()).toContain('klody_agent_voice_turns_total{interrupted="false"} 3');
    expect((await appOf(fake).request(get('/metrics'))).status).toBe(404);
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const fake = createFakeAgent();
    const app = appOf(fake);
    await app.request(post('/api/sessions', {}));
    const response = await app.request(
      post('/api/sessions/session-1/messages', { message: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });
});

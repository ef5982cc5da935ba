import { mountMcpRoute } from '@klody/mcp';
import {
  createServiceApp,
  type LoopbackPolicyOptions,
  limitBody,
  mebibyte,
  parseRequest,
  readJsonBody,
  type ServiceEnv,
  type ServiceLogger,
  webFiles,
} from '@klody/service';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { Agent } from '../agent/agent.js';
import type { McpServers } from '../mcp-client/mcp-servers.js';
import { McpToolsError } from '../mcp-client/mcp-tools-error.js';
import type { AgentRecords } from './agent-records.js';
import { apiError } from './api-error.js';
import { streamEvents } from './stream-events.js';

export interface CreateAppOptions {
  agent: Agent;
  records: AgentRecords;
  /** Request logs and unexpected errors; none without it. */
  logger?: ServiceLogger;
  /** When set, /api/* asks for it as a bearer key; the page and /health stay open. */
  apiKey?: string | null;
  /** Host names and origins beyond loopback, for a non-loopback bind. */
  policy?: LoopbackPolicyOptions;
  /** What /health adds to `status` (the gateway, the organs); `status: 'ok'` alone without it. */
  health?: () => Promise<HealthReport>;
  /**
   * Klody's MCP server, served as stateless streamable HTTP under `/mcp` (a fresh server per request),
   * behind the same key as /api/*; no `/mcp` route without it.
   */
  mcpServer?: () => McpServer;
  /** The MCP servers behind `GET /api/mcp` and the re-approval of a changed tool; no such routes without. */
  mcp?: Pick<McpServers, 'view' | 'approve'>;
  /** `GET /metrics` (Prometheus text, behind the key): the spoken turns' stages; no route without it. */
  metrics?: () => string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  [detail: string]: unknown;
}

/** Where the MCP server answers (stateless streamable HTTP; its bodies are limited to 8 MiB). */
export const mcpPath = '/mcp';

/** JSON bodies are small here (a message, a decision): 1 MiB is plenty. */
export const jsonBodyLimitBytes = mebibyte;

/** The longest message the API takes, in characters. */
export const messageMaxCharacters = 20_000;

const messageBody = z.object({
  message: z
    .string({ error: 'message must be a string' })
    .trim()
    .min(1, 'message is empty')
    .max(
      messageMaxCharacters,
      `message is longer than ${messageMaxCharacters.toLocaleString('en')} characters`,
    ),
});
const decisionBody = z.object({
  decision: z.enum(['approve', 'deny'], { error: 'decision must be "approve" or "deny"' }),
});
const resumeBody = z.object({
  goOn: z.boolean({ error: 'goOn must be true or false' }),
});

// The page's files sit in the package's web/ folder: two levels above src/http/ when running on
// sources, one above dist/ when built.
const page = webFiles([new URL('../../web/', import.meta.url), new URL('../web/', import.meta.url)]);
const webFile = page.read;

/**
 * The agent's HTTP API and web page, on @klody/service's boundary (loopback policy, body limits,
 * JSON errors). A message, an approval decision and a resume answer with the turn's events as an
 * SSE stream; a session runs one turn at a time (a second request meanwhile gets 409 session_busy).
 */
export function createApp({
  agent,
  records,
  logger,
  apiKey = null,
  policy,
  health,
  mcpServer,
  mcp,
  metrics,
}: CreateAppOptions): Hono<ServiceEnv> {
  const app = createServiceApp({
    ...(logger ? { logger } : {}),
    ...(policy ? { policy } : {}),
    apiKey,
    // /mcp drives the same model, books and memory as /api/*: the same key guards both.
    protectedPaths: ['/api/*', mcpPath, '/metrics'],
  });
  const limitJson = limitBody(jsonBodyLimitBytes);
  const busy = new Set<string>();

  function knownSession(sessionId: string): void {
    if (!records.sessionDetail(sessionId)) throw apiError('session_not_found', `no session ${sessionId}`);
  }

  /** Takes the session for one turn; `streamEvents` gives it back when the stream is over. */
  function claim(sessionId: string): () => void {
    if (busy.has(sessionId))
      throw apiError('session_busy', `session ${sessionId} is already running a turn; wait for its end`);
    busy.add(sessionId);
    return () => busy.delete(sessionId);
  }

  const onFailure = (error: unknown) => logger?.error({ err: error }, 'a turn failed unexpectedly');

  app.get('/health', async (context) => context.json(health ? await health() : { status: 'ok' }));
  if (metrics) {
    app.get('/metrics', (context) =>
      context.text(metrics(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
    );
  }

  app.post('/api/sessions', (context) => context.json({ sessionId: records.createSession() }, 201));

  app.get('/api/sessions', (context) => context.json({ sessions: records.listSessions() }));

  app.get('/api/sessions/:id', (context) => {
    const sessionId = context.req.param('id');
    const detail = records.sessionDetail(sessionId);
    if (!detail) throw apiError('session_not_found', `no session ${sessionId}`);
    return context.json(detail);
  });

  app.post('/api/sessions/:id/messages', limitJson, async (context) => {
    const sessionId = context.req.param('id');
    knownSession(sessionId);
    const { message } = parseRequest(messageBody, await readJsonBody(context.req.raw));
    const release = claim(sessionId);
    return streamEvents(context, (signal) => agent.send({ sessionId, message, signal }), {
      onEnd: release,
      onFailure,
    });
  });

  app.post('/api/sessions/:id/approvals/:approvalId', limitJson, async (context) => {
    const sessionId = context.req.param('id');
    const approvalId = context.req.param('approvalId');
    knownSession(sessionId);
    const { decision } = parseRequest(decisionBody, await readJsonBody(context.req.raw));
    const approval = records.approval(approvalId);
    // An approval of another session is "not found" here: its id alone decides nothing.
    if (!approval || approval.sessionId !== sessionId)
      throw apiError('approval_not_found', `session ${sessionId} has no approval ${approvalId}`);
    const release = claim(sessionId);
    return streamEvents(context, (signal) => agent.decide({ sessionId, approvalId, decision, signal }), {
      onEnd: release,
      onFailure,
    });
  });

  app.post('/api/sessions/:id/resume', limitJson, async (context) => {
    const sessionId = context.req.param('id');
    knownSession(sessionId);
    const { goOn } = parseRequest(resumeBody, await readJsonBody(context.req.raw));
    const release = claim(sessionId);
    return streamEvents(context, (signal) => agent.resume({ sessionId, goOn, signal }), {
      onEnd: release,
      onFailure,
    });
  });

  app.get('/api/approvals', (context) => {
    const sessionId = context.req.query('session');
    if (sessionId !== undefined) knownSession(sessionId);
    return context.json({ approvals: records.pendingApprovals(sessionId) });
  });

  if (mcpServer) mountMcpRoute(app, mcpServer, { path: mcpPath });
  if (mcp) {
    app.get('/api/mcp', (context) => context.json(mcp.view()));

    // No body: the tool's current definition is what gets pinned, as `pnpm agent mcp approve` does.
    app.post('/api/mcp/servers/:server/tools/:tool/approve', (context) => {
      try {
        return context.json({
          approved: mcp.approve(context.req.param('server'), context.req.param('tool')),
        });
      } catch (error) {
        if (McpToolsError.isInstance(error)) throw apiError(error.code, error.message);
        throw error;
      }
    });
  }

  app.get('/', (context) => context.html(webFile('index.html')));
  // The page's modules: the app, and the Talk button's socket, player and microphone worklet.
  for (const script of ['app.js', 'voice-talk.js', 'speech-player.js', 'microphone-worklet.js'])
    app.get(`/${script}`, (context) =>
      context.body(webFile(script), 200, { 'content-type': 'text/javascript; charset=utf-8' }),
    );
  app.get('/style.css', (context) =>
    context.body(webFile('style.css'), 200, { 'content-type': 'text/css; charset=utf-8' }),
  );

  return app;
}

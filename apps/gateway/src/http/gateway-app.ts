// The gateway's HTTP boundary (Hono on Node): OpenAI-compatible /v1 routes relayed raw to the worker
// that serves the requested alias (relayed-route.ts), the admin API, /health, /metrics and the status
// page (status-page.ts).

import type { HttpBindings } from '@hono/node-server';
import {
  activityResponseSchema,
  type EnsureResponse,
  ensureResponseSchema,
  type HealthResponse,
  modelRequestSchema,
  reserveRequestSchema,
  reserveResponseSchema,
  type StatusResponse,
  statusResponseSchema,
  type UnloadResponse,
  unloadResponseSchema,
} from '@klody/gateway-client/schemas';
import {
  createServiceApp,
  quoteForMessage,
  type ServiceEnv,
  ServiceError,
  type ServiceLogger,
} from '@klody/service';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { GatewayError } from '../errors/index.js';
import { ReplicaRouter } from '../routing/index.js';
import type { Logger, WorkerManager } from '../workers/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { modelList } from './model-list.js';
import { readBody } from './read-body.js';
import { relayedRouteHandler } from './relayed-route.js';
import { RequestActivity } from './request-activity.js';
import { addStatusPage } from './status-page.js';
import { TokenMetrics } from './token-metrics.js';

export interface GatewayAppOptions {
  manager: WorkerManager;
  logger?: Logger & { pino?: ServiceLogger };
  metrics: GatewayMetrics;
  /** Extra Host names and Origins beyond loopback ones (a non-loopback bind's), and the bearer key. */
  guard: { allowedHosts: readonly string[]; allowedOrigins: readonly string[]; apiKey: string | null };
  bodyLimitBytes: number;
  audioBodyLimitBytes: number;
}

type Env = { Bindings: HttpBindings } & ServiceEnv;

/** The gateway's own errors, for the kit's one error handler. */
function mapGatewayError(error: unknown): ServiceError | null {
  if (!GatewayError.isInstance(error)) return null;
  return new ServiceError(error.code, error.status, error.message, {
    ...(error.retryAfterSeconds !== null ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}

/** The OpenAI routes relayed to workers; the audio transcription route takes multipart uploads. */
export const relayedRoutes = [
  'chat/completions',
  'completions',
  'embeddings',
  'rerank',
  'audio/speech',
  'audio/transcriptions',
  // Anthropic's Messages API (Claude Code) and OpenAI's Responses API (Codex), relayed as bytes too.
  'messages',
  'responses',
] as const;

/** Our own answers are checked against the shared schemas too: a drift fails loudly in tests. */
function answer<T>(c: Context<Env>, schema: z.ZodType<T>, value: T) {
  return c.json(schema.parse(value) as object);
}

async function readAdminJson(c: Context<Env>, limitBytes: number): Promise<unknown> {
  const body = await readBody(c.env.incoming, limitBytes);
  try {
    return JSON.parse(body.toString('utf8') || 'null');
  } catch (error) {
    throw new GatewayError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new GatewayError(
      'invalid_request',
      result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '),
    );
  }
  return result.data;
}

export function createGatewayApp(options: GatewayAppOptions): Hono<Env> {
  const { manager, metrics, guard, logger } = options;
  // The loopback policy, the bearer key on /v1, /admin and /metrics, request ids and the one error
  // handler come from @klody/service, as for every Klody service.
  const app = createServiceApp<Env>({
    ...(logger?.pino ? { logger: logger.pino } : {}),
    policy: { allowedHosts: guard.allowedHosts, allowedOrigins: guard.allowedOrigins },
    apiKey: guard.apiKey,
    protectedPaths: ['/v1/*', '/admin/*', '/metrics'],
    mapError: mapGatewayError,
  });
  // The last requests (status page, /admin/activity) and the tokens workers report (/metrics).
  const activity = new RequestActivity();
  const tokens = new TokenMetrics();

  // Replicas and fallbacks: the routes' circuit breakers live here, beside the manager.
  const router = new ReplicaRouter({ workers: manager });
  const unknownModel = (model: string) =>
    new GatewayError(
      'model_not_found',
      `unknown model ${quoteForMessage(model)}; known aliases: ${[...manager.aliases(), ...Object.keys(manager.routing().routes)].sort().join(', ') || '(none)'}`,
    );

  app.get('/health', (c) => {
    const workers = manager.status();
    const degraded = workers.some(
      (worker) =>
        worker.state === 'failed' ||
        worker.state === 'survivor' ||
        (worker.state === 'remote' && worker.lastError !== null),
    );
    const body: HealthResponse = {
      status: degraded ? 'degraded' : 'ok',
      workers: workers.length,
      ready: workers.filter((worker) => worker.state === 'ready' || worker.state === 'remote').length,
    };
    return c.json(body);
  });

  app.get('/metrics', async (c) => {
    const summary = manager.summary();
    const text = metrics.render({
      workers: router.withCircuits(manager.status()),
      budgetGb: summary.budgetGb,
      usedGb: summary.usedGb,
      availableGb: await manager.availableGb(),
      evictions: summary.evictions,
    });
    return c.text(`${text}${tokens.render()}\n`, 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });

  app.get('/v1/models', (c) => c.json(modelList(manager)));

  app.get('/admin/status', async (c) => {
    const workers = router.withCircuits(manager.status());
    const summary = manager.summary();
    const body: StatusResponse = {
      status: workers.some((worker) => worker.state === 'failed' || worker.state === 'survivor')
        ? 'degraded'
        : 'ok',
      budgetGb: summary.budgetGb,
      usedGb: summary.usedGb,
      availableGb: await manager.availableGb(),
      workers,
    };
    return answer(c, statusResponseSchema, body);
  });

  app.get('/admin/activity', (c) => answer(c, activityResponseSchema, { requests: activity.list() }));

  app.post('/admin/ensure', async (c) => {
    const { model } = parseWith(modelRequestSchema, await readAdminJson(c, options.bodyLimitBytes));
    const name = manager.resolve(model);
    if (!name) throw unknownModel(model);
    const result = await manager.ensure(name, { signal: c.req.raw.signal });
    const worker = manager.status().find((status) => status.name === name);
    const body: EnsureResponse = {
      model,
      worker: name,
      state: worker?.state ?? 'stopped',
      pid: worker?.pid ?? null,
      started: result.started,
      evicted: result.evicted,
    };
    return answer(c, ensureResponseSchema, body);
  });

  app.post('/admin/unload', async (c) => {
    const { model } = parseWith(modelRequestSchema, await readAdminJson(c, options.bodyLimitBytes));
    const name = manager.resolve(model);
    if (!name) throw unknownModel(model);
    const unloaded = await manager.unload(name);
    const worker = manager.status().find((status) => status.name === name);
    const body: UnloadResponse = { model, worker: name, unloaded, state: worker?.state ?? 'stopped' };
    return answer(c, unloadResponseSchema, body);
  });

  app.post('/admin/reserve', async (c) => {
    const { gb } = parseWith(reserveRequestSchema, await readAdminJson(c, options.bodyLimitBytes));
    return answer(c, reserveResponseSchema, await manager.reserve(gb));
  });

  const handleRelayed = relayedRouteHandler({
    ...options,
    unknownModel,
    router,
    records: { activity, tokens },
  });
  for (const route of relayedRoutes) app.post(`/v1/${route}`, (c) => handleRelayed(c, route));
  addStatusPage(app);

  return app;
}

import { mountMcpRoute } from '@klody/mcp';
import { createServiceApp, type ServiceEnv, ServiceError } from '@klody/service';
import { voiceErrorToServiceError } from '@klody/voice/worker';
import type { Hono } from 'hono';
import { createVocalBrainMcpServer, mcpLimits } from '../mcp/index.js';
import type { Services } from '../services.js';
import { jobRoutes } from './job-routes.js';
import { libraryRoutes } from './library-routes.js';
import { profileRoutes } from './profile-routes.js';
import { speechRoutes } from './speech-routes.js';

/** VoiceErrors get the worker's statuses, but an unknown voice is a 404 here, like an unknown model. */
function mapVoiceError(error: unknown): ServiceError | null {
  const mapped = voiceErrorToServiceError(error);
  if (mapped?.code === 'unknown_voice')
    return new ServiceError(mapped.code, 404, mapped.message, { cause: error });
  return mapped;
}

/**
 * VocalBrain's HTTP app on @klody/service's boundary: the loopback policy on every route (a web page
 * elsewhere cannot drive it), the bearer key on /v1/*, /api/* and /mcp when KLODY_VOCALBRAIN_API_KEY
 * is set, one error handler (VoiceErrors get their status). Each area mounts its own routes; /mcp
 * serves the MCP tools (stateless streamable HTTP, a fresh MCP server per request on the same
 * services).
 */
export function createApp(services: Services): Hono<ServiceEnv> {
  const app = createServiceApp({
    ...(services.logger ? { logger: services.logger } : {}),
    apiKey: services.config.apiKey,
    protectedPaths: ['/v1/*', '/api/*', '/mcp'],
    mapError: mapVoiceError,
  });

  app.get('/health', async (context) => {
    const [speech, transcription, gateway] = await Promise.all([
      services.engines.speechEngines(),
      services.engines.transcriptionEngines(),
      services.engines.gateway(),
    ]);
    const well = speech.length > 0 && gateway.state !== 'unreachable';
    return context.json({
      status: well ? 'ok' : 'degraded',
      speechEngines: speech.map((engine) => engine.id),
      transcriptionEngines: transcription.map((engine) => engine.id),
      gateway: gateway.state,
      reason: speech.length === 0 ? 'no speech engine is available here' : gateway.reason,
      notes: services.engines.notes,
    });
  });

  app.route('/', speechRoutes(services));
  app.route('/', profileRoutes(services));
  app.route('/', libraryRoutes(services));
  app.route('/', jobRoutes(services));
  mountMcpRoute(app, () => createVocalBrainMcpServer(services), {
    maxBodyBytes: mcpLimits(services.config).bodyBytes,
  });
  return app;
}

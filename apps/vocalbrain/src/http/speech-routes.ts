import type { ServiceEnv } from '@klody/service';
import { Hono } from 'hono';
import type { Services } from '../services.js';

/** The OpenAI-compatible speech API: /v1/audio/speech, /v1/audio/transcriptions, voices, models. */
export function speechRoutes(_services: Services): Hono<ServiceEnv> {
  const routes = new Hono<ServiceEnv>();
  return routes;
}

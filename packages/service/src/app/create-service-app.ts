// The Hono app every Klody service starts from: request ids and logs, the loopback policy on every
// route, the bearer key on the protected paths, and one error handler. Routes and body limits are
// the service's own.
import { type Env, Hono, type MiddlewareHandler } from 'hono';
import { requireBearerKey } from '../auth/bearer-key.js';
import { type ErrorMapper, handleErrors } from '../errors/handle-errors.js';
import type { ServiceLogger } from '../logging/create-logger.js';
import { type RequestIdVariables, requestLogging } from '../logging/request-logging.js';
import { type LoopbackPolicyOptions, loopbackPolicy } from '../loopback/loopback-policy.js';

export interface ServiceAppOptions {
  logger?: ServiceLogger;
  policy?: LoopbackPolicyOptions;
  /** The bearer key; null or absent: no key is asked. */
  apiKey?: string | null;
  /** Path patterns the key protects (Hono patterns, e.g. `/v1/*`); every path by default. */
  protectedPaths?: readonly string[];
  mapError?: ErrorMapper;
}

export type ServiceEnv = { Variables: RequestIdVariables };

/** `AppEnv` adds the app's own bindings or variables (the gateway's Node bindings, for one). */
export function createServiceApp<AppEnv extends Env = ServiceEnv>(
  options: ServiceAppOptions = {},
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (options.logger) app.use('*', requestLogging(options.logger) as unknown as MiddlewareHandler<AppEnv>);
  app.use('*', loopbackPolicy(options.policy));
  if (options.apiKey) {
    const key = requireBearerKey(options.apiKey);
    for (const path of options.protectedPaths ?? ['*']) app.use(path, key);
  }
  handleErrors(app, { mapError: options.mapError, logger: options.logger });
  return app;
}

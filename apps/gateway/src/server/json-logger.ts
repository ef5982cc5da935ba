// The gateway's logs through @klody/service's pino logger (one JSON line per event on stderr, the
// service's name on each), behind the small `Logger` interface the worker manager takes.
import { type CreateLoggerOptions, createLogger, readLogLevel, type ServiceLogger } from '@klody/service';
import type { Logger } from '../workers/index.js';

/** The manager's Logger plus the pino logger underneath, for the HTTP layer's request logs. */
export interface GatewayLogger extends Logger {
  readonly pino: ServiceLogger;
}

/**
 * `level` is KLODY_LOG_LEVEL's value: an unknown one is refused (ConfigurationError, exit 2) instead
 * of silently logging at `info`.
 */
export function createJsonLogger(
  level: string | undefined = process.env.KLODY_LOG_LEVEL,
  destination?: CreateLoggerOptions['destination'],
): GatewayLogger {
  const pino = createLogger({
    service: 'gateway',
    level: readLogLevel({ KLODY_LOG_LEVEL: level }),
    ...(destination ? { destination } : {}),
  });
  return {
    pino,
    info: (message, fields = {}) => pino.info(fields, message),
    warn: (message, fields = {}) => pino.warn(fields, message),
    error: (message, fields = {}) => pino.error(fields, message),
  };
}

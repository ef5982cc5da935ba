import { ConfigurationError } from '../errors/configuration-error.js';

/** pino's levels, plus `silent`. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * KLODY_LOG_LEVEL, validated: unset or empty means `info`; anything else must be a level, or the
 * service refuses to start naming the variable (an unknown value once logged silently at `info`,
 * i.e. more than `fatal` asked for).
 */
export function readLogLevel(environment: Record<string, string | undefined> = process.env): LogLevel {
  const value = environment.KLODY_LOG_LEVEL?.trim().toLowerCase();
  if (value === undefined || value === '') return 'info';
  if ((logLevels as readonly string[]).includes(value)) return value as LogLevel;
  throw new ConfigurationError(
    `KLODY_LOG_LEVEL=${JSON.stringify(environment.KLODY_LOG_LEVEL)} is not a log level (${logLevels.join(', ')})`,
  );
}

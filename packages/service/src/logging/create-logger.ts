// Structured logs: one JSON object per line on stderr (stdout is for results, CONTRACTS.md), with the
// service's name on every line.
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './log-level.js';

export type ServiceLogger = Logger;

export interface CreateLoggerOptions {
  /** The service's name, on every line. */
  service: string;
  level: LogLevel;
  /** Where lines go; stderr (written synchronously, so that nothing is lost on exit) by default. */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): ServiceLogger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      // "message", as Klody's logs always said, rather than pino's "msg".
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

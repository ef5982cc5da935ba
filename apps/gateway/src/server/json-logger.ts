import type { Logger } from '../workers/index.js';

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof levels;

/** Structured logs: one JSON object per line on stderr (stdout is for results, CONTRACTS.md). */
export function createJsonLogger(
  level: string | undefined = process.env.KLODY_LOG_LEVEL,
  write = (line: string) => process.stderr.write(line),
): Logger {
  const threshold = levels[(level as Level) in levels ? (level as Level) : 'info'];
  const log =
    (name: Exclude<Level, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (levels[name] < threshold) return;
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level: name, service: 'gateway', message, ...fields })}\n`,
      );
    };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

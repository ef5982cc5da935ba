// current_time (read, trusted: the machine's clock). The local time zone is the machine's unless the
// model names one; a wrong name is a ToolError saying what is expected.
import { z } from 'zod';
import { ToolError } from './agent-tool.js';
import { defineTool } from './define-tool.js';

export interface LocalTime {
  /** The instant in UTC (ISO 8601). */
  utc: string;
  /** The wall-clock time in the zone, with its offset: `2026-11-30T23:10:05+01:00`. */
  local: string;
  timezone: string;
  /** `+01:00`. */
  offset: string;
  weekday: string;
  /** For the model: `Monday 30 November 2026, 23:10 (Europe/Paris, UTC+01:00)`. */
  text: string;
}

/** The time `at` in `timezone` (IANA name); throws a ToolError for a zone Intl does not know. */
export function localTime(at: Date, timezone?: string): LocalTime {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      ...(timezone ? { timeZone: timezone } : {}),
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
  } catch {
    throw new ToolError(
      `unknown time zone "${timezone}"; use an IANA name such as Europe/Paris or America/New_York`,
      'invalid_argument',
    );
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  const zone = format.resolvedOptions().timeZone;
  // "GMT+01:00", or "GMT" alone at UTC.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  const month = String(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'numeric' }).format(at),
  ).padStart(2, '0');
  const day = String(parts.day).padStart(2, '0');
  const local = `${parts.year}-${month}-${day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
  return {
    utc: at.toISOString(),
    local,
    timezone: zone,
    offset,
    weekday: String(parts.weekday),
    text: `${parts.weekday} ${Number(parts.day)} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} (${zone}, UTC${offset})`,
  };
}

export function createCurrentTimeTool(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return defineTool({
    name: 'current_time',
    description: 'Get the current date and time.',
    inputSchema: z.object({
      timezone: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe('A time zone such as Europe/Paris (optional; default the local one)'),
    }),
    effect: 'read',
    untrustedOutput: false,
    async execute({ timezone }) {
      const time = localTime(now(), timezone);
      return { text: `It is ${time.text}.`, data: time };
    },
  });
}

import { describe, expect, it } from 'vitest';
import { ToolError } from './agent-tool.js';
import { createCurrentTimeTool, localTime } from './current-time-tool.js';

const context = { sessionId: 's', toolCallId: 'c', signal: new AbortController().signal };
// A winter instant (Paris at UTC+1) and a summer one (Paris at UTC+2, New York at UTC−4).
const winter = new Date('2026-11-30T22:10:05.000Z');
const summer = new Date('2026-07-14T09:05:00.000Z');

describe('localTime', () => {
  it('gives the wall-clock time with its offset in a named zone', () => {
    expect(localTime(winter, 'Europe/Paris')).toEqual({
      utc: '2026-11-30T22:10:05.000Z',
      local: '2026-11-30T23:10:05+01:00',
      timezone: 'Europe/Paris',
      offset: '+01:00',
      weekday: 'Monday',
      text: 'Monday 30 November 2026, 23:10 (Europe/Paris, UTC+01:00)',
    });
    expect(localTime(summer, 'Europe/Paris').local).toBe('2026-07-14T11:05:00+02:00');
    expect(localTime(summer, 'America/New_York').local).toBe('2026-07-14T05:05:00-04:00');
  });

  it('writes UTC as +00:00 and crosses the date line', () => {
    expect(localTime(winter, 'UTC')).toMatchObject({ local: '2026-11-30T22:10:05+00:00', offset: '+00:00' });
    expect(localTime(winter, 'Pacific/Auckland')).toMatchObject({
      local: '2026-12-01T11:10:05+13:00',
      weekday: 'Tuesday',
    });
  });

  it('refuses a zone that does not exist, saying what is expected', () => {
    expect(() => localTime(winter, 'Mars/Olympus_Mons')).toThrow(ToolError);
    expect(() => localTime(winter, 'Mars/Olympus_Mons')).toThrow(
      /unknown time zone "Mars\/Olympus_Mons".*IANA/,
    );
  });
});

describe('current_time', () => {
  it('answers from the injected clock, in the local zone when none is given', async () => {
    const tool = createCurrentTimeTool({ now: () => winter });
    expect(tool).toMatchObject({ name: 'current_time', effect: 'read', untrustedOutput: false });
    const paris = await tool.execute(tool.inputSchema.parse({ timezone: 'Europe/Paris' }), context);
    expect(paris.text).toBe('It is Monday 30 November 2026, 23:10 (Europe/Paris, UTC+01:00).');
    const local = await tool.execute(tool.inputSchema.parse({}), context);
    expect(local.data).toMatchObject({
      utc: winter.toISOString(),
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from '../tools/agent-tool.js';
import { parseToolArguments } from './tool-arguments.js';

const tool = (inputSchema: z.ZodType): AgentTool => ({
  name: 'search_books',
  description: 'Searches the books.',
  inputSchema,
  effect: 'read',
  untrustedOutput: true,
  execute: async () => ({ text: '' }),
});

const search = tool(
  z.object({
    query: z.string(),
    limit: z.number().int().optional(),
    exact: z.boolean().optional(),
    filters: z.object({ year: z.number() }).optional(),
  }),
);

describe('parseToolArguments', () => {
  it('valid arguments pass as they are, not marked repaired', () => {
    expect(parseToolArguments(search, { query: 'whales', limit: 3 })).toEqual({
      ok: true,
      value: { query: 'whales', limit: 3 },
      repaired: false,
    });
  });

  it('coerces "5" to 5 and "true" to true where the schema wants them, nested too', () => {
    expect(
      parseToolArguments(search, { query: 'whales', limit: '5', exact: 'true', filters: { year: '1851' } }),
    ).toEqual({
      ok: true,
      value: { query: 'whales', limit: 5, exact: true, filters: { year: 1851 } },
      repaired: true,
    });
  });

  it('never coerces where the schema wants a string', () => {
    expect(parseToolArguments(search, { query: '5' })).toMatchObject({
      ok: true,
      value: { query: '5' },
      repaired: false,
    });
    expect(parseToolArguments(search, { query: 5 })).toMatchObject({ ok: false });
  });

  it('repairs JSON text, then coerces', () => {
    expect(parseToolArguments(search, "{query: 'whales', limit: '2',}")).toEqual({
      ok: true,
      value: { query: 'whales', limit: 2 },
      repaired: true,
    });
  });

  it('gives a readable error when the repair is not enough', () => {
    const result = parseToolArguments(search, { query: 'whales', limit: 'many' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/limit/);
    const text = parseToolArguments(search, 'search for whales');
    expect(text).toMatchObject({ ok: false, error: 'the arguments are not JSON: search for whales' });
  });
});

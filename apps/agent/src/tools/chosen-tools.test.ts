import { ConfigurationError } from '@klody/service';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from './agent-tool.js';
import { chosenTools } from './chosen-tools.js';

const tool = (name: string): AgentTool => ({
  name,
  description: name,
  inputSchema: z.object({}),
  effect: 'read',
  untrustedOutput: false,
  execute: async () => ({ text: name }),
});
const tools = [tool('search_books'), tool('current_time'), tool('speak')];

it('keeps every tool when none is named, and only the named ones otherwise', () => {
  expect(chosenTools(tools, null)).toBe(tools);
  expect(chosenTools(tools, ['speak', 'search_books']).map((chosen) => chosen.name)).toEqual([
    'search_books',
    'speak',
  ]);
});

it('refuses a name no tool has, listing the tools there are', () => {
  expect(() => chosenTools(tools, ['search_book'])).toThrow(ConfigurationError);
  expect(() => chosenTools(tools, ['search_book'])).toThrow(
    'KLODY_AGENT_TOOLS: no tool named search_book; the tools are search_books, current_time, speak',
  );
});

import { describe, expect, it } from 'vitest';
import { mcpToolName } from './mcp-tool-name.js';

const openAIToolName = /^[A-Za-z0-9_-]{1,64}$/;

describe('mcpToolName', () => {
  it('prefixes the server with two underscores when the result is a valid name', () => {
    expect(mcpToolName('files', 'read_text_file')).toBe('files__read_text_file');
    expect(mcpToolName('gh', 'Create-Issue')).toBe('gh__Create-Issue');
  });

  it('makes names OpenAI refuses safe, with a hash suffix so that they stay distinct', () => {
    const dotted = mcpToolName('files', 'fs.read');
    const slashed = mcpToolName('files', 'fs/read');
    expect(dotted).toMatch(/^files__fs_read_[0-9a-f]{8}$/);
    expect(slashed).toMatch(/^files__fs_read_[0-9a-f]{8}$/);
    expect(dotted).not.toBe(slashed);
    expect(mcpToolName('files', 'lire le fichier')).toMatch(openAIToolName);
  });

  it('cuts names over 64 characters, keeping them distinct and stable', () => {
    const long = `search_${'very_'.repeat(20)}`;
    const first = mcpToolName('a-server-with-a-long-name', `${long}one`);
    const second = mcpToolName('a-server-with-a-long-name', `${long}two`);
    expect(first).toHaveLength(64);
    expect(first).toMatch(openAIToolName);
    expect(first.startsWith('a-server-with-a-long-name__search_very_')).toBe(true);
    expect(first).not.toBe(second);
    expect(mcpToolName('a-server-with-a-long-name', `${long}one`)).toBe(first);
    // Exactly 64 is kept as it is.
    const exact = 'x'.repeat(64 - 'files__'.length);
    expect(mcpToolName('files', exact)).toBe(`files__${exact}`);
  });
});

import { describe, expect, it } from 'vitest';
import { mcpOutputMaxCharacters, mcpResultText } from './mcp-tool-output.js';

describe('mcpResultText', () => {
  it('joins text, names what a text model cannot read, and shows embedded text resources', () => {
    expect(
      mcpResultText({
        content: [
          { type: 'text', text: 'first' },
          { type: 'image', data: 'AAAA', mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inside' } },
          { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAAA', mimeType: 'application/zip' } },
          { type: 'resource_link', name: 'c', uri: 'file:///c.txt' },
        ],
      }),
    ).toBe(
      'first\n[image image/png, 3 bytes, not shown]\n[resource file:///a.txt]\ninside\n' +
        '[resource file:///b.bin, application/zip, not shown]\n[link c: file:///c.txt]',
    );
  });

  it('falls back to the structured content, and cuts what is too long, saying so', () => {
    expect(mcpResultText({ content: [], structuredContent: { files: 2 } })).toBe('{"files":2}');
    const long = mcpResultText({ content: [{ type: 'text', text: 'x'.repeat(mcpOutputMaxCharacters + 5) }] });
    expect(long.startsWith('x'.repeat(mcpOutputMaxCharacters))).toBe(true);
    expect(long.endsWith('[cut: the answer had 100,005 characters]')).toBe(true);
  });
});

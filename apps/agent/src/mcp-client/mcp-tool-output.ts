import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The longest text a tool's answer may give the model, in characters. */
export const mcpOutputMaxCharacters = 100_000;

/**
 * An MCP result as text for the model: text blocks as they are, embedded text resources with their
 * URI, and a short line for what a text model cannot read (images, audio: their type and size, never
 * their base64). Without any block, the structured content as JSON. Cut at 100,000 characters, saying so.
 */
export function mcpResultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const block of result.content ?? []) {
    switch (block.type) {
      case 'text':
        parts.push(block.text);
        break;
      case 'image':
      case 'audio':
        parts.push(
          `[${block.type} ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4)} bytes, not shown]`,
        );
        break;
      case 'resource':
        parts.push(
          'text' in block.resource
            ? `[resource ${block.resource.uri}]\n${block.resource.text}`
            : `[resource ${block.resource.uri}, ${block.resource.mimeType ?? 'binary'}, not shown]`,
        );
        break;
      case 'resource_link':
        parts.push(`[link ${block.name}: ${block.uri}]`);
        break;
    }
  }
  let text = parts.join('\n');
  if (text === '' && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent);
  if (text.length > mcpOutputMaxCharacters) {
    text = `${text.slice(0, mcpOutputMaxCharacters)}\n[cut: the answer had ${text.length.toLocaleString('en')} characters]`;
  }
  return text;
}

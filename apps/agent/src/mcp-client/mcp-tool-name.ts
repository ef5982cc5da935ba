import { createHash } from 'node:crypto';

/** Tool names as OpenAI tool calling accepts them (the registry checks the same). */
const toolNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The name the model sees for a server's tool: `<server>__<tool>`. A tool name with characters OpenAI
 * refuses (dots, slashes, spaces) or a result longer than 64 characters is made safe and cut, and ends
 * with `_` and 8 hex digits of the sha256 of the server and the original name, so that two long names
 * that share their beginning stay apart. Server names never hold `__` (mcp-config-schema), so the
 * server is always what comes before the first `__`.
 */
export function mcpToolName(server: string, tool: string): string {
  const plain = `${server}__${tool}`;
  if (toolNamePattern.test(plain)) return plain;
  const suffix = `_${createHash('sha256').update(`${server}\n${tool}`, 'utf8').digest('hex').slice(0, 8)}`;
  const safe = `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return `${safe.slice(0, 64 - suffix.length)}${suffix}`;
}

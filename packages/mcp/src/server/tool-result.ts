// What a tool hands back to an MCP client. Failures a client can act on (an organ that is down, a book
// that does not exist) are `isError` results with a sentence for the model, never protocol errors:
// a protocol error ends the call in most clients without showing the model why.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A failure whose message was written for the client ("Library Brain is not running at …"). */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';
  constructor(
    message: string,
    readonly code = 'tool_failed',
  ) {
    super(message);
  }
}

/** Text for the model, and optionally the same answer as structured content (for tools with an output schema). */
export function textResult(text: string, structuredContent?: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    ...(structuredContent ? { structuredContent } : {}),
  };
}

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Runs a tool's work and turns its failures into `isError` results: a ToolFailure's message as it is,
 * anything else as a sentence naming only the tool and the error's class, so that no stack trace, path
 * or internal detail reaches the client.
 */
export async function guardTool(
  toolName: string,
  work: () => Promise<CallToolResult>,
  onUnexpected?: (error: unknown) => void,
): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ToolFailure || (error instanceof Error && error.name === 'ToolFailure')) {
      return errorResult(error.message);
    }
    onUnexpected?.(error);
    const kind = error instanceof Error && error.name !== 'Error' ? ` (${error.name})` : '';
    return errorResult(`${toolName} failed with an internal error${kind}.`);
  }
}

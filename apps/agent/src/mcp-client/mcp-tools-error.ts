/** Why an MCP command was refused (`mcp approve`): a 404 for the HTTP API, exit 2 for the CLI. */
export type McpToolsErrorCode = 'mcp_server_not_found' | 'mcp_tool_not_found';

const brand = Symbol.for('klody.agent.McpToolsError');

export class McpToolsError extends Error {
  override readonly name = 'McpToolsError';
  readonly [brand] = true;
  constructor(
    readonly code: McpToolsErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** True for an McpToolsError from any copy of this module. */
  static isInstance(error: unknown): error is McpToolsError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

/**
 * Why a connection to an MCP server failed. `call_failed` is the server's own protocol error (an
 * unknown tool, arguments it refused); the others are about the connection itself.
 */
export type McpClientErrorCode =
  | 'connect_failed'
  | 'connect_timeout'
  | 'list_failed'
  | 'list_timeout'
  | 'call_failed'
  | 'call_timeout'
  | 'server_down'
  | 'server_restarted'
  | 'aborted'
  | 'closed';

const brand = Symbol.for('klody.mcp.McpClientError');

/** A failure talking to one MCP server; the message names the server and is written for people. */
export class McpClientError extends Error {
  override readonly name = 'McpClientError';
  readonly [brand] = true;
  constructor(
    readonly code: McpClientErrorCode,
    /** The server's name, as the caller declared it. */
    readonly server: string,
    message: string,
  ) {
    super(message);
  }

  /** True for an McpClientError from any copy of this package. */
  static isInstance(error: unknown): error is McpClientError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

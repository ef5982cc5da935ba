// Streamable HTTP, stateless: every request gets a fresh server and a fresh transport. Sharing one
// server or transport between requests leaks one client's responses to another (CVE-2026-25536), and
// a reused stateless transport answers an empty 500 (SDK issues #1994, #2704). The service kit's app
// in front of it applies the loopback policy (Host and Origin) and the bearer key; the SDK's own
// checks stay off.

import { errorBody, limitBody, mebibyte } from '@klody/service';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Env, Hono } from 'hono';

export interface McpRouteOptions {
  /** Where the protocol is served (default `/mcp`). */
  path?: string;
  /** Largest request body (default 8 MiB: a tool's arguments, an audio file in base64 at most). */
  maxBodyBytes?: number;
}

/**
 * Mounts an MCP endpoint on `app`: POST carries JSON-RPC and is answered with JSON (no SSE stream to
 * keep open); GET and DELETE are 405 JSON errors, since a stateless server has no stream and no session
 * to end.
 */
export function mountMcpRoute<AppEnv extends Env>(
  app: Hono<AppEnv>,
  createServer: () => McpServer | Promise<McpServer>,
  options: McpRouteOptions = {},
): void {
  const path = options.path ?? '/mcp';
  app.post(path, limitBody(options.maxBodyBytes ?? 8 * mebibyte), async (context) => {
    const server = await createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      // With JSON responses, the response is whole once handleRequest resolves: both can be closed.
      return await transport.handleRequest(context.req.raw);
    } finally {
      await transport.close();
      await server.close();
    }
  });
  const notAllowed = () =>
    new Response(
      JSON.stringify(
        errorBody(
          'method_not_allowed',
          'this MCP endpoint is stateless: send JSON-RPC messages with POST (no stream, no session)',
        ),
      ),
      { status: 405, headers: { 'content-type': 'application/json', allow: 'POST' } },
    );
  app.get(path, notAllowed);
  app.delete(path, notAllowed);
}

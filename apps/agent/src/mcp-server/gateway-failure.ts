// What an MCP client reads when the gateway fails a model call: a sentence naming the gateway and its
// URL, whichever client made the call (the OpenAI client for chat and complete, the AI SDK for
// summarize), never the client library's own wording alone ("Connection error.", "fetch failed").
import { ToolFailure } from '@klody/mcp';
import { ModelTimeoutError } from '../loop/model-time-limits.js';
import { networkCode } from '../organs/organ-request.js';
import { capText, oneLine } from '../tools/tool-text.js';

/** The HTTP status of a failed call: OpenAI's `status`, the AI SDK's `statusCode`. */
function statusOf(error: unknown): number | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const { status, statusCode } = current as { status?: unknown; statusCode?: unknown };
    if (typeof status === 'number') return status;
    if (typeof statusCode === 'number') return statusCode;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function messageOf(error: unknown): string {
  return capText(oneLine(error instanceof Error ? error.message : String(error)), 300);
}

export function gatewayDisabledFailure(): ToolFailure {
  return new ToolFailure(
    'the gateway is disabled (KLODY_GATEWAY_URL=none): set KLODY_GATEWAY_URL to its URL (e.g. http://127.0.0.1:8090) and restart the MCP server',
    'gateway_disabled',
  );
}

/**
 * `error` (from a model call to the gateway at `gatewayURL`) as a ToolFailure. `cancelled`: the MCP
 * client cancelled the call, which is not the gateway's fault.
 */
export function gatewayFailure(gatewayURL: string, error: unknown, cancelled = false): ToolFailure {
  if (cancelled)
    return new ToolFailure(`the call to the gateway at ${gatewayURL} was cancelled`, 'cancelled');
  if (error instanceof ModelTimeoutError)
    return new ToolFailure(`the gateway at ${gatewayURL} timed out: ${error.message}`, 'gateway_timeout');
  // The status first: an HTTP error body may carry a `code` of its own, which is no network code.
  const status = statusOf(error);
  if (status === 401 || status === 403)
    return new ToolFailure(
      `the gateway at ${gatewayURL} refused the request (${status}): check KLODY_GATEWAY_API_KEY`,
      'gateway_unauthorized',
    );
  if (status !== null)
    return new ToolFailure(
      `the gateway at ${gatewayURL} answered ${status}: ${messageOf(error)}`,
      'gateway_failed',
    );
  const code = networkCode(error);
  if (code === 'ECONNREFUSED')
    return new ToolFailure(
      `the gateway is not running at ${gatewayURL} (connection refused)`,
      'gateway_not_running',
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ToolFailure(
      `the gateway cannot be reached at ${gatewayURL} (unknown host)`,
      'gateway_not_running',
    );
  if (code)
    return new ToolFailure(
      `the gateway at ${gatewayURL} closed the connection (${code})`,
      'gateway_unreachable',
    );
  return new ToolFailure(
    `the call to the gateway at ${gatewayURL} failed: ${messageOf(error)}`,
    'gateway_failed',
  );
}

// A gateway error written straight to Node's response, for the paths that answer outside Hono (the
// relay owns the response once a worker has been chosen).
import type { ServerResponse } from 'node:http';
import { errorBody } from '@klody/service';
import type { GatewayError } from '../errors/index.js';

export function writeJsonError(outgoing: ServerResponse, error: GatewayError): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSeconds !== null) headers['retry-after'] = String(error.retryAfterSeconds);
  outgoing.writeHead(error.status, headers).end(JSON.stringify(errorBody(error.code, error.message)));
}

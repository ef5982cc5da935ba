// A request id per request (the caller's `X-Request-Id` when it is a sane token, a new one otherwise),
// sent back in the response and on the request's log line, so that a client's error can be found in
// the service's log.
import { randomUUID } from 'node:crypto';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import type { ServiceLogger } from './create-logger.js';

export const requestIdHeader = 'x-request-id';

export type RequestIdVariables = { requestId: string };

export function requestLogging(logger: ServiceLogger): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (context, next) => {
    const given = context.req.header(requestIdHeader);
    const requestId = given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    context.set('requestId', requestId);
    const started = performance.now();
    await next();
    // A route that wrote the response itself (the gateway's raw relay) has nothing left to add headers
    // to; touching it would make Hono build a second, empty response.
    const written = context.res === RESPONSE_ALREADY_SENT;
    if (!written) context.header(requestIdHeader, requestId);
    const outgoing = (context.env as { outgoing?: { statusCode?: number } } | undefined)?.outgoing;
    const status = written ? (outgoing?.statusCode ?? 0) : context.res.status;
    logger[status >= 500 ? 'error' : 'debug'](
      {
        requestId,
        method: context.req.method,
        path: context.req.path.slice(0, 200),
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}

// One `onError` and one `notFound` for every service: a known error becomes its status and our error
// JSON; anything else is a logged 500 `internal_error` whose body never carries a stack trace.
import type { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ServiceLogger } from '../logging/create-logger.js';
import { quoteForMessage } from './quote-for-message.js';
import { errorBody, ServiceError } from './service-error.js';

/**
 * Turns a package's own error (a MemoryError, a VoiceError, a GatewayError…) into a ServiceError with
 * the right status, or null when the error is not one it knows. Each app passes its table here.
 */
export type ErrorMapper = (error: unknown) => ServiceError | null;

export interface HandleErrorsOptions {
  mapError?: ErrorMapper;
  logger?: ServiceLogger;
}

const codeOfStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
  504: 'upstream_timeout',
};

/** A ServiceError as a response: its status, our JSON, Retry-After when it has one. */
export function errorResponse(error: ServiceError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSeconds !== null) headers['retry-after'] = String(error.retryAfterSeconds);
  return new Response(
    JSON.stringify({ error: { ...error.fields, code: error.code, message: error.message } }),
    {
      status: error.status,
      headers,
    },
  );
}

// biome-ignore lint/suspicious/noExplicitAny: any app, whatever its bindings and variables
export function handleErrors(app: Hono<any, any, any>, options: HandleErrorsOptions = {}): void {
  app.notFound((context) =>
    context.json(
      errorBody('not_found', `no route ${context.req.method} ${quoteForMessage(context.req.path)}`),
      404,
    ),
  );
  app.onError((error, context) => {
    if (ServiceError.isInstance(error)) return errorResponse(error);
    const mapped = options.mapError?.(error) ?? null;
    if (mapped) return errorResponse(mapped);
    if (error instanceof HTTPException) {
      const response = error.getResponse();
      // Hono's middleware (bearerAuth) already built our JSON; a bare one gets it now.
      if (response.headers.get('content-type')?.includes('application/json')) return response;
      const code = codeOfStatus[error.status] ?? (error.status >= 500 ? 'internal_error' : 'invalid_request');
      return context.json(errorBody(code, error.message || code), error.status as ContentfulStatusCode);
    }
    options.logger?.error(
      { err: error, method: context.req.method, path: context.req.path },
      'unexpected error while answering a request',
    );
    return context.json(errorBody('internal_error', 'the service failed unexpectedly; see its log'), 500);
  });
}

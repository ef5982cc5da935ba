// Bearer API keys, through Hono's own `bearerAuth` (a constant-time comparison), answering with our
// error JSON: 401 `unauthorized` without a valid key, 400 `invalid_authorization` for a header that is
// not `Bearer <token>`.
import type { MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { errorBody } from '../errors/service-error.js';

export function requireBearerKey(key: string): MiddlewareHandler {
  if (key === '') throw new Error('requireBearerKey needs a non-empty key');
  const unauthorized = errorBody('unauthorized', 'a valid "Authorization: Bearer <key>" header is required');
  return bearerAuth({
    token: key,
    noAuthenticationHeader: { message: unauthorized },
    invalidToken: { message: unauthorized },
    invalidAuthenticationHeader: {
      message: errorBody('invalid_authorization', 'the Authorization header must be "Bearer <key>"'),
    },
  });
}

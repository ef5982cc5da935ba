import type { ContentfulStatusCode } from 'hono/utils/http-status';

const marker = Symbol.for('klody.library-brain.api-error');

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_path'
  | 'unsupported_format'
  | 'binary_content'
  | 'load_failed'
  | 'forbidden_host'
  | 'forbidden_origin'
  | 'path_not_allowed'
  | 'permission_denied'
  | 'not_found'
  | 'ingestion_running'
  | 'embedder_mismatch'
  | 'body_too_large'
  | 'aborted'
  | 'internal_error'
  | 'database_error'
  | 'model_invalid'
  | 'worker_failed'
  | 'gateway_error'
  | 'model_failed'
  | 'schema_too_new'
  | 'gateway_timeout';

/** Every code's status, in one place (README "Errors" lists them). */
export const statusByCode: Record<ApiErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_path: 400,
  unsupported_format: 400,
  binary_content: 400,
  load_failed: 400,
  forbidden_host: 403,
  forbidden_origin: 403,
  path_not_allowed: 403,
  permission_denied: 403,
  not_found: 404,
  ingestion_running: 409,
  embedder_mismatch: 409,
  body_too_large: 413,
  // nginx's "client closed request": nobody reads it, but a log line says what happened.
  aborted: 499 as ContentfulStatusCode,
  internal_error: 500,
  database_error: 500,
  model_invalid: 500,
  worker_failed: 500,
  gateway_error: 502,
  model_failed: 502,
  schema_too_new: 503,
  gateway_timeout: 504,
};

/** An error the API answers as `{ error: { code, message } }` with the status its code implies. */
export class ApiError extends Error {
  readonly [marker] = true;
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): ContentfulStatusCode {
    return statusByCode[this.code];
  }

  static isInstance(error: unknown): error is ApiError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

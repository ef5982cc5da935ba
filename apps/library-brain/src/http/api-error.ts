import { ServiceError } from '@klody/service';

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_path'
  | 'unsupported_format'
  | 'unsupported_media_type'
  | 'binary_content'
  | 'load_failed'
  | 'malformed_request'
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

/**
 * Every code's status, in one place (README "Errors" lists them). `malformed_request`,
 * `forbidden_host`, `forbidden_origin`, `body_too_large`, `not_found` for an unknown route and
 * `internal_error` for a bug are answered by @klody/service; the rest by this app.
 */
export const statusByCode: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_path: 400,
  unsupported_format: 400,
  unsupported_media_type: 415,
  binary_content: 400,
  load_failed: 400,
  malformed_request: 400,
  forbidden_host: 403,
  forbidden_origin: 403,
  path_not_allowed: 403,
  permission_denied: 403,
  not_found: 404,
  ingestion_running: 409,
  embedder_mismatch: 409,
  body_too_large: 413,
  // nginx's "client closed request": nobody reads it, but a log line says what happened.
  aborted: 499,
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
export function apiError(
  code: ApiErrorCode,
  message: string,
  options: { cause?: unknown } = {},
): ServiceError {
  return new ServiceError(code, statusByCode[code], message, options);
}

import type { ContentfulStatusCode } from 'hono/utils/http-status';

const marker = Symbol.for('klody.library-brain.api-error');

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'forbidden_host'
  | 'forbidden_origin'
  | 'path_not_allowed'
  | 'not_found'
  | 'body_too_large'
  | 'ingestion_running'
  | 'internal_error';

const statusByCode: Record<ApiErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  invalid_json: 400,
  forbidden_host: 403,
  forbidden_origin: 403,
  path_not_allowed: 403,
  not_found: 404,
  body_too_large: 413,
  ingestion_running: 409,
  internal_error: 500,
};

/** An error the API answers as `{ error: { code, message } }` with the status its code implies. */
export class ApiError extends Error {
  readonly [marker] = true;
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return statusByCode[this.code];
  }

  static isInstance(error: unknown): error is ApiError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

// The one error class of @klody/service: a code, the HTTP status it answers with, and an optional
// Retry-After. Branded with Symbol.for so that `isInstance` works across duplicated copies of the package.
const brand = Symbol.for('klody.service.error');

export interface ServiceErrorOptions {
  /** Seconds for a Retry-After header (429, 503). */
  retryAfterSeconds?: number;
  /** More fields of the error object, beside code and message (OpenAI's `param`, for one). */
  fields?: Record<string, string | number | boolean | null>;
  cause?: unknown;
}

export class ServiceError extends Error {
  readonly [brand] = true;
  readonly retryAfterSeconds: number | null;
  readonly fields: Record<string, string | number | boolean | null>;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: ServiceErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServiceError';
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.fields = options.fields ?? {};
  }

  static isInstance(error: unknown): error is ServiceError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

/** The JSON body of every error a Klody service produces (CONTRACTS.md). */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

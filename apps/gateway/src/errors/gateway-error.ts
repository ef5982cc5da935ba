const brand = Symbol.for('@klody/gateway/error');

/** Every failure the gateway itself produces, each mapped to one HTTP status in `statusOf`. */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_config'
  | 'unauthorized'
  | 'forbidden_host'
  | 'forbidden_origin'
  | 'not_found'
  | 'model_not_found'
  | 'body_too_large'
  | 'queue_full'
  | 'queue_timeout'
  | 'insufficient_memory'
  | 'workers_busy'
  | 'worker_start_failed'
  | 'worker_start_timeout'
  | 'worker_unreachable'
  | 'worker_error'
  | 'worker_survived'
  | 'worker_hung'
  | 'upstream_timeout'
  | 'unsafe_bind'
  | 'shutting_down'
  | 'no_healthy_worker';

const statuses: Record<GatewayErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_config: 400,
  unauthorized: 401,
  forbidden_host: 403,
  forbidden_origin: 403,
  not_found: 404,
  model_not_found: 404,
  body_too_large: 413,
  queue_full: 429,
  queue_timeout: 503,
  insufficient_memory: 503,
  workers_busy: 503,
  worker_start_failed: 502,
  worker_start_timeout: 504,
  worker_unreachable: 502,
  worker_error: 502,
  worker_survived: 500,
  worker_hung: 504,
  upstream_timeout: 504,
  unsafe_bind: 400,
  shutting_down: 503,
  no_healthy_worker: 503,
};

export interface GatewayErrorOptions {
  /** Seconds a client should wait before retrying (429/503), sent as `Retry-After`. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The one error class of @klody/gateway. */
export class GatewayError extends Error {
  readonly [brand] = true;
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly retryAfterSeconds: number | null;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  get status(): number {
    return statuses[this.code];
  }

  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

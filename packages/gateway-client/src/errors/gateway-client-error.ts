const brand = Symbol.for('@klody/gateway-client/error');

export type GatewayClientErrorCode =
  /** The gateway did not answer within the call's timeout. */
  | 'timeout'
  /** No connection could be made (the gateway is not running, or the URL is wrong). */
  | 'unreachable'
  /** The gateway answered with an error status; `status` and `serverCode` say which. */
  | 'http_error'
  /**
   * The gateway answered 2xx with something that is not the call's answer: not JSON (an HTML page),
   * or JSON that does not match the call's schema (the admin API's, a model list).
   */
  | 'invalid_response'
  /** The caller passed something the API cannot accept (checked before any request). */
  | 'invalid_argument'
  /** The call was aborted by the caller's signal. */
  | 'aborted';

export interface GatewayClientErrorOptions {
  status?: number | null;
  serverCode?: string | null;
  cause?: unknown;
}

/** The one error class of @klody/gateway-client. */
export class GatewayClientError extends Error {
  readonly [brand] = true;
  override readonly name = 'GatewayClientError';
  readonly code: GatewayClientErrorCode;
  /** The HTTP status when the gateway answered, null otherwise. */
  readonly status: number | null;
  /** The gateway's own `error.code` when its body was a JSON error, null otherwise. */
  readonly serverCode: string | null;

  constructor(code: GatewayClientErrorCode, message: string, options: GatewayClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
    this.serverCode = options.serverCode ?? null;
  }

  /** True for any copy of this class, even from a duplicated install of the package. */
  static isInstance(value: unknown): value is GatewayClientError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

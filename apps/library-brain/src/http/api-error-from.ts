import { MemoryError, type MemoryErrorCode } from '@klody/memory';
import { ServiceError } from '@klody/service';
import { timedOut } from '../library/timed-out.js';
import { type ApiErrorCode, apiError } from './api-error.js';

export interface ErrorContext {
  /** The gateway's URL, named in the message of an upstream failure; null without a gateway. */
  gatewayURL: string | null;
}

/**
 * What each MemoryError code becomes: invalid input 400, upstream failures 502, time limits 504.
 * Every code must be here (the Record type says so); a code newer than this app's memory package
 * may be too (the string index).
 */
const codeByMemoryCode: Record<MemoryErrorCode, ApiErrorCode> & Record<string, ApiErrorCode> = {
  invalid_argument: 'invalid_request',
  unsupported_format: 'unsupported_format',
  binary_content: 'binary_content',
  load_failed: 'load_failed',
  not_found: 'not_found',
  embedder_mismatch: 'embedder_mismatch',
  aborted: 'aborted',
  schema_too_new: 'schema_too_new',
  model_invalid: 'model_invalid',
  worker_failed: 'worker_failed',
  embedder_failed: 'gateway_error',
  reranker_failed: 'gateway_error',
  generator_failed: 'gateway_error',
  // Library Brain never searches the web; were it to, a failed outside service is a bad gateway too.
  web_search_failed: 'gateway_error',
  web_fetch_failed: 'gateway_error',
};

const upstreamCodes = new Set<MemoryErrorCode>(['embedder_failed', 'reranker_failed', 'generator_failed']);

/** File-system errors that reach the API are the request's fault (a path), not the server's. */
const codeBySystemCode: Record<string, ApiErrorCode> = {
  ENOENT: 'not_found',
  ENOTDIR: 'not_found',
  EACCES: 'permission_denied',
  EPERM: 'permission_denied',
  ERR_INVALID_ARG_VALUE: 'invalid_path',
  ERR_INVALID_ARG_TYPE: 'invalid_path',
};

/**
 * The one place where an error becomes the API's `{ error: { code, message } }`, and the app's
 * `mapError` for @klody/service: ServiceErrors as they are, every MemoryError code by the table above
 * (a model that failed names the gateway; a time limit is 504), file-system errors by their code.
 * Null for anything else: a bug, logged and answered as `internal_error`.
 */
export function apiErrorFrom(error: unknown, context: ErrorContext): ServiceError | null {
  if (ServiceError.isInstance(error)) return error;
  if (MemoryError.isInstance(error)) {
    if (upstreamCodes.has(error.code)) {
      const timeout = timedOut(error);
      if (!context.gatewayURL)
        return apiError('model_failed', `the model failed: ${error.message}`, { cause: error });
      return apiError(
        timeout ? 'gateway_timeout' : 'gateway_error',
        `the gateway at ${context.gatewayURL} ${timeout ? 'did not answer in time' : 'failed'}: ${error.message}`,
        { cause: error },
      );
    }
    return apiError(codeByMemoryCode[error.code] ?? 'internal_error', error.message, { cause: error });
  }
  const systemCode = (error as { code?: unknown } | null)?.code;
  // better-sqlite3's errors: a library file that is not a database, a disk that is full…
  if (error instanceof Error && typeof systemCode === 'string' && systemCode.startsWith('SQLITE_'))
    return apiError('database_error', `the library database: ${error.message} (${systemCode})`, {
      cause: error,
    });
  if (error instanceof Error && typeof systemCode === 'string' && systemCode in codeBySystemCode) {
    const path = (error as { path?: unknown }).path;
    const message =
      systemCode === 'ENOENT' || systemCode === 'ENOTDIR'
        ? `no such file or folder${typeof path === 'string' ? `: ${path}` : ''}`
        : error.message;
    return apiError(codeBySystemCode[systemCode] as ApiErrorCode, message, { cause: error });
  }
  return null;
}

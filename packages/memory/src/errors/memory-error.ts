// One error class for the whole package. The brand is a global symbol so that `isInstance` still
// works when a consumer ends up with two copies of the package (a nested install, a bundled app).
const brand = Symbol.for('@klody/memory/MemoryError');

export type MemoryErrorCode =
  | 'invalid_argument'
  | 'unsupported_format'
  | 'load_failed'
  | 'binary_content'
  | 'schema_too_new'
  | 'embedder_mismatch'
  | 'embedder_failed'
  | 'reranker_failed'
  | 'generator_failed'
  | 'not_found'
  | 'aborted'
  | 'worker_failed'
  | 'model_invalid'
  | 'web_search_failed'
  | 'web_fetch_failed';

export class MemoryError extends Error {
  readonly code: MemoryErrorCode;
  readonly [brand] = true;

  constructor(code: MemoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MemoryError';
    this.code = code;
  }

  static isInstance(value: unknown): value is MemoryError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** Throws `aborted` when the signal fired, so long loops stop at their next step. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new MemoryError('aborted', 'the operation was aborted', { cause: signal.reason });
  }
}

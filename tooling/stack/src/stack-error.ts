const marker = Symbol.for('klody.stack.error');

export type StackErrorCode = 'service_failed_to_start' | 'service_exited';

/** A service of the stack could not start, or stopped on its own. */
export class StackError extends Error {
  readonly [marker] = true;
  override readonly name = 'StackError';

  constructor(
    readonly code: StackErrorCode,
    readonly service: string,
    message: string,
  ) {
    super(message);
  }

  static isInstance(error: unknown): error is StackError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

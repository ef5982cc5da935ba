import { ConfigurationError } from '../errors/configuration-error.js';
import { ServiceError } from '../errors/service-error.js';

const brand = Symbol.for('klody.UsageError');

/** Bad usage or input of a command: exit 2 with a one-line message (CONTRACTS.md). */
export class UsageError extends Error {
  readonly [brand] = true;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }

  static isInstance(error: unknown): error is UsageError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

/** Throws a `UsageError` with the code `invalid_usage`. */
export function usageError(message: string): never {
  throw new UsageError('invalid_usage', message);
}

/** How a failed command ends: the contract's error code, its exit code, and the one-line message. */
export interface CommandFailure {
  code: string;
  exitCode: 1 | 2;
  message: string;
}

/**
 * Classifies a command's error (CONTRACTS.md): exit 2 for bad usage, configuration or input (a
 * `UsageError`, a `ConfigurationError`, a 4xx `ServiceError` other than a time-out or an abort), 1
 * for a failure while the command ran. `classify` names an app's own errors first; what no rule
 * knows is `internal_error`.
 */
export function commandFailure(
  error: unknown,
  classify?: (error: unknown) => { code: string; exitCode: 1 | 2 } | null,
): CommandFailure {
  const message = error instanceof Error ? error.message : String(error);
  const own = classify?.(error);
  if (own) return { ...own, message };
  if (UsageError.isInstance(error)) return { code: error.code, exitCode: 2, message };
  if (ConfigurationError.isInstance(error))
    return { code: 'invalid_configuration', exitCode: 2, message: `invalid configuration: ${message}` };
  if (ServiceError.isInstance(error)) {
    const input =
      error.status >= 400 && error.status < 500 && error.status !== 408 && error.code !== 'aborted';
    return { code: error.code, exitCode: input ? 2 : 1, message };
  }
  return { code: 'internal_error', exitCode: 1, message };
}

/**
 * Reports a failed command: the one-line message on stderr after the service's name and, with
 * `--json`, exactly one JSON line on stdout, `{ "error": { "code", "message" } }`. Returns the exit code.
 */
export function reportCommandFailure(options: {
  service: string;
  error: unknown;
  json: boolean;
  classify?: (error: unknown) => { code: string; exitCode: 1 | 2 } | null;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}): number {
  const failure = commandFailure(options.error, options.classify);
  if (options.json)
    (options.stdout ?? process.stdout).write(
      `${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`,
    );
  (options.stderr ?? process.stderr).write(`${options.service}: ${failure.message}\n`);
  return failure.exitCode;
}

// A configuration a service cannot start with (an unknown log level, an unsafe bind): the command
// prints the message on one line and exits 2 (CONTRACTS.md).
const brand = Symbol.for('klody.service.configuration-error');

export class ConfigurationError extends Error {
  readonly [brand] = true;
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }

  static isInstance(error: unknown): error is ConfigurationError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

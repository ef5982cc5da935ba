/** Bad usage or configuration: exit 2 with a one-line message (CONTRACTS.md). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    readonly code: 'invalid_usage' | 'invalid_configuration',
    message: string,
  ) {
    super(message);
  }
}

export function usageError(message: string): never {
  throw new UsageError('invalid_usage', message);
}

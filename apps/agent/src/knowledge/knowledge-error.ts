/**
 * Why a knowledge command was refused. All are bad usage or configuration (exit 2 for the CLI):
 * nothing was written when one is thrown.
 */
export type KnowledgeErrorCode = 'path_not_found' | 'root_not_found' | 'invalid_kind' | 'kind_unavailable';

const brand = Symbol.for('klody.agent.KnowledgeError');

export class KnowledgeError extends Error {
  override readonly name = 'KnowledgeError';
  readonly [brand] = true;
  constructor(
    readonly code: KnowledgeErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** True for a KnowledgeError from any copy of this module. */
  static isInstance(error: unknown): error is KnowledgeError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

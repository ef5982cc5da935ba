/** Why an approval was refused; each is a 4xx for the HTTP API and an `error` event for the loop. */
export type ApprovalErrorCode =
  | 'approval_not_found'
  | 'approval_expired'
  | 'approval_already_decided'
  | 'approval_mismatch'
  | 'approval_not_approved'
  | 'approval_already_used';

const brand = Symbol.for('klody.agent.ApprovalError');

/** A refused approval operation. Nothing runs and nothing changes in the store when one is thrown. */
export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
  readonly [brand] = true;
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** True for an ApprovalError from any copy of this module. */
  static isInstance(error: unknown): error is ApprovalError {
    return typeof error === 'object' && error !== null && brand in error;
  }
}

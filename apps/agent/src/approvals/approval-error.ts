/** Why an approval was refused; each is a 4xx for the HTTP API and an `error` event for the loop. */
export type ApprovalErrorCode =
  | 'approval_not_found'
  | 'approval_expired'
  | 'approval_already_decided'
  | 'approval_mismatch'
  | 'approval_not_approved'
  | 'approval_already_used';

/**
 * The HTTP status of each refusal, for the agent's HTTP API (`new ServiceError(code, status, message)`):
 * an unknown approval (or another session's) is 404; an expired one, one in the wrong state or one for
 * another call is 409 (CONTRACTS.md: conflict).
 */
export const approvalErrorStatus: Readonly<Record<ApprovalErrorCode, number>> = {
  approval_not_found: 404,
  approval_expired: 409,
  approval_already_decided: 409,
  approval_mismatch: 409,
  approval_not_approved: 409,
  approval_already_used: 409,
};

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

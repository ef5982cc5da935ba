export { ApprovalError, type ApprovalErrorCode, approvalErrorStatus } from './approval-error.js';
export { type ApprovalNeed, type ApprovalNeedInput, approvalNeed } from './approval-policy.js';
export {
  type ApprovalRecord,
  type ApprovalRecordState,
  type ApprovalRequest,
  type ApprovalStore,
  type ApprovalStoreOptions,
  type ApprovalUse,
  createApprovalStore,
} from './approval-store.js';
export { argumentsHash, canonicalJson } from './canonical-arguments.js';
export { classifyByVerbs, type ToolAnnotations } from './classify-by-verbs.js';

export {
  decideAdmission,
  type PolicyDecision,
  type PolicyInput,
  type PolicySettings,
  type PolicyWorker,
  type SchedulingPolicy,
  type WaitingRequest,
} from './batch-policy.js';
export {
  type CannotFitReason,
  type EvictionNeed,
  type EvictionPlan,
  footprintGb,
  loadPriorGb,
  type PlanEvictionInput,
  planEviction,
  type SchedulerWorker,
} from './plan-eviction.js';
export { type LedgerDecision, type Reservation, SchedulerLedger } from './scheduler-ledger.js';
export { SingleFlight } from './single-flight.js';

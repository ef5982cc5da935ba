export {
  type BrokenStreamVariant,
  type FaultCase,
  type FaultKind,
  type FaultOutcome,
  type FaultSetting,
  faultCases,
  type ResetVariant,
} from './fault-cases.js';
export {
  type FaultRoute,
  type FaultUpstream,
  type FaultUpstreamOptions,
  faultRoutes,
  type RecordedRequest,
  startFaultUpstream,
} from './fault-upstream.js';

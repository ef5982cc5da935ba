export {
  CircuitBreaker,
  type CircuitBreakerSettings,
  type CircuitSnapshot,
  type CircuitState,
  type CircuitTicket,
} from './circuit-breaker.js';
export {
  type ReplicaChoice,
  ReplicaRouter,
  type ReplicaRouterOptions,
  type RoutedWorkers,
  type WorkerCircuit,
} from './replica-router.js';
export {
  busyness,
  chooseReplica,
  type ReplicaView,
  type RouteGroup,
  routeGroups,
} from './route-selection.js';

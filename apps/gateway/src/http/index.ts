export { createGatewayApp, type GatewayAppOptions, relayedRoutes, writeJsonError } from './gateway-app.js';
export { GatewayMetrics, type RequestOutcome } from './gateway-metrics.js';
export { type ListenOptions, listen, malformedRequestResponse } from './listen.js';
export { readBody } from './read-body.js';
export { forwardHeaders, type RelayOptions, relay } from './relay.js';
export {
  checkBearer,
  checkHost,
  checkOrigin,
  type GuardOptions,
  type GuardVerdict,
  hostName,
  isLoopbackAddress,
  isLoopbackName,
} from './request-guard.js';

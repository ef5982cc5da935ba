export { createGatewayApp, type GatewayAppOptions, relayedRoutes, writeJsonError } from './gateway-app.js';
export { GatewayMetrics, type RequestOutcome } from './gateway-metrics.js';
export { readBody } from './read-body.js';
export { forwardHeaders, type RelayOptions, relay } from './relay.js';

export { createGatewayApp, type GatewayAppOptions, relayedRoutes } from './gateway-app.js';
export { GatewayMetrics, type RequestOutcome } from './gateway-metrics.js';
export { writeJsonError } from './json-error.js';
export { readBody } from './read-body.js';
export { forwardHeaders, type RelayOptions, relay } from './relay.js';

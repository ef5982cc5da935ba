export { type GatewayPidRecord, readLiveGateway, writeGatewayPidFile } from './gateway-pid-file.js';
export { createJsonLogger, type GatewayLogger } from './json-logger.js';
export { gatewayHome } from './klody-home.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './start-gateway.js';

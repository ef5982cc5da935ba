export { GatewayError, type GatewayErrorCode, type GatewayErrorOptions } from './gateway-error.js';

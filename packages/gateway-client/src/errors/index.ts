export {
  GatewayClientError,
  type GatewayClientErrorCode,
  type GatewayClientErrorOptions,
} from './gateway-client-error.js';

export {
  type CallOptions,
  createGatewayClient,
  type GatewayClient,
  type GatewayClientOptions,
  gatewayClientOptionsFromEnvironment,
} from './create-gateway-client.js';

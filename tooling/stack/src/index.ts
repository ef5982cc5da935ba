export {
  chooseGatewayRegistry,
  type GatewayRegistryChoice,
  installCommand,
  installedModelNames,
  realRegistry,
  toyRegistry,
} from './gateway-registry.js';
export { type KlodyServicesOptions, klodyServices, sourceCommand } from './klody-services.js';
export type { ServiceDefinition } from './service-definition.js';
export { StackError, type StackErrorCode } from './stack-error.js';
export {
  type RunningService,
  type RunningStack,
  type ServiceExit,
  type StartStackOptions,
  startStack,
} from './supervisor.js';

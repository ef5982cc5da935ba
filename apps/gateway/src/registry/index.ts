export { type HealthCheckConfig, healthCheckSchema } from './health-check-schema.js';
export { type LoadedRegistry, loadRegistry, parseRegistry } from './load-registry.js';
export {
  type EmbeddedConfig,
  embeddedSchema,
  isRemote,
  type ManagedWorkerConfig,
  managedWorkerSchema,
  type Registry,
  type RegistryInput,
  type RemoteWorkerConfig,
  type RequestDefaults,
  registrySchema,
  remoteWorkerSchema,
  type ServerConfig,
  serverConfigSchema,
  type WorkerConfig,
  workerConfigSchema,
} from './registry-schema.js';
export {
  type RequestFields,
  requestFieldsSchema,
  type VariantConfig,
  variantSchema,
} from './request-parameters-schema.js';
export {
  type CircuitBreakerConfig,
  checkRoutes,
  circuitBreakerSchema,
  type RouteConfig,
  type Routes,
  routeSchema,
  routesSchema,
} from './routes-schema.js';
export { type SchedulerSettings, schedulerSchema, workerPrioritySchema } from './scheduler-schema.js';

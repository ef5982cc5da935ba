export { createServiceApp, type ServiceAppOptions, type ServiceEnv } from './app/create-service-app.js';
export { requireBearerKey } from './auth/bearer-key.js';
export { optionalText, readEnvironment } from './environment/read-environment.js';
export { readGatewayURL, readServiceURL } from './environment/service-url.js';
export { ConfigurationError } from './errors/configuration-error.js';
export {
  type ErrorMapper,
  errorResponse,
  type HandleErrorsOptions,
  handleErrors,
} from './errors/handle-errors.js';
export { quoteForMessage } from './errors/quote-for-message.js';
export { errorBody, ServiceError, type ServiceErrorOptions } from './errors/service-error.js';
export { type HealthResponse, healthResponseSchema } from './health/health-response.js';
export { klodyHome } from './home/klody-home.js';
export { defaultJsonBodyLimitBytes, limitBody, mebibyte } from './limits/body-limit.js';
export { type CreateLoggerOptions, createLogger, type ServiceLogger } from './logging/create-logger.js';
export { type LogLevel, logLevels, readLogLevel } from './logging/log-level.js';
export { type RequestIdVariables, requestIdHeader, requestLogging } from './logging/request-logging.js';
export { hostNameOf, isLoopbackAddress, isLoopbackName } from './loopback/loopback-names.js';
export {
  checkHost,
  checkOrigin,
  type LoopbackPolicyOptions,
  loopbackPolicy,
  type PolicyVerdict,
} from './loopback/loopback-policy.js';
export { escapeLabel, Histogram, prometheusLabels } from './metrics/prometheus.js';
export { parseRequest, readJsonBody } from './requests/parse-request.js';
export { type BindRuleOptions, checkBindRule } from './server/bind-rule.js';
export {
  malformedRequestResponse,
  type RunningService,
  type ServeOptions,
  serve,
  stopOnSignals,
} from './server/serve.js';
export {
  type CommandFailure,
  commandFailure,
  reportCommandFailure,
  UsageError,
  usageError,
} from './terminal/command-failure.js';
export { parseCommandLine } from './terminal/parse-command-line.js';
export { renderTable } from './terminal/render-table.js';
export { startTimeLimit, type TimeLimit } from './time/start-time-limit.js';
export { webFiles } from './web/web-files.js';

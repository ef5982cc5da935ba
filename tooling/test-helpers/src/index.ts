export { repositoryRoot, testDataDir, testDataPath } from './data/index.js';
export { type WaitForHttpOptions, waitForHttp } from './http/index.js';
export { freePort, freePorts, servicePorts } from './ports/index.js';
export {
  createProcessReaper,
  isProcessAlive,
  type ProcessExit,
  type ProcessReaper,
  type ReapedProcess,
} from './processes/index.js';
export { countTests, formatSummaryLine, SummaryLineReporter, type TestCounts } from './reporter/index.js';
export {
  decideRequirements,
  findExecutable,
  findMissingRequirements,
  isContinuousIntegration,
  type RequirementContext,
  type RequirementDecision,
  type Requirements,
} from './requirements/index.js';

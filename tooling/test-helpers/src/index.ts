export { chromiumOptions, chromiumPath, screenshotPath } from './browser/index.js';
export { repositoryRoot, testDataDir, testDataPath } from './data/index.js';
export {
  type BrokenStreamVariant,
  type FaultCase,
  type FaultKind,
  type FaultOutcome,
  type FaultRoute,
  type FaultSetting,
  type FaultUpstream,
  type FaultUpstreamOptions,
  faultCases,
  faultRoutes,
  type RecordedRequest,
  type ResetVariant,
  startFaultUpstream,
} from './fault-upstream/index.js';
export { type WaitForHttpOptions, waitForHttp } from './http/index.js';
export { e5WorkerEntry, gemmaEmbeddedWorkerEntry, installedModel, voiceWorkerEntry } from './models/index.js';
export { freePort, freePorts, servicePorts } from './ports/index.js';
export {
  createProcessReaper,
  isProcessAlive,
  type ProcessExit,
  type ProcessReaper,
  type ReapedProcess,
} from './processes/index.js';
export {
  findPythonMcpClient,
  missingPythonMcpClient,
  type PythonMcpCall,
  type PythonMcpCallReport,
  type PythonMcpContent,
  type PythonMcpError,
  type PythonMcpReport,
  type PythonMcpServer,
  type PythonMcpTool,
  pythonMcpDriverPath,
  type RunPythonMcpClientOptions,
  runPythonMcpClient,
} from './python-mcp-client/index.js';
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
export {
  type GatewayProcess,
  type GatewayProcessOptions,
  type GatewayWorkerEntry,
  type LibraryBrainOptions,
  type LibraryBrainProcess,
  sourceArguments,
  startE5Gateway,
  startGatewayProcess,
  startLibraryBrain,
  startVocalBrain,
  type VocalBrainProcess,
} from './services/index.js';

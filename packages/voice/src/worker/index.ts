export { voiceErrorToServiceError } from './voice-error-mapper.js';
export { createVoiceWorkerApp, openAiPcmSampleRate, type VoiceWorkerOptions } from './voice-worker-app.js';
export {
  type RunningVoiceWorker,
  type StartVoiceWorkerOptions,
  startVoiceWorker,
} from './voice-worker-server.js';
export {
  defaultVoiceWorkerPort,
  UsageError,
  voiceWorkerOptionsFromCommandLine,
  voiceWorkerUsage,
} from './worker-command-line.js';

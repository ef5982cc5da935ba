export {
  throwIfAborted,
  VoiceError,
  type VoiceErrorCode,
  type VoiceErrorOptions,
  voiceErrorStatus,
} from './voice-error.js';

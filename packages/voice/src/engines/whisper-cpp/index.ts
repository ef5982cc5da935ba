export {
  createWhisperCppSpeechToText,
  parseWhisperCppJson,
  type WhisperCppOptions,
  whisperCppArguments,
} from './whisper-cpp.js';

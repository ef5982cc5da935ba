export {
  createFasterWhisperSpeechToText,
  type FasterWhisperOptions,
  type FasterWhisperReady,
  type FasterWhisperSpeechToText,
  fasterWhisperScriptPath,
} from './faster-whisper.js';

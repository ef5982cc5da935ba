export {
  createFasterWhisperSpeechToText,
  type FasterWhisperOptions,
  type FasterWhisperSpeechToText,
  fasterWhisperScriptPath,
} from './faster-whisper.js';

export {
  createPiperTextToSpeech,
  type PiperModelConfig,
  type PiperOptions,
  type PiperTextToSpeech,
  type PiperVoiceConfig,
  parsePiperConfig,
  piperArguments,
  piperScriptPath,
} from './piper.js';

export {
  createPiperTextToSpeech,
  type PiperModelConfig,
  type PiperOptions,
  type PiperVoiceConfig,
  parsePiperConfig,
  piperArguments,
} from './piper.js';

export { calibrateEngines, type TimedSynthesis, timeSynthesis } from './calibrate-engines.js';
export { chooseTranscriptionEngine } from './choose-transcription-engine.js';
export {
  createEngineMeasurements,
  type EngineFigures,
  type EngineMeasurements,
  type Measurement,
} from './engine-measurements.js';
export { type CreateEngineSetOptions, createEngineSet, type EngineSet, installHints } from './engine-set.js';
export {
  createGatewaySpeechModels,
  type GatewaySpeechModels,
  type GatewaySpeechModelsOptions,
} from './gateway-speech-models.js';
export {
  type QualityClass,
  qualityClasses,
  type SpeechEngine,
  type TranscriptionEngine,
} from './speech-engine.js';

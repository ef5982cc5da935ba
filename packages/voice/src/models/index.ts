export {
  type InstalledModel,
  type InstalledModelsLookup,
  type InstalledPiperVoice,
  type InstalledWhisperModel,
  installedModel,
  installedModels,
  installedPiperVoices,
  installedWhisperModel,
  manifestCandidates,
  modelsInstallHint,
} from './installed-models.js';
export { vadModelPath } from './vad-model-path.js';

export { editDistance, nearMatches } from './near-matches.js';
export {
  type ResolveSpeakerDependencies,
  resolveSpeaker,
  type Speaker,
  type SpeakerRequest,
} from './resolve-speaker.js';
export { installHintFor, unknownNameError } from './unknown-name.js';
export {
  type CatalogueVoice,
  createVoiceCatalogue,
  type VoiceCatalogue,
  type VoiceList,
} from './voice-catalogue.js';

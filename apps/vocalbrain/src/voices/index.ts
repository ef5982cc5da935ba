export { editDistance, nearMatches } from './near-matches.js';
export {
  type CatalogueVoice,
  createVoiceCatalogue,
  type VoiceCatalogue,
  type VoiceList,
} from './voice-catalogue.js';

export { chooseSpeechRoute } from './choose-speech-route.js';
export { requestLanguage } from './request-language.js';
export type { ConsideredEngine, RouteCandidate, RouteDecision, RouteRequest } from './speech-route.js';
export {
  createSpeechRouter,
  type RoutedDecision,
  type RouteInput,
  type SpeechRouter,
} from './speech-router.js';
export { languageCode, voiceForLanguage } from './voice-for-language.js';

export { checkProfileVoice } from './check-profile-voice.js';
export { type ProfileInput, profileInputSchema, profileNameSchema, type VoiceProfile } from './profile.js';
export { createProfileStore, type ProfileStore } from './profile-store.js';

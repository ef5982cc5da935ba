export type { DetectSpeechOptions, SpeechSegment, VoiceActivityDetector } from './voice-activity-detector.js';

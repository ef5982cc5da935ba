export {
  createStreamingVoiceActivity,
  type StreamingVoiceActivity,
  type StreamingVoiceActivityOptions,
} from './streaming-voice-activity.js';
export {
  createTurnDetector,
  defaultTurnDetectorOptions,
  type TurnDetector,
  type TurnDetectorOptions,
  type TurnEvent,
} from './turn-detector.js';
export type { DetectSpeechOptions, SpeechSegment, VoiceActivityDetector } from './voice-activity-detector.js';
export type { VoiceActivityStream, VoiceActivityStreamSource } from './voice-activity-stream.js';

export {
  createFakeSpeechToText,
  type FakeSpeechToText,
  type FakeSpeechToTextOptions,
} from './fake-speech-to-text.js';
export {
  createFakeTextToSpeech,
  type FakeTextToSpeech,
  type FakeTextToSpeechOptions,
} from './fake-text-to-speech.js';
export {
  createFakeVoiceActivityDetector,
  type FakeVoiceActivityDetectorOptions,
} from './fake-voice-activity-detector.js';
export {
  createFakeVoiceActivityStream,
  type FakeVoiceActivityStreamOptions,
} from './fake-voice-activity-stream.js';

export type { SileroStream } from './silero-stream.js';
export { createSileroVad, type SileroVad, type SileroVadOptions } from './silero-vad.js';
export {
  defaultSpeechTimestampOptions,
  type SpeechTimestampOptions,
  speechTimestamps,
} from './speech-timestamps.js';

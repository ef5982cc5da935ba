export {
  defaultMaxCharacters,
  defaultMinCharacters,
  isFalseSentenceBreak,
  type SegmentTextOptions,
  segmentText,
  segmentTextForSpeech,
  type TextSegment,
} from './segment-text.js';
export { createSentenceStream, type SentenceStream } from './sentence-stream.js';

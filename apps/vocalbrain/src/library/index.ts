export {
  createTrackLibrary,
  maxFindDescriptionLength,
  maxFindLimit,
  type TrackLibraryOptions,
} from './create-track-library.js';
export {
  type EmbedderSource,
  fixedEmbedderSource,
  type GatewayEmbedderSourceOptions,
  gatewayEmbedderSource,
  inProcessEmbedderSource,
} from './library-embedder.js';
export { libraryEmbedderSource, openTrackLibrary, type TrackLibraryConfig } from './open-track-library.js';
export {
  audioFormatOf,
  contentTypeOf,
  ffmpegFormats,
  readTrackAudio,
  type TrackAudio,
} from './read-track-audio.js';
export {
  measureRecall,
  type RecallFigures,
  type RecallSet,
  type RecallSplit,
  readRecallSet,
  recallSetPath,
} from './recall-evaluation.js';
export type { FindAnswer, FindOptions, FoundTrack, NewTrack, Track, TrackLibrary } from './track.js';
export { trackText } from './track-text.js';
export {
  createTrackTranscriber,
  type HeardWords,
  installedTrackTranscriber,
  noTranscriberNote,
  type TrackTranscriber,
} from './track-transcriber.js';

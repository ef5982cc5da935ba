export { type ConcatenateOptions, concatenateAudio, silence } from './concatenate.js';
export {
  integratedLoudness,
  interSamplePeaks,
  kWeightingFilters,
  type LoudnessMeasurement,
  measureLoudness,
} from './loudness.js';
export { type NormalizeOptions, type NormalizeResult, normalizeLoudness } from './normalize.js';
export { audioDuration, type MonoAudio, type MultiChannelAudio } from './pcm-audio.js';
export { downmixToMono, resample, toMonoAt } from './resample.js';
export { createStreamingResampler, type StreamingResampler } from './streaming-resampler.js';
export {
  type DecodedWav,
  decodeWav,
  type EncodeWavOptions,
  encodeWav,
  floatToPcm16,
  pcm16ToFloat,
  type WavInfo,
  wavHeader,
} from './wav.js';
export { readWavFile, writeWavFile } from './wav-file.js';

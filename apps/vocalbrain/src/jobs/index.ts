export { type CreateJobsOptions, createJobs } from './create-jobs.js';
export {
  finalStatuses,
  type Job,
  type JobItem,
  type JobSegment,
  type JobStatus,
  type JobVoice,
} from './job.js';
export { type JobConfig, readJobConfig } from './job-config.js';
export {
  createJobQueue,
  JobError,
  type JobQueue,
  type JobQueueOptions,
  type MemoryWaitOptions,
  type SubmitJob,
} from './job-queue.js';
export { cutJobText, type SegmentSpan, segmentSpeech } from './job-segments.js';
export { createJobStore, type JobStore } from './job-store.js';
export { createLoudnessMeter, gatedLoudness, type LoudnessMeter } from './loudness-meter.js';
export {
  type NormalizeFileOptions,
  type NormalizeFileResult,
  normalizePcmFile,
} from './normalize-pcm-file.js';
export {
  createEngineSynthesizer,
  findJobEngine,
  type JobEngine,
  type JobEngineSource,
  type SegmentSynthesizer,
} from './segment-synthesizer.js';

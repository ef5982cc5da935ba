// The job queue's worker: takes queued jobs from the store one at a time (by default), reserves memory
// at the gateway first when the engine is heavy, synthesizes each item segment by segment into its PCM
// work file (recording progress after every segment), then normalises the loudness of the whole item
// into one WAV under the audio folder. A restart continues a job from its last finished segment.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resample, VoiceError } from '@klody/voice';
import { type EngineMemoryStore, engineProcessPattern, measureWhile } from '../reservation/engine-memory.js';
import { decideHeavy, type HeavyEngineRules } from '../reservation/heavy-engines.js';
import { type MemoryReserver, waitForMemory } from '../reservation/memory-reservation.js';
import type { Job, JobVoice } from './job.js';
import { cutJobText, type SegmentSpan, segmentSpeech } from './job-segments.js';
import type { JobStore } from './job-store.js';
import { normalizePcmFile } from './normalize-pcm-file.js';
import { appendPcm, pcmFileSize, restorePcmLength } from './pcm-work-file.js';
import type { SegmentSynthesizer } from './segment-synthesizer.js';
import { unwrapLines } from './unwrap-lines.js';

export interface MemoryWaitOptions {
  /** How long a heavy job may wait for the gateway to free memory before it fails (seconds). */
  limitSeconds: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface JobQueueOptions {
  store: JobStore;
  engineMemory: EngineMemoryStore;
  synthesize: SegmentSynthesizer;
  /** `$KLODY_HOME/vocalbrain/audio`: finished WAVs, and the work files under `.work/`. */
  audioDirectory: string;
  /** The gateway, for heavy jobs; null without one. */
  reserver: MemoryReserver | null;
  heavyRules: HeavyEngineRules;
  /** Engines the engine set marks heavy (cloning, large models), besides the rules. */
  isMarkedHeavy?: (engine: string) => Promise<boolean> | boolean;
  memoryWait: MemoryWaitOptions;
  /** Jobs run at the same time (default 1: one engine busy at a time). */
  workers?: number;
  /** Silence between two segments of a paragraph, and between paragraphs (seconds). */
  sentencePauseSeconds?: number;
  paragraphPauseSeconds?: number;
  /**
   * How long a segment may be (characters, default 1,000) and how short before it is merged with the
   * next sentence (default 400): a segment is the unit of progress, of cancel and of resume, and one
   * engine run (espeak-ng starts a process per run).
   */
  segmentMaxCharacters?: number;
  segmentMinCharacters?: number;
  /** How often an idle worker looks for jobs queued by another process (ms, default 1,000). */
  pollIntervalMs?: number;
  /**
   * Whether the next segment is synthesized while the current one is written (default true: on two
   * cores the engine and this process then work at the same time). At a cancel or a stop, that one
   * segment is dropped, never recorded.
   */
  prefetchSegment?: boolean;
  /** Whether the engine processes' memory is measured while they synthesize (default true). */
  measureMemory?: boolean;
  logger?: { info(message: string): void; warn(message: string): void } | null;
}

export interface SubmitJob {
  /** One text (a `text` job) or several (a `batch`: one WAV per text). */
  texts: string[];
  kind: 'text' | 'batch';
  voice: JobVoice;
  loudnessTargetLufs: number;
}

export interface JobQueue {
  /** Cuts the texts into segments and queues the job (throws VoiceError `empty_text` for nothing to say). */
  submit(request: SubmitJob): Job;
  /** Puts back the jobs a dead process left running, then starts the workers. */
  start(): void;
  /** Stops the workers at their next segment boundary; their jobs stay queued for the next start. */
  stop(): Promise<void>;
  cancel(id: string): Job | null;
  get(id: string): Job | null;
  list(options?: { limit?: number }): Job[];
  /** The finished WAV of a job's item (absolute path), or why there is none. */
  audioPath(id: string, item: number): string;
  /** Removes a finished, failed or cancelled job and its files. */
  remove(id: string): boolean;
  /** Called after every change of a job this process makes (progress, status). */
  onChange(listener: (job: Job) => void): () => void;
  /** Resolves once no job is queued or running in this process (tests, a CLI that waits). */
  idle(): Promise<void>;
}

export class JobError extends Error {
  constructor(
    readonly code: 'job_not_found' | 'job_not_done' | 'job_active' | 'item_not_found',
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Stops the worker loop at a segment boundary without touching the job (the process is stopping). */
class Stopping extends Error {}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { store, engineMemory, audioDirectory } = options;
  const workDirectory = join(audioDirectory, '.work');
  const workers = options.workers ?? 1;
  const sentencePause = options.sentencePauseSeconds ?? 0.25;
  const paragraphPause = options.paragraphPauseSeconds ?? 0.6;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const measureMemory = options.measureMemory ?? true;
  const prefetch = options.prefetchSegment ?? true;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let running = false;
  let stopController = new AbortController();
  let loops: Promise<void>[] = [];
  let busy = 0;
  // Sleeping workers, woken early by a new job, a cancel or the stop.
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  const idleWaiters: (() => void)[] = [];

  const changed = (id: string) => {
    const job = store.get(id);
    if (job) events.emit('change', job);
  };
  const workPath = (id: string, item: number) => join(workDirectory, `${id}-${item}.pcm`);
  const outputPath = (job: Job, item: number) =>
    join(audioDirectory, job.kind === 'text' ? `${job.id}.wav` : `${job.id}-${item}.wav`);

  const checkIdle = () => {
    if (busy > 0 || store.list({ limit: 1, status: 'queued' }).length > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      const signal = stopController.signal;
      function finish() {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        sleepers.delete(finish);
        resolve();
      }
      signal.addEventListener('abort', finish, { once: true });
      sleepers.add(finish);
    });

  async function reserveIfHeavy(job: Job): Promise<'go' | 'stop'> {
    const { engine, voice } = job.voice;
    const measured = engineMemory.get(engine, voice ?? '') ?? engineMemory.get(engine, '');
    const marked = (await options.isMarkedHeavy?.(engine)) ?? false;
    const rules = marked
      ? { ...options.heavyRules, heavyEngines: [...options.heavyRules.heavyEngines, engine] }
      : options.heavyRules;
    const decision = decideHeavy(engine, voice, measured, rules);
    if (!decision.heavy || decision.reserveGb === null) return 'go';
    const result = await waitForMemory({
      reserver: options.reserver,
      gb: decision.reserveGb,
      what: `${voice ? `${engine}/${voice}` : engine} (job ${job.id})`,
      ...options.memoryWait,
      isCancelled: () => store.isCancelRequested(job.id) || stopController.signal.aborted,
      onWaiting: (reason) => {
        store.setStatus(job.id, 'waiting_for_memory', { reason, heavy: true });
        changed(job.id);
      },
      sleep,
    });
    switch (result.outcome) {
      case 'satisfied':
        store.setStatus(job.id, 'running', {
          reason: `${decision.reason}; the gateway reserved it (${result.freeGb} GiB free${result.evicted.length > 0 ? `, evicted ${result.evicted.join(', ')}` : ''})`,
          heavy: true,
        });
        return 'go';
      case 'no_gateway':
        store.setStatus(job.id, 'running', { reason: `${decision.reason}; ${result.reason}`, heavy: true });
        return 'go';
      case 'cancelled':
        if (stopController.signal.aborted && !store.isCancelRequested(job.id)) throw new Stopping();
        store.setStatus(job.id, 'cancelled', { reason: 'cancelled while waiting for memory', heavy: true });
        return 'stop';
      case 'timed_out':
        store.setStatus(job.id, 'failed', {
          reason: result.reason,
          errorCode: 'memory_unavailable',
          heavy: true,
        });
        return 'stop';
    }
  }

  async function synthesizeSegment(job: Job, text: string, index: number) {
    const { engine, voice } = job.voice;
    const memoryKey = voice ?? '';
    const record = engineMemory.get(engine, memoryKey);
    // Measure the first segments, then one in fifty: scanning /proc costs a little each time.
    const sample = measureMemory && ((record?.measurements ?? 0) < 5 || index % 50 === 0);
    const call = () => options.synthesize(text, job.voice, stopController.signal);
    if (!sample) return call();
    const { result, peakBytes } = await measureWhile(engineProcessPattern(engine), call);
    if (peakBytes !== null) engineMemory.record(engine, memoryKey, peakBytes);
    return result;
  }

  /** Runs one claimed job to its end, or to a cancel, a failure or the process's stop. */
  async function runJob(claimed: Job): Promise<void> {
    const id = claimed.id;
    changed(id);
    if ((await reserveIfHeavy(claimed)) === 'stop') return changed(id);
    changed(id);
    const job = store.get(id) as Job;
    mkdirSync(workDirectory, { recursive: true });
    for (const item of job.items) {
      let progress = store.itemProgress(id, item.index);
      if (progress.outputPath && existsSync(progress.outputPath)) continue;
      const pcmPath = workPath(id, item.index);
      if (restorePcmLength(pcmPath, progress.pcmBytes) === 'missing') {
        // Fewer bytes than recorded (the machine, not the process, went down before the page cache
        // reached the disk): redo only the segments whose audio is not all there.
        const rewound = store.rewindItem(id, item.index, pcmFileSize(pcmPath));
        restorePcmLength(pcmPath, rewound.pcmBytes);
        options.logger?.warn(
          `job ${id} item ${item.index}: its work file lost audio; ${progress.segmentsDone - rewound.segmentsDone} segments are redone`,
        );
        progress = store.itemProgress(id, item.index);
        changed(id);
      }
      let sampleRate = progress.sampleRate;
      let bytes = progress.pcmBytes;
      const segmentText = (index: number) =>
        segmentSpeech(progress.text, progress.segments[index] as (typeof progress.segments)[number]);
      // The next segment is synthesized while this one is written (espeak-ng in its process, this
      // process appending and recording): settled, so that one abandoned at a cancel or a stop never
      // becomes an unhandled rejection.
      const start = (index: number) =>
        index < progress.segments.length && prefetch
          ? synthesizeSegment(job, segmentText(index), index).then(
              (audio) => ({ audio }),
              (error: unknown) => ({ error }),
            )
          : null;
      let ahead = start(progress.segmentsDone);
      for (let index = progress.segmentsDone; index < progress.segments.length; index += 1) {
        if (store.isCancelRequested(id)) {
          store.setStatus(id, 'cancelled', {
            reason: `cancelled after ${store.get(id)?.segmentsDone ?? 0} segments`,
          });
          return changed(id);
        }
        if (stopController.signal.aborted) throw new Stopping();
        const segment = progress.segments[index] as (typeof progress.segments)[number];
        const outcome = (await ahead) ?? { audio: await synthesizeSegment(job, segmentText(index), index) };
        ahead = start(index + 1);
        if ('error' in outcome) throw outcome.error;
        const { audio } = outcome;
        sampleRate ??= audio.sampleRate;
        const samples =
          audio.sampleRate === sampleRate
            ? audio.samples
            : resample(audio.samples, audio.sampleRate, sampleRate);
        let piece = samples;
        if (index > 0) {
          const previous = progress.segments[index - 1];
          const pause =
            previous &&
            previous.end < segment.start &&
            isNewParagraph(progress.text, previous.end, segment.start)
              ? paragraphPause
              : sentencePause;
          piece = new Float32Array(Math.round(pause * sampleRate) + samples.length);
          piece.set(samples, piece.length - samples.length);
        }
        if (stopController.signal.aborted) throw new Stopping();
        bytes = appendPcm(pcmPath, piece);
        store.recordSegment(id, item.index, index, bytes, sampleRate);
        changed(id);
      }
      store.setStatus(id, 'finishing', { heavy: job.heavy });
      changed(id);
      const wavPath = outputPath(job, item.index);
      const result = normalizePcmFile({
        pcmPath,
        sampleCount: bytes / 2,
        sampleRate: sampleRate ?? 22_050,
        wavPath,
        targetLufs: job.loudnessTargetLufs,
      });
      store.finishItem(id, item.index, {
        outputPath: wavPath,
        durationSeconds: result.durationSeconds,
        inputLufs: result.inputLufs,
        outputLufs: result.outputLufs,
        loudnessMethod: result.method,
      });
      rmSync(pcmPath, { force: true });
      if (item.index < job.items.length - 1) store.setStatus(id, 'running', { heavy: job.heavy });
      changed(id);
    }
    store.setStatus(id, 'done', { heavy: store.get(id)?.heavy ?? false });
    changed(id);
  }

  async function loop(): Promise<void> {
    while (running) {
      const job = store.claimNext(process.pid);
      if (!job) {
        checkIdle();
        await sleep(pollIntervalMs);
        continue;
      }
      busy += 1;
      try {
        await runJob(job);
      } catch (error) {
        if (error instanceof Stopping || stopController.signal.aborted) {
          // The process is stopping: the job goes back to the queue, its finished segments kept.
          store.setStatus(job.id, 'queued', { reason: 'interrupted by a stop; resumes at the next start' });
        } else {
          const code = VoiceError.isInstance(error) ? error.code : 'job_failed';
          store.setStatus(job.id, 'failed', { errorCode: code, reason: (error as Error).message });
          options.logger?.warn(`job ${job.id} failed: ${(error as Error).message}`);
        }
        changed(job.id);
      } finally {
        busy -= 1;
        checkIdle();
      }
    }
  }

  return {
    submit(request) {
      const items = request.texts.map((submitted, index) => {
        const text = unwrapLines(submitted);
        const segmentation = {
          maxCharacters: options.segmentMaxCharacters ?? 1_000,
          minCharacters: options.segmentMinCharacters ?? 400,
          ...(request.voice.language ? { language: request.voice.language } : {}),
        };
        let segments: SegmentSpan[];
        try {
          segments = cutJobText(text, segmentation);
        } catch (error) {
          // In a batch, say which text has nothing to say.
          if (request.kind === 'batch' && VoiceError.isInstance(error)) {
            throw new VoiceError(error.code, `texts[${index}]: ${error.message}`);
          }
          throw error;
        }
        return { text, segments };
      });
      const job = store.create({
        kind: request.kind,
        voice: request.voice,
        loudnessTargetLufs: request.loudnessTargetLufs,
        items,
      });
      events.emit('change', job);
      wakeAll();
      return job;
    },
    start() {
      if (running) return;
      const recovered = store.recoverAbandoned(isAlive);
      for (const id of recovered) options.logger?.info(`job ${id} resumes from its last finished segment`);
      running = true;
      stopController = new AbortController();
      loops = Array.from({ length: workers }, () => loop());
    },
    async stop() {
      if (!running) return;
      running = false;
      stopController.abort();
      await Promise.all(loops);
      loops = [];
    },
    cancel(id) {
      const job = store.requestCancel(id);
      if (job) events.emit('change', job);
      wakeAll();
      return job;
    },
    get: (id) => store.get(id),
    list: (listOptions) => store.list(listOptions),
    audioPath(id, item) {
      const job = store.get(id);
      if (!job) throw new JobError('job_not_found', `no job ${id}`);
      const entry = job.items.find((candidate) => candidate.index === item);
      if (!entry) {
        throw new JobError(
          'item_not_found',
          `job ${id} has ${job.items.length} item${job.items.length === 1 ? '' : 's'} (0 to ${job.items.length - 1}), not ${item}`,
        );
      }
      if (!entry.outputPath || !existsSync(entry.outputPath)) {
        throw new JobError(
          'job_not_done',
          `job ${id} is ${job.status}: its audio${job.kind === 'batch' ? ` for item ${item}` : ''} is not ready (${job.segmentsDone}/${job.segmentsTotal} segments)`,
        );
      }
      return entry.outputPath;
    },
    remove(id) {
      const job = store.get(id);
      if (!job) return false;
      if (!['done', 'failed', 'cancelled'].includes(job.status)) {
        throw new JobError('job_active', `job ${id} is ${job.status}: cancel it before removing it`);
      }
      for (const item of job.items) {
        rmSync(workPath(id, item.index), { force: true });
        if (item.outputPath) rmSync(item.outputPath, { force: true });
      }
      store.remove(id);
      return true;
    },
    onChange(listener) {
      events.on('change', listener);
      return () => events.off('change', listener);
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
  };
}

/** Whether a line break separates two segments (a paragraph ends between them). */
function isNewParagraph(text: string, from: number, to: number): boolean {
  return /[\n\r\u2028\u2029\u0085]/u.test(text.slice(from, to));
}

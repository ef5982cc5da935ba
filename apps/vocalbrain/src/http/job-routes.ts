import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  limitBody,
  mebibyte,
  parseRequest,
  readJsonBody,
  type ServiceEnv,
  ServiceError,
} from '@klody/service';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { finalStatuses, type Job, type JobVoice } from '../jobs/job.js';
import { JobError, type JobQueue } from '../jobs/job-queue.js';
import type { JobEngineSource } from '../jobs/segment-synthesizer.js';

/** A chapter is a few hundred kilobytes; 8 MiB (CONTRACTS.md's JSON default) leaves room for batches. */
export const jobBodyLimitBytes = 8 * mebibyte;

/** Integrated loudness of a job's audio when neither the profile nor the request says (spoken word). */
export const defaultLoudnessTargetLufs = -16;

/** What the job routes need of the app's services (V1's `services` object has more). */
export interface JobRouteServices {
  /** Null or absent: the routes answer 503 `jobs_unavailable`. */
  jobs?: JobQueue | null;
  engines: JobEngineSource;
  profiles?: {
    get(name: string): {
      name: string;
      engine: string;
      voice: string | null;
      language: string | null;
      speed: number;
      pitch: number;
      loudnessLufs: number | null;
    } | null;
  };
}

const text = z.string().min(1, 'is empty');
const jobRequest = z
  .strictObject({
    text: text.optional(),
    /** OpenAI's name for the text (`/v1/audio/speech`), accepted as `text`. */
    input: text.optional(),
    texts: z.array(text).min(1, 'texts is empty').max(1_000, 'texts holds more than 1,000 items').optional(),
    profile: z.string().trim().min(1).optional(),
    /** As in `/v1/audio/speech`: a profile's name, an engine id, or `auto` (the voice decides). */
    model: z.string().trim().min(1).optional(),
    /** A voice id, or `engine/voice`. */
    voice: z.string().trim().min(1).optional(),
    engine: z.string().trim().min(1).optional(),
    language: z.string().trim().min(1).optional(),
    speed: z.number().finite().min(0.25).max(4).optional(),
    loudness_lufs: z.number().finite().min(-70).max(0).optional(),
  })
  .refine((body) => [body.text, body.input, body.texts].filter((value) => value !== undefined).length === 1, {
    message: 'give either text (one file) or texts (one file per item)',
  });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1_000).default(100) });
const itemQuery = z.object({ item: z.coerce.number().int().min(0).default(0) });

function serviceErrorOf(error: JobError): ServiceError {
  const status = error.code === 'job_not_found' || error.code === 'item_not_found' ? 404 : 409;
  return new ServiceError(error.code, status, error.message);
}

/** A job as the API shows it: progress as a fraction too, each item's audio as a URL once it exists. */
export function jobView(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    voice: job.voice,
    loudnessTargetLufs: job.loudnessTargetLufs,
    segmentsDone: job.segmentsDone,
    segmentsTotal: job.segmentsTotal,
    progress: job.segmentsTotal === 0 ? 0 : job.segmentsDone / job.segmentsTotal,
    heavy: job.heavy,
    reason: job.reason,
    errorCode: job.errorCode,
    cancelRequested: job.cancelRequested,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    updatedAt: job.updatedAt,
    items: job.items.map((item) => ({
      index: item.index,
      characters: item.characters,
      segmentsDone: item.segmentsDone,
      segmentsTotal: item.segmentsTotal,
      durationSeconds: item.durationSeconds,
      inputLufs: item.inputLufs,
      outputLufs: item.outputLufs,
      loudnessMethod: item.loudnessMethod,
      audioUrl: item.outputPath ? `/api/jobs/${job.id}/audio?item=${item.index}` : null,
    })),
  };
}

/**
 * Finds the voice a request names: a profile (`profile`, or `model` naming one), an `engine/voice`, a
 * voice of `engine` (or of the `model` naming an engine), else the first engine's default voice.
 */
async function resolveVoice(
  services: JobRouteServices,
  body: z.infer<typeof jobRequest>,
): Promise<{ voice: JobVoice; loudnessTargetLufs: number }> {
  const model = body.model === 'auto' ? undefined : body.model;
  const profileName =
    body.profile ?? (model !== undefined && services.profiles?.get(model) ? model : undefined);
  if (model !== undefined && profileName === undefined && body.engine === undefined) {
    const engines = await services.engines.speechEngines();
    if (!engines.some((engine) => engine.id === model)) {
      throw new ServiceError(
        'unknown_model',
        404,
        `no profile or engine "${model}"; engines here: ${engines.map((engine) => engine.id).join(', ') || 'none'} (profiles: GET /api/profiles)`,
      );
    }
  }
  if (profileName !== undefined) {
    const profile = services.profiles?.get(profileName) ?? null;
    if (!profile) {
      throw new ServiceError(
        'unknown_profile',
        404,
        `no profile "${profileName}": create it with POST /api/profiles, or name a voice instead`,
      );
    }
    return {
      voice: {
        engine: profile.engine,
        voice: profile.voice,
        language: body.language ?? profile.language,
        speed: body.speed ?? profile.speed,
        pitch: profile.pitch,
        profile: profile.name,
      },
      loudnessTargetLufs: body.loudness_lufs ?? profile.loudnessLufs ?? defaultLoudnessTargetLufs,
    };
  }
  let engineId = body.engine ?? (profileName === undefined ? model : undefined);
  let voiceId = body.voice ?? null;
  if (voiceId?.includes('/')) {
    const [engine, ...rest] = voiceId.split('/');
    engineId ??= engine;
    voiceId = rest.join('/');
  }
  const engines = await services.engines.speechEngines();
  const engine = engines.find((candidate) => candidate.id === (engineId ?? engines[0]?.id));
  if (!engine) {
    throw new ServiceError(
      'unknown_engine',
      404,
      `no speech engine "${engineId ?? ''}" here; available: ${engines.map((candidate) => candidate.id).join(', ') || 'none (install espeak-ng: apt-get install espeak-ng)'}`,
    );
  }
  if (voiceId !== null) {
    const voices = await engine.textToSpeech.voices();
    if (!voices.some((candidate) => candidate.id === voiceId)) {
      const wanted = voiceId.toLowerCase();
      const near = voices
        .filter(
          (candidate) =>
            candidate.id.toLowerCase().includes(wanted) || wanted.includes(candidate.id.toLowerCase()),
        )
        .slice(0, 5)
        .map((candidate) => candidate.id);
      throw new ServiceError(
        'unknown_voice',
        404,
        `${engine.id} has no voice "${voiceId}"${near.length > 0 ? `; near: ${near.join(', ')}` : ''} (GET /v1/audio/voices lists them)`,
      );
    }
  }
  return {
    voice: {
      engine: engine.id,
      voice: voiceId,
      language: body.language ?? null,
      speed: body.speed ?? null,
      pitch: null,
      profile: null,
    },
    loudnessTargetLufs: body.loudness_lufs ?? defaultLoudnessTargetLufs,
  };
}

/**
 * Long-text and batch jobs (`/api/jobs`): submit, list, follow (JSON or SSE), cancel, fetch the WAV,
 * remove. Submitting answers 202 at once; the queue works in the background.
 */
export function jobRoutes(services: JobRouteServices): Hono<ServiceEnv> {
  const app = new Hono<ServiceEnv>();
  const queue = (): JobQueue => {
    if (!services.jobs) {
      throw new ServiceError('jobs_unavailable', 503, 'the job queue is not running in this process');
    }
    return services.jobs;
  };
  const found = (id: string): Job => {
    const job = queue().get(id);
    if (!job) throw new ServiceError('job_not_found', 404, `no job ${id}`);
    return job;
  };

  app.post('/api/jobs', limitBody(jobBodyLimitBytes), async (context) => {
    const jobs = queue();
    const body = parseRequest(jobRequest, await readJsonBody(context.req.raw), 'body');
    const { voice, loudnessTargetLufs } = await resolveVoice(services, body);
    const job = jobs.submit({
      texts: body.texts ?? [(body.text ?? body.input) as string],
      kind: body.texts ? 'batch' : 'text',
      voice,
      loudnessTargetLufs,
    });
    return context.json({ job: jobView(job) }, 202, { location: `/api/jobs/${job.id}` });
  });

  app.get('/api/jobs', (context) => {
    const { limit } = parseRequest(listQuery, context.req.query(), 'query');
    return context.json({ jobs: queue().list({ limit }).map(jobView) });
  });

  app.get('/api/jobs/:id', (context) => context.json({ job: jobView(found(context.req.param('id'))) }));

  app.post('/api/jobs/:id/cancel', (context) => {
    const id = context.req.param('id');
    const before = found(id);
    if (finalStatuses.includes(before.status)) {
      throw new ServiceError('job_finished', 409, `job ${id} is already ${before.status}`);
    }
    return context.json({ job: jobView(queue().cancel(id) as Job) });
  });

  app.delete('/api/jobs/:id', (context) => {
    const id = context.req.param('id');
    found(id);
    try {
      queue().remove(id);
    } catch (error) {
      if (error instanceof JobError) throw serviceErrorOf(error);
      throw error;
    }
    return context.json({ id, deleted: true });
  });

  app.get('/api/jobs/:id/audio', (context) => {
    const id = context.req.param('id');
    const { item } = parseRequest(itemQuery, context.req.query(), 'query');
    let path: string;
    try {
      path = queue().audioPath(id, item);
    } catch (error) {
      if (error instanceof JobError) throw serviceErrorOf(error);
      throw error;
    }
    const size = statSync(path).size;
    const stream = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    return new Response(stream, {
      headers: {
        'content-type': 'audio/wav',
        'content-length': String(size),
        'content-disposition': `inline; filename="${id}${item > 0 ? `-${item}` : ''}.wav"`,
      },
    });
  });

  // Server-sent events: the job at once, then at every change this process sees (and every second,
  // for changes made by another process sharing the database), until it is done, failed or cancelled.
  app.get('/api/jobs/:id/events', (context) => {
    const id = context.req.param('id');
    found(id);
    const jobs = queue();
    return streamSSE(context, async (stream) => {
      let last = '';
      let wake: (() => void) | null = null;
      const unsubscribe = jobs.onChange((job) => {
        if (job.id === id) wake?.();
      });
      stream.onAbort(() => wake?.());
      try {
        while (!stream.aborted) {
          const job = jobs.get(id);
          if (!job) break;
          const view = JSON.stringify(jobView(job));
          if (view !== last) {
            last = view;
            await stream.writeSSE({ event: 'job', data: view });
          }
          if (finalStatuses.includes(job.status)) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, 1_000);
            function done() {
              clearTimeout(timer);
              wake = null;
              resolve();
            }
            wake = done;
          });
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}

import { limitBody, type ServiceEnv, ServiceError } from '@klody/service';
import { decodeWav, downmixToMono, type MonoAudio } from '@klody/voice';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { chooseTranscriptionEngine } from '../engines/choose-transcription-engine.js';
import { type QualityClass, qualityClasses } from '../engines/speech-engine.js';
import type { Services } from '../services.js';
import { encodeSpeech, speechFormats, startSpeech, synthesizeSpeech } from '../speech/index.js';
import type { Speaker } from '../voices/resolve-speaker.js';
import { unknownNameError } from '../voices/unknown-name.js';
import { decodeWithFfmpeg, requireFfmpeg } from './ffmpeg.js';
import { toSrt, toVtt } from './subtitles.js';

const speechRequestSchema = z.object({
  model: z.string().optional(),
  input: z.string({ error: 'input must be a string' }),
  voice: z.string().optional(),
  speed: z.number().finite().min(0.25).max(4).optional(),
  response_format: z
    .enum(speechFormats, {
      error: 'response_format must be "wav", "pcm", "mp3" or "opus" (aac and flac are not served here)',
    })
    .default('wav'),
  stream_format: z.enum(['audio', 'sse'], { error: 'stream_format must be "audio" or "sse"' }).optional(),
  instructions: z.string().optional(),
  // Ours, beside OpenAI's: the text's language, and what the router should favour.
  language: z.string().min(1).optional(),
  quality: z.enum(qualityClasses as [string, ...string[]]).optional(),
  latency_ms: z.number().finite().positive().optional(),
});

const routeQuerySchema = z.object({
  text: z.string().trim().min(1, 'text is empty'),
  language: z.string().trim().min(1).optional(),
  quality: z.enum(['low', 'medium', 'high'], { error: 'quality must be low, medium or high' }).optional(),
  latencyMs: z.coerce.number<string>().finite().positive('latencyMs must be more than 0').optional(),
  clone: z.enum(['true', 'false', '1', '0']).optional(),
});

function invalid(message: string): ServiceError {
  return new ServiceError('invalid_request', 400, message);
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid request'}`;
}

/** Header values are ISO-8859-1: anything beyond ASCII in a route (a profile's name) is percent-encoded. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (character) => encodeURIComponent(character));
}

const transcriptionFormats = ['json', 'verbose_json', 'text', 'srt', 'vtt'];

/**
 * The OpenAI-compatible speech API: `POST /v1/audio/speech` (wav, pcm, mp3, opus; whole, streamed
 * as audio or as SSE events), `POST /v1/audio/transcriptions`, `GET /v1/audio/voices`,
 * `GET /v1/models`, and the router's decision at `GET /api/route`.
 */
export function speechRoutes(services: Services): Hono<ServiceEnv> {
  const routes = new Hono<ServiceEnv>();
  const { config } = services;

  routes.post('/v1/audio/speech', limitBody(config.jsonBodyLimitBytes), async (context) => {
    let raw: unknown;
    try {
      raw = await context.req.json();
    } catch {
      throw invalid('the body must be a JSON object');
    }
    const parsed = speechRequestSchema.safeParse(raw);
    if (!parsed.success) throw invalid(firstIssue(parsed.error));
    const request = parsed.data;
    if (request.input.trim().length === 0)
      throw new ServiceError('empty_text', 400, 'input is empty: nothing to say');
    const speakerRequest = {
      input: request.input,
      model: request.model,
      voice: request.voice,
      language: request.language,
      speed: request.speed,
      quality: request.quality as QualityClass | undefined,
      latencyBudgetMs: request.latency_ms,
    };
    const headersOf = (speaker: Speaker, sampleRate: number, contentType: string) => ({
      'content-type': contentType,
      'x-sample-rate': String(sampleRate),
      'x-klody-route': headerSafe(speaker.route),
      'cache-control': 'no-store',
    });

    if (request.stream_format === undefined) {
      const speech = await synthesizeSpeech(services, speakerRequest, {
        format: request.response_format,
        formatField: 'response_format',
        signal: context.req.raw.signal,
      });
      return new Response(speech.audio as Uint8Array<ArrayBuffer>, {
        headers: headersOf(speech.speaker, speech.sampleRate, speech.contentType),
      });
    }

    const speech = await startSpeech(services, speakerRequest, {
      format: request.response_format,
      formatField: 'response_format',
      signal: context.req.raw.signal,
      streamed: true,
    });
    const headers = headersOf(speech.speaker, speech.sampleRate, speech.contentType);

    if (request.stream_format === 'sse') {
      for (const [name, value] of Object.entries(headers)) {
        if (name !== 'content-type') context.header(name, value);
      }
      context.header('x-audio-format', speech.format);
      return streamSSE(
        context,
        async (sse) => {
          sse.onAbort(() => speech.abort());
          for await (const part of encodeSpeech(speech, { streamedWav: true })) {
            await sse.writeSSE({
              data: JSON.stringify({
                type: 'speech.audio.delta',
                audio: Buffer.from(part).toString('base64'),
              }),
            });
          }
          const characters = request.input.length;
          await sse.writeSSE({
            data: JSON.stringify({
              type: 'speech.audio.done',
              usage: { input_tokens: characters, output_tokens: 0, total_tokens: characters },
            }),
          });
        },
        // After the first event the status is sent: a failure is said in the stream.
        async (error, sse) => {
          const known = ServiceError.isInstance(error) ? error : null;
          await sse.writeSSE({
            data: JSON.stringify({
              type: 'error',
              error: { code: known?.code ?? 'synthesis_failed', message: error.message },
            }),
          });
        },
      );
    }

    const generator = encodeSpeech(speech, { streamedWav: true });
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await generator.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        speech.abort();
        await generator.return(undefined);
      },
    });
    return new Response(body, { headers });
  });

  routes.post('/v1/audio/transcriptions', limitBody(config.audioBodyLimitBytes), async (context) => {
    const contentType = context.req.header('content-type') ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      throw invalid('send multipart/form-data with a "file" field (as the OpenAI API does)');
    }
    let form: FormData;
    try {
      form = await context.req.raw.formData();
    } catch {
      throw invalid('the multipart body could not be read');
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) throw invalid('the "file" field with the audio is missing');
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
    };
    const responseFormat = field('response_format') ?? 'json';
    if (!transcriptionFormats.includes(responseFormat)) {
      throw invalid(`response_format "${responseFormat}" is not one of ${transcriptionFormats.join(', ')}`);
    }
    const granularities = [
      ...form.getAll('timestamp_granularities[]'),
      ...form.getAll('timestamp_granularities'),
    ]
      .filter((value): value is string => typeof value === 'string')
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
    const unknownGranularity = granularities.find((value) => value !== 'word' && value !== 'segment');
    if (unknownGranularity !== undefined) {
      throw invalid(`timestamp_granularities[] "${unknownGranularity}" is not one of "word", "segment"`);
    }
    const wantsWords = granularities.includes('word');
    if (granularities.length > 0 && responseFormat !== 'verbose_json') {
      throw invalid('timestamp_granularities[] needs response_format "verbose_json" (as in the OpenAI API)');
    }

    const engine = await chooseTranscriptionEngine(services.engines, field('model'));
    if (wantsWords && !engine.wordTimestamps) {
      const aligning = (await services.engines.transcriptionEngines())
        .filter((candidate) => candidate.wordTimestamps && candidate.origin === 'local')
        .map((candidate) => candidate.id);
      throw new ServiceError(
        'word_timestamps_unavailable',
        400,
        `${engine.id} gives no word timestamps; ${aligning.length > 0 ? `${aligning.join(', ')} does (model "${aligning[0]}")` : 'no engine here does (faster-whisper does: pnpm klody-models install)'}`,
        { fields: { param: 'timestamp_granularities[]' } },
      );
    }

    const bytes = new Uint8Array(await file.arrayBuffer());
    const name = file instanceof File && file.name ? file.name : 'the uploaded file';
    let audio: MonoAudio;
    const isWav = bytes.length >= 12 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF';
    if (isWav) {
      audio = downmixToMono(decodeWav(bytes, name));
    } else {
      const ffmpeg = requireFfmpeg(config.ffmpegExecutable, `${name} (not a WAV file)`);
      audio = { samples: await decodeWithFfmpeg(ffmpeg, bytes, name), sampleRate: 16_000 };
    }
    const language = field('language');
    const prompt = field('prompt');
    // Ours, as the voice worker takes it: expected phrases, one a line (pocketsphinx's grammar).
    const phrases = field('phrases')
      ?.split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    const result = await engine.speechToText.transcribe(audio, {
      ...(language ? { language } : {}),
      ...(prompt && !phrases ? { prompt } : {}),
      ...(phrases ? { phrases } : {}),
      ...(wantsWords ? { wordTimestamps: true } : {}),
      signal: context.req.raw.signal,
    });
    if (wantsWords && !result.words) {
      throw new ServiceError(
        'word_timestamps_unavailable',
        400,
        `${engine.id} answered without word timestamps`,
      );
    }
    context.header('x-klody-transcription-engine', engine.id);
    if (responseFormat === 'text') return context.text(result.text);
    if (responseFormat === 'srt') return context.text(toSrt(result.segments));
    if (responseFormat === 'vtt')
      return context.body(toVtt(result.segments), 200, { 'content-type': 'text/vtt; charset=utf-8' });
    if (responseFormat === 'json') return context.json({ text: result.text });
    return context.json({
      task: 'transcribe',
      language: result.language,
      duration: result.duration,
      text: result.text,
      segments: result.segments.map((segment, id) => ({
        id,
        start: segment.start,
        end: segment.end,
        text: segment.text,
      })),
      ...(wantsWords && result.words
        ? { words: result.words.map(({ word, start, end }) => ({ word, start, end })) }
        : {}),
    });
  });

  routes.get('/v1/audio/voices', async (context) => {
    const model = context.req.query('model');
    let engine: string | undefined;
    if (model) {
      const engines = await services.engines.speechEngines();
      const found = engines.find((candidate) => candidate.id === model || candidate.id === `openai:${model}`);
      if (!found)
        throw unknownNameError(
          'model',
          model,
          engines.map((candidate) => candidate.id),
        );
      engine = found.id;
    }
    const list = await services.voices.list(engine ? { engine } : {});
    return context.json({ ...list, profiles: services.profiles.list() });
  });

  routes.get('/v1/models', async (context) => {
    const [speech, transcription] = await Promise.all([
      services.engines.speechEngines(),
      services.engines.transcriptionEngines(),
    ]);
    const entry = (id: string, task: string, ownedBy: string, extra: Record<string, unknown> = {}) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: ownedBy,
      task,
      ...extra,
    });
    return context.json({
      object: 'list',
      data: [
        entry('auto', 'text-to-speech', 'vocalbrain', {
          description: 'the router picks the engine and voice',
        }),
        ...speech.map((engine) =>
          entry(engine.id, 'text-to-speech', engine.origin === 'gateway' ? 'klody-gateway' : 'vocalbrain', {
            quality: engine.quality,
            can_clone: engine.canClone,
          }),
        ),
        ...transcription.flatMap((engine) => [
          entry(engine.id, 'speech-to-text', engine.origin === 'gateway' ? 'klody-gateway' : 'vocalbrain', {
            word_timestamps: engine.wordTimestamps,
          }),
          ...engine.names.map((alias) =>
            entry(alias, 'speech-to-text', 'vocalbrain', { alias_of: engine.id }),
          ),
        ]),
        ...services.profiles
          .list()
          .map((profile) =>
            entry(profile.name, 'text-to-speech', 'vocalbrain-profile', { profile_of: profile.engine }),
          ),
      ],
    });
  });

  routes.get('/api/route', async (context) => {
    const parsed = routeQuerySchema.safeParse(context.req.query());
    if (!parsed.success) throw invalid(firstIssue(parsed.error));
    const query = parsed.data;
    const decision = await services.router.route({
      text: query.text,
      language: query.language ?? null,
      ...(query.quality ? { quality: query.quality } : {}),
      latencyBudgetMs: query.latencyMs ?? null,
      cloning: query.clone === 'true' || query.clone === '1',
    });
    if (!decision.ok) {
      return context.json(
        { error: { code: 'no_route', message: decision.reason }, considered: decision.considered },
        422,
      );
    }
    return context.json(decision);
  });

  return routes;
}

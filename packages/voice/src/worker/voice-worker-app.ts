import {
  createServiceApp,
  defaultJsonBodyLimitBytes,
  limitBody,
  mebibyte,
  type ServiceEnv,
  type ServiceLogger,
} from '@klody/service';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { concatenateAudio } from '../audio/concatenate.js';
import type { MonoAudio } from '../audio/pcm-audio.js';
import { downmixToMono, resample } from '../audio/resample.js';
import { decodeWav, encodeWav, floatToPcm16, wavHeader } from '../audio/wav.js';
import { VoiceError } from '../errors/index.js';
import { noMatchFor } from '../speech-to-text/no-match.js';
import type { SpeechToText, Transcription } from '../speech-to-text/speech-to-text.js';
import type { SpeechChunk, SynthesizeOptions, TextToSpeech } from '../text-to-speech/text-to-speech.js';
import { voiceErrorToServiceError } from './voice-error-mapper.js';

export interface VoiceWorkerOptions {
  /** Speech models served by `/v1/audio/speech`, by model id. */
  speech?: Record<string, TextToSpeech>;
  /** Recognition models served by `/v1/audio/transcriptions`, by model id. */
  transcription?: Record<string, SpeechToText>;
  /** Other names for models (`tts` → `espeak-ng`), as a gateway alias would send them. */
  aliases?: Record<string, string>;
  /** Model used when a request names none (per route). */
  defaultSpeechModel?: string;
  defaultTranscriptionModel?: string;
  /** Largest audio upload (bytes, default and maximum 64 MiB). */
  maxAudioBytes?: number;
  /** Largest JSON body (bytes, default 8 MiB). */
  maxJsonBytes?: number;
  /** Longest text for one speech request (characters, default 100,000). */
  maxInputCharacters?: number;
  /** Host names accepted besides loopback ones (a non-loopback bind's own names). */
  allowedHosts?: string[];
  /** Origins accepted besides this machine's pages, exactly as browsers send them. */
  allowedOrigins?: string[];
  /** Bearer key required on every route but /health, when set. */
  apiKey?: string;
  /** Request logs and unexpected errors; none without it. */
  logger?: ServiceLogger;
}

export const openAiPcmSampleRate = 24_000;

const speechRequestSchema = z.object({
  model: z.string().min(1).optional(),
  input: z.string({ error: 'input must be a string' }),
  voice: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
  response_format: z
    .enum(['wav', 'pcm'], {
      error: 'response_format must be "wav" or "pcm" (this worker has no mp3/opus/aac/flac encoder)',
    })
    .default('wav'),
  stream_format: z.enum(['audio', 'sse'], { error: 'stream_format must be "audio" or "sse"' }).optional(),
  speed: z.number().finite().min(0.25).max(4).optional(),
  instructions: z.string().optional(),
});

function toBytes(chunk: MonoAudio, format: 'wav' | 'pcm'): Uint8Array {
  const samples =
    format === 'pcm' && chunk.sampleRate !== openAiPcmSampleRate
      ? resample(chunk.samples, chunk.sampleRate, openAiPcmSampleRate)
      : chunk.samples;
  return floatToPcm16(samples);
}

/**
 * The voice worker's HTTP app: the local engines behind the OpenAI audio API, on @klody/service's
 * boundary (the loopback policy, the bearer key on `/v1/*`, body limits, the error JSON).
 */
export function createVoiceWorkerApp(options: VoiceWorkerOptions): Hono<ServiceEnv> {
  const speech = options.speech ?? {};
  const transcription = options.transcription ?? {};
  const aliases = options.aliases ?? {};
  const maxAudioBytes = Math.min(options.maxAudioBytes ?? 64 * mebibyte, 64 * mebibyte);
  const maxJsonBytes = options.maxJsonBytes ?? defaultJsonBodyLimitBytes;
  const maxInputCharacters = options.maxInputCharacters ?? 100_000;
  const app = createServiceApp({
    ...(options.logger ? { logger: options.logger } : {}),
    policy: { allowedHosts: options.allowedHosts ?? [], allowedOrigins: options.allowedOrigins ?? [] },
    apiKey: options.apiKey ?? null,
    protectedPaths: ['/v1/*'],
    mapError: voiceErrorToServiceError,
  });

  function resolveModel<T>(
    kind: 'speech' | 'transcription',
    table: Record<string, T>,
    requested: string | undefined,
    fallback: string | undefined,
  ): { id: string; engine: T } {
    const name = requested ?? fallback ?? Object.keys(table)[0];
    const id = name !== undefined ? (aliases[name] ?? name) : undefined;
    const engine = id !== undefined ? table[id] : undefined;
    if (id === undefined || engine === undefined) {
      const known = Object.keys(table).join(', ') || 'none';
      throw new VoiceError('unknown_model', `no ${kind} model "${name ?? ''}" here (served: ${known})`);
    }
    return { id, engine };
  }

  app.get('/health', (context) =>
    context.json({
      status: 'ok',
      speechModels: Object.keys(speech),
      transcriptionModels: Object.keys(transcription),
    }),
  );

  app.get('/v1/models', (context) =>
    context.json({
      object: 'list',
      data: [
        ...Object.keys(speech).map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'klody-voice',
          task: 'text-to-speech',
        })),
        ...Object.keys(transcription).map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'klody-voice',
          task: 'speech-to-text',
        })),
        ...Object.entries(aliases).map(([alias, id]) => ({
          id: alias,
          object: 'model',
          created: 0,
          owned_by: 'klody-voice',
          alias_of: id,
        })),
      ],
    }),
  );

  app.get('/v1/audio/voices', async (context) => {
    const { engine } = resolveModel('speech', speech, context.req.query('model'), options.defaultSpeechModel);
    return context.json({ voices: await engine.voices() });
  });

  app.post('/v1/audio/speech', limitBody(maxJsonBytes), async (context) => {
    let raw: unknown;
    try {
      raw = await context.req.json();
    } catch {
      throw new VoiceError('invalid_options', 'the body must be a JSON object');
    }
    const parsed = speechRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VoiceError(
        'invalid_options',
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid request'}`,
      );
    }
    const request = parsed.data;
    if (request.input.length > maxInputCharacters) {
      throw new VoiceError(
        'text_too_long',
        `input has ${request.input.length} characters; this worker accepts at most ${maxInputCharacters}`,
      );
    }
    const { engine } = resolveModel('speech', speech, request.model, options.defaultSpeechModel);
    // The client going away stops synthesis between segments.
    const abort = new AbortController();
    const signal = context.req.raw.signal;
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    const synthesizeOptions: SynthesizeOptions = {
      ...(request.voice !== undefined ? { voice: request.voice } : {}),
      ...(request.language !== undefined ? { language: request.language } : {}),
      ...(request.speed !== undefined ? { speed: request.speed } : {}),
      signal: abort.signal,
      // While the client plays one sentence, the next is synthesised (streaming modes only).
      ...(request.stream_format ? { prefetch: 1 } : {}),
    };
    const format = request.response_format;
    const iterator = engine.stream(request.input, synthesizeOptions)[Symbol.asyncIterator]();
    // The first chunk is awaited before any header leaves, so bad voices or empty text are JSON errors.
    const first = await iterator.next();
    const firstChunk = first.done ? null : first.value;
    const sampleRate =
      format === 'pcm' ? openAiPcmSampleRate : (firstChunk?.sampleRate ?? openAiPcmSampleRate);
    const headers = { 'x-sample-rate': String(sampleRate), 'cache-control': 'no-store' };

    async function* chunks(): AsyncGenerator<SpeechChunk> {
      if (firstChunk) yield firstChunk;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    }

    if (request.stream_format === 'sse') {
      if (format !== 'pcm')
        throw new VoiceError(
          'invalid_options',
          'stream_format "sse" sends base64 PCM: set response_format to "pcm"',
        );
      return streamSSE(
        context,
        async (sse) => {
          sse.onAbort(() => abort.abort());
          let characters = 0;
          for await (const chunk of chunks()) {
            characters += chunk.text.length;
            await sse.writeSSE({
              data: JSON.stringify({
                type: 'speech.audio.delta',
                audio: Buffer.from(toBytes(chunk, 'pcm')).toString('base64'),
              }),
            });
          }
          await sse.writeSSE({
            data: JSON.stringify({
              type: 'speech.audio.done',
              usage: { input_tokens: characters, output_tokens: 0, total_tokens: characters },
            }),
          });
        },
        // A failure after the first event can no longer change the status: say it in the stream.
        async (error, sse) => {
          const known = VoiceError.isInstance(error) ? error : null;
          await sse.writeSSE({
            data: JSON.stringify({
              type: 'error',
              error: {
                code: known?.code ?? 'internal_error',
                message: known?.message ?? 'synthesis failed',
              },
            }),
          });
        },
      );
    }

    if (request.stream_format === 'audio') {
      // Each chunk is sent as soon as it is synthesised; a WAV stream carries an "unknown length" header.
      const generator = chunks();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (format === 'wav') controller.enqueue(wavHeader(sampleRate, 1, 0xffffffff));
        },
        async pull(controller) {
          try {
            const next = await generator.next();
            if (next.done) {
              controller.close();
              return;
            }
            const chunk = next.value;
            const matched =
              format === 'wav' && chunk.sampleRate !== sampleRate
                ? { samples: resample(chunk.samples, chunk.sampleRate, sampleRate), sampleRate }
                : chunk;
            controller.enqueue(toBytes(matched, format));
          } catch (error) {
            controller.error(error);
          }
        },
        async cancel() {
          abort.abort();
          await generator.return(undefined);
        },
      });
      return new Response(body, {
        headers: { ...headers, 'content-type': format === 'wav' ? 'audio/wav' : 'audio/pcm' },
      });
    }

    const pieces: MonoAudio[] = [];
    for await (const chunk of chunks()) pieces.push(chunk);
    const joined = concatenateAudio(pieces, {
      silenceSeconds: 0.1,
      sampleRate: firstChunk?.sampleRate ?? sampleRate,
    });
    if (format === 'pcm') {
      return new Response(toBytes(joined, 'pcm') as Uint8Array<ArrayBuffer>, {
        headers: { ...headers, 'content-type': 'audio/pcm' },
      });
    }
    return new Response(
      encodeWav({ channels: [joined.samples], sampleRate: joined.sampleRate }) as Uint8Array<ArrayBuffer>,
      {
        headers: { ...headers, 'content-type': 'audio/wav' },
      },
    );
  });

  app.post('/v1/audio/transcriptions', limitBody(maxAudioBytes), async (context) => {
    const contentType = context.req.header('content-type') ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      throw new VoiceError(
        'invalid_options',
        'send multipart/form-data with a "file" field (as the OpenAI API does)',
      );
    }
    let form: FormData;
    try {
      form = await context.req.raw.formData();
    } catch {
      throw new VoiceError('invalid_options', 'the multipart body could not be read');
    }
    const file = form.get('file');
    if (!(file instanceof Blob))
      throw new VoiceError('invalid_audio', 'the "file" field with the audio is missing');
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' && value.length > 0 ? value : undefined;
    };
    const responseFormat = field('response_format') ?? 'json';
    if (!['json', 'verbose_json', 'text'].includes(responseFormat)) {
      throw new VoiceError(
        'invalid_options',
        `response_format "${responseFormat}" is not supported (json, verbose_json, text)`,
      );
    }
    const { engine } = resolveModel(
      'transcription',
      transcription,
      field('model'),
      options.defaultTranscriptionModel,
    );
    const name = file instanceof File && file.name ? file.name : 'the uploaded file';
    const wav = decodeWav(new Uint8Array(await file.arrayBuffer()), name);
    const audio = downmixToMono(wav);
    const phrases = field('phrases')
      ?.split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    const language = field('language');
    const prompt = field('prompt');
    // OpenAI's clients send `timestamp_granularities[]` once per value; plain forms may send either name.
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
      throw new VoiceError(
        'invalid_options',
        `timestamp_granularities "${unknownGranularity}" is not one of "word", "segment"`,
      );
    }
    const wantsWords = granularities.includes('word');
    if (wantsWords && responseFormat !== 'verbose_json') {
      throw new VoiceError(
        'invalid_options',
        'timestamp_granularities needs response_format "verbose_json" (as in the OpenAI API)',
      );
    }
    const result: Transcription = await engine.transcribe(audio, {
      ...(language ? { language } : {}),
      ...(prompt && !phrases ? { prompt } : {}),
      ...(phrases ? { phrases } : {}),
      ...(wantsWords ? { wordTimestamps: true } : {}),
      signal: context.req.raw.signal,
    });
    // An empty text always comes with its reason (`no_match`, and a header for the text format):
    // an OpenAI client still reads `text`, ours can tell silence from an unmatched phrase.
    const noMatch =
      result.text.trim() === '' ? (result.noMatch ?? noMatchFor(audio, phrases?.length ?? null)) : null;
    if (noMatch) context.header('x-klody-no-match', noMatch.reason);
    if (responseFormat === 'text') return context.text(result.text);
    if (responseFormat === 'json') return context.json({ text: result.text, no_match: noMatch });
    if (wantsWords && !result.words) {
      throw new VoiceError(
        'invalid_options',
        `the model "${engine.id}" gives no word timestamps (faster-whisper does)`,
      );
    }
    return context.json({
      task: 'transcribe',
      language: result.language,
      ...(result.languageProbability !== undefined
        ? { language_probability: result.languageProbability }
        : {}),
      duration: result.duration,
      text: result.text,
      no_match: noMatch,
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

  return app;
}

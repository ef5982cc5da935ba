import { ServiceError } from '@klody/service';
import type { SpeechChunk } from '@klody/voice';
import type { VocalBrainConfig } from '../config/config.js';
import { requireFfmpeg } from '../http/ffmpeg.js';
import { speechPcm } from '../http/speech-audio.js';
import {
  type ResolveSpeakerDependencies,
  resolveSpeaker,
  type Speaker,
  type SpeakerRequest,
} from '../voices/resolve-speaker.js';
import { type SpeechFormat, speechContentType, speechSampleRate } from './speech-format.js';

/** What starting speech needs of the app's services. */
export interface SpeechServices extends ResolveSpeakerDependencies {
  config: Pick<VocalBrainConfig, 'ffmpegExecutable'>;
}

export interface StartSpeechOptions {
  format: SpeechFormat;
  /** The caller's name for the format in error messages (`response_format` over HTTP). */
  formatField?: string;
  /** Aborts the synthesis (the client went away). */
  signal?: AbortSignal;
  /**
   * Whether the answer is streamed: a streamed answer's pace is the client's too, so only whole
   * answers give the engine a real-time factor.
   */
  streamed: boolean;
}

/** Speech whose first sentence is synthesised: the caller sends `pcm` whole, or as it comes. */
export interface StartedSpeech {
  speaker: Speaker;
  format: SpeechFormat;
  contentType: string;
  /** The answer's sample rate (see `speechSampleRate`). */
  sampleRate: number;
  /** The ffmpeg program, for mp3 and opus; null for wav and pcm. */
  ffmpeg: string | null;
  /** Mono 16-bit PCM at `sampleRate`, the loudness of a profile applied; the next sentence is prefetched. */
  pcm: AsyncGenerator<Uint8Array>;
  /** Stops the engine (the client went away). */
  abort(): void;
}

/**
 * Resolves who speaks, then synthesises the first sentence before anything is sent, so that a bad
 * voice or an engine that fails at once is still an error the caller can answer whole (a JSON error,
 * an MCP `isError`). The engine's first-audio time and (for whole answers) its real-time factor are
 * recorded for the router.
 */
export async function startSpeech(
  services: SpeechServices,
  request: SpeakerRequest,
  options: StartSpeechOptions,
): Promise<StartedSpeech> {
  const { format } = options;
  // Checked before any synthesis: a missing encoder is said at once.
  const ffmpeg =
    format === 'mp3' || format === 'opus'
      ? requireFfmpeg(services.config.ffmpegExecutable, `${options.formatField ?? 'format'} "${format}"`)
      : null;
  const speaker = await resolveSpeaker(services, request);

  const abort = new AbortController();
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const started = performance.now();
  const iterator = speaker.engine.textToSpeech
    .stream(request.input, {
      ...(speaker.voice !== undefined ? { voice: speaker.voice } : {}),
      ...(speaker.language !== undefined ? { language: speaker.language } : {}),
      ...(speaker.speed !== undefined ? { speed: speaker.speed } : {}),
      ...(speaker.pitch !== undefined ? { pitch: speaker.pitch } : {}),
      signal: abort.signal,
      // While one sentence is sent, the next is synthesised.
      prefetch: 1,
    })
    [Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstAudioMs = performance.now() - started;
  if (first.done) throw new ServiceError('empty_text', 400, 'the text holds nothing speakable');
  const firstChunk: SpeechChunk = first.value;

  let audioSeconds = 0;
  const record = (complete: boolean) => {
    const elapsed = (performance.now() - started) / 1000;
    services.measurements.record(speaker.engine.id, {
      firstAudioMs,
      realTimeFactor: complete && !options.streamed && audioSeconds > 0 ? elapsed / audioSeconds : null,
      source: 'request',
    });
  };
  async function* chunks(): AsyncGenerator<SpeechChunk> {
    let completed = false;
    try {
      audioSeconds += firstChunk.samples.length / firstChunk.sampleRate;
      yield firstChunk;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        audioSeconds += next.value.samples.length / next.value.sampleRate;
        yield next.value;
      }
      completed = true;
    } finally {
      if (!completed) {
        abort.abort();
        await iterator.return?.(undefined);
      }
      record(completed);
    }
  }

  const sampleRate = speechSampleRate(format, firstChunk.sampleRate);
  return {
    speaker,
    format,
    contentType: speechContentType(format),
    sampleRate,
    ffmpeg,
    pcm: speechPcm(chunks(), { sampleRate, loudnessLufs: speaker.loudnessLufs }),
    abort: () => abort.abort(),
  };
}

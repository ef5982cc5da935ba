// VocalBrain's speech API as the agent uses it: the OpenAI audio routes (`POST /v1/audio/speech`,
// `POST /v1/audio/transcriptions`), which the gateway's voice worker speaks too.
import { z } from 'zod';
import { type Organ, type OrganHealth, organHealth, readJson, requestOrgan } from './organ-request.js';

export const vocalBrainName = 'VocalBrain';
export const vocalBrainURLVariable = 'KLODY_VOCALBRAIN_URL';
export const vocalBrainDefaultURL = 'http://127.0.0.1:8600';

export interface VocalBrainClient {
  readonly url: string;
  /** Its `/health`, or `unreachable` with the reason: never throws. */
  health(options?: { signal?: AbortSignal }): Promise<OrganHealth>;
  /** Speech for `input` as WAV bytes. */
  speak(
    input: string,
    options?: { voice?: string; signal?: AbortSignal },
  ): Promise<{ audio: Uint8Array; contentType: string }>;
  /** The text of a recording (any format VocalBrain reads: WAV, MP3, OGG, FLAC…). */
  transcribe(
    audio: Uint8Array<ArrayBuffer>,
    options: { fileName: string; language?: string; signal?: AbortSignal },
  ): Promise<{ text: string; language: string | null }>;
}

export interface VocalBrainClientOptions {
  url: string;
  apiKey?: string | null;
  /**
   * The `model` sent to VocalBrain for speech: `auto` (default) lets VocalBrain's router pick an
   * engine and voice; an engine, a profile or a gateway alias VocalBrain knows picks one. (`tts` is a
   * gateway alias, which VocalBrain serves only when its gateway has it.)
   */
  speechModel?: string;
  /** The same for transcription (default `auto`). */
  transcriptionModel?: string;
  /** Longest wait for speech or a transcript, model loading included (default 180 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const transcriptSchema = z.object({ text: z.string(), language: z.string().nullable().optional() });

export function createVocalBrainClient(options: VocalBrainClientOptions): VocalBrainClient {
  const organ: Organ = {
    name: vocalBrainName,
    url: options.url,
    urlVariable: vocalBrainURLVariable,
    apiKey: options.apiKey ?? null,
    timeoutMs: options.timeoutMs ?? 180_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  return {
    url: options.url,
    health: ({ signal } = {}) => organHealth(organ, signal),
    speak(input, { voice, signal } = {}) {
      return requestOrgan(organ, {
        method: 'POST',
        path: '/v1/audio/speech',
        json: {
          model: options.speechModel ?? 'auto',
          input,
          ...(voice ? { voice } : {}),
          response_format: 'wav',
        },
        signal,
        read: async (response) => ({
          audio: new Uint8Array(await response.arrayBuffer()),
          contentType: response.headers.get('content-type') ?? 'audio/wav',
        }),
      });
    },
    async transcribe(audio, { fileName, language, signal }) {
      const form = new FormData();
      form.append('model', options.transcriptionModel ?? 'auto');
      form.append('response_format', 'json');
      if (language) form.append('language', language);
      form.append('file', new Blob([audio]), fileName);
      const transcript = await requestOrgan(organ, {
        method: 'POST',
        path: '/v1/audio/transcriptions',
        form,
        signal,
        read: readJson(transcriptSchema),
      });
      return { text: transcript.text, language: transcript.language ?? null };
    },
  };
}

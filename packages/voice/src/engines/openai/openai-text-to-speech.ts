import { decodeWav } from '../../audio/wav.js';
import { VoiceError } from '../../errors/index.js';
import { createSegmentedTextToSpeech } from '../../text-to-speech/segmented-text-to-speech.js';
import type { SpeechVoice, SynthesizeOptions, TextToSpeech } from '../../text-to-speech/text-to-speech.js';
import { fetchFailure, remoteError } from './openai-errors.js';

export interface OpenAiTextToSpeechOptions {
  /** Server base URL with or without `/v1` (the gateway, speaches, our voice worker…). */
  baseUrl: string;
  /** The model (alias) to ask for. */
  model: string;
  /** Voice used when a call names none (OpenAI requires one). */
  defaultVoice?: string;
  /**
   * Send no voice when a call names none and there is no `defaultVoice`, instead of failing: for
   * servers that pick one by `language` (Klody's voice worker), whose voice list may not be reachable
   * (a gateway relays `/v1/audio/speech` but not `/v1/audio/voices`). Default false.
   */
  voiceOptional?: boolean;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Per-request time limit (ms, default 120 s). */
  timeoutMs?: number;
}

export function apiUrl(baseUrl: string, path: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return `${trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`}${path}`;
}

interface Prepared {
  voice: string | undefined;
  speed: number | undefined;
  language: string | undefined;
}

/**
 * Speech from an OpenAI-compatible `/v1/audio/speech`. The text is segmented here and each segment
 * is one request for WAV, so the first sentence plays while the server voices the next one and no
 * server ever receives a block it cannot finish.
 */
export function createOpenAiTextToSpeech(options: OpenAiTextToSpeechOptions): TextToSpeech {
  const engine = `openai:${options.model}`;
  const fetchImplementation = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let voiceList: Promise<SpeechVoice[]> | null = null;
  const voices = () => {
    // Our worker and speaches list voices; plain OpenAI servers do not (an empty list then).
    voiceList ??= (async () => {
      const url = apiUrl(options.baseUrl, `/audio/voices?model=${encodeURIComponent(options.model)}`);
      try {
        const response = await fetchImplementation(url, { headers });
        if (!response.ok) return [];
        const body = (await response.json()) as { voices?: SpeechVoice[]; data?: SpeechVoice[] };
        return body.voices ?? body.data ?? [];
      } catch (error) {
        voiceList = null;
        throw fetchFailure(error, engine, url);
      }
    })();
    return voiceList;
  };
  return createSegmentedTextToSpeech<Prepared>({
    id: engine,
    languages: async () => [...new Set((await voices()).flatMap((voice) => voice.languages))],
    voices,
    async prepare(request: SynthesizeOptions) {
      const voice = request.voice ?? options.defaultVoice;
      if (!voice && !options.voiceOptional)
        throw new VoiceError('unknown_voice', `${engine}: no voice given and no defaultVoice configured`);
      return { voice, speed: request.speed, language: request.language };
    },
    async synthesizeSegment(text, prepared, signal) {
      const url = apiUrl(options.baseUrl, '/audio/speech');
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
      let response: Response;
      try {
        response = await fetchImplementation(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            model: options.model,
            input: text,
            ...(prepared.voice !== undefined ? { voice: prepared.voice } : {}),
            response_format: 'wav',
            ...(prepared.speed !== undefined ? { speed: prepared.speed } : {}),
            ...(prepared.language !== undefined ? { language: prepared.language } : {}),
          }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        throw fetchFailure(error, engine, url);
      }
      if (!response.ok) throw await remoteError(response, engine, options.model);
      const wav = decodeWav(new Uint8Array(await response.arrayBuffer()), `${engine} answer`);
      return { samples: wav.channels[0] ?? new Float32Array(0), sampleRate: wav.sampleRate };
    },
  });
}

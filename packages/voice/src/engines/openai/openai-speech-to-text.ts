import type { MonoAudio } from '../../audio/pcm-audio.js';
import { toMonoAt } from '../../audio/resample.js';
import { encodeWav } from '../../audio/wav.js';
import { VoiceError } from '../../errors/index.js';
import { formatLanguage, parseLanguage } from '../../language/language-codes.js';
import { type NoMatchReason, noMatchFor } from '../../speech-to-text/no-match.js';
import type {
  SpeechToText,
  TranscribeOptions,
  Transcription,
  TranscriptSegment,
  TranscriptWord,
} from '../../speech-to-text/speech-to-text.js';
import { fetchFailure, remoteError } from './openai-errors.js';
import { apiUrl } from './openai-text-to-speech.js';

export interface OpenAiSpeechToTextOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Languages the model knows, for `languages()` (default: unknown, an empty list). */
  languages?: string[];
}

// OpenAI answers "english", whisper.cpp "en": both become "en"; anything unknown is kept as given.
function languageCode(value: string): string {
  try {
    return parseLanguage(value).code;
  } catch {
    return value;
  }
}

interface VerboseTranscription {
  text?: unknown;
  language?: unknown;
  /** Our worker's addition (faster-whisper); OpenAI's own API does not send it. */
  language_probability?: unknown;
  duration?: unknown;
  segments?: { start?: unknown; end?: unknown; text?: unknown }[];
  words?: { word?: unknown; start?: unknown; end?: unknown }[];
  /** Our worker's reason for an empty text; OpenAI's own API does not send it. */
  no_match?: { reason?: unknown; message?: unknown } | null;
}

const noMatchReasons: readonly NoMatchReason[] = ['silence', 'no_phrase_matched', 'nothing_recognised'];

/**
 * Recognition through an OpenAI-compatible `/v1/audio/transcriptions` (whisper.cpp's server,
 * speaches, the gateway, our voice worker). Audio is sent as 16 kHz mono WAV with
 * `response_format=verbose_json`; expected phrases go as the prompt, and as `phrases` for servers
 * (ours) that can constrain recognition to them.
 */
export function createOpenAiSpeechToText(options: OpenAiSpeechToTextOptions): SpeechToText {
  const engine = `openai:${options.model}`;
  const fetchImplementation = options.fetch ?? fetch;
  return {
    id: engine,
    languages: async () => options.languages ?? [],
    async transcribe(audio: MonoAudio, transcribeOptions: TranscribeOptions = {}): Promise<Transcription> {
      if (audio.samples.length === 0)
        throw new VoiceError('empty_audio', `${engine}: the audio holds no samples`);
      const mono = toMonoAt(audio, 16_000);
      const form = new FormData();
      form.set(
        'file',
        // Typed as an ArrayBuffer view for the DOM lib's BlobPart (apps that type-check with it).
        new Blob([encodeWav({ channels: [mono.samples], sampleRate: 16_000 }) as Uint8Array<ArrayBuffer>], {
          type: 'audio/wav',
        }),
        'audio.wav',
      );
      form.set('model', options.model);
      form.set('response_format', 'verbose_json');
      if (transcribeOptions.language)
        form.set('language', formatLanguage(transcribeOptions.language, 'iso-639-1'));
      const prompt = transcribeOptions.prompt ?? transcribeOptions.phrases?.join('. ');
      if (prompt) form.set('prompt', prompt);
      if (transcribeOptions.phrases) form.set('phrases', transcribeOptions.phrases.join('\n'));
      if (transcribeOptions.wordTimestamps) {
        form.append('timestamp_granularities[]', 'word');
        form.append('timestamp_granularities[]', 'segment');
      }
      const url = apiUrl(options.baseUrl, '/audio/transcriptions');
      const headers: Record<string, string> = {};
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 300_000);
      let response: Response;
      try {
        response = await fetchImplementation(url, {
          method: 'POST',
          headers,
          body: form,
          signal: transcribeOptions.signal ? AbortSignal.any([transcribeOptions.signal, timeout]) : timeout,
        });
      } catch (error) {
        throw fetchFailure(error, engine, url);
      }
      if (!response.ok) throw await remoteError(response, engine, options.model);
      let body: VerboseTranscription;
      try {
        body = (await response.json()) as VerboseTranscription;
      } catch (error) {
        throw new VoiceError('remote_error', `${engine}: the server answered something that is not JSON`, {
          cause: error,
        });
      }
      const duration = mono.samples.length / 16_000;
      const text = typeof body.text === 'string' ? body.text.trim() : '';
      const segments: TranscriptSegment[] = Array.isArray(body.segments)
        ? body.segments.map((segment) => ({
            start: Number(segment.start) || 0,
            end: Number(segment.end) || 0,
            text: typeof segment.text === 'string' ? segment.text.trim() : '',
          }))
        : text
          ? [{ start: 0, end: duration, text }]
          : [];
      const words: TranscriptWord[] | undefined =
        transcribeOptions.wordTimestamps && Array.isArray(body.words)
          ? body.words.map((word) => ({
              start: Number(word.start) || 0,
              end: Number(word.end) || 0,
              word: typeof word.word === 'string' ? word.word.trim() : '',
            }))
          : undefined;
      const probability = Number(body.language_probability);
      return {
        text,
        segments,
        language:
          typeof body.language === 'string'
            ? languageCode(body.language)
            : (transcribeOptions.language ?? null),
        ...(body.language_probability !== undefined && Number.isFinite(probability)
          ? { languageProbability: probability }
          : {}),
        ...(words ? { words } : {}),
        duration,
        // An empty text comes with a reason: the server's when it gives one (our worker), else
        // one judged from the audio.
        ...(text === ''
          ? {
              noMatch:
                noMatchReasons.includes(body.no_match?.reason as NoMatchReason) &&
                typeof body.no_match?.message === 'string'
                  ? { reason: body.no_match.reason as NoMatchReason, message: body.no_match.message }
                  : noMatchFor(mono, transcribeOptions.phrases?.length ?? null),
            }
          : {}),
      };
    },
  };
}

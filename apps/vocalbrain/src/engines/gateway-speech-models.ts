import { modelListResponseSchema } from '@klody/gateway-client';

/** What the gateway said about its speech aliases, the last time it was asked. */
export interface GatewaySpeechModels {
  state: 'disabled' | 'ok' | 'unreachable';
  url: string | null;
  /** Speech aliases: kind `tts`, and the configured tts alias. */
  speech: string[];
  /** Recognition aliases: kind `stt`, and the configured stt alias. */
  transcription: string[];
  /** Why it is not listed, for /health and the voice list's notes; null when ok or disabled. */
  reason: string | null;
}

export interface GatewaySpeechModelsOptions {
  url: string | null;
  apiKey: string | null;
  fetch?: typeof fetch;
  /** Longest wait for `/v1/models` (ms, default 2 s): the voice list must not hang on a gateway. */
  timeoutMs?: number;
  /** How long an answer is reused (ms, default 30 s; a failure 10 s). */
  cacheMs?: number;
  now?: () => number;
  /** The speech and recognition aliases (`KLODY_TTS_MODEL`, `KLODY_STT_MODEL`; `tts`, `stt`). */
  speechAlias?: string;
  transcriptionAlias?: string;
}

/**
 * The gateway's `tts` and `stt` aliases from its `GET /v1/models` (the Klody gateway says each
 * entry's `kind`), cached briefly: once answered, a stale answer is given at once while a fresh one
 * is asked in the background, so a speech request never waits on the gateway. A gateway that does
 * not answer is `unreachable`, never an error: its voices are then simply not listed.
 */
export function createGatewaySpeechModels(options: GatewaySpeechModelsOptions): {
  current(): Promise<GatewaySpeechModels>;
} {
  const fetchImplementation = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let cached: { value: GatewaySpeechModels; until: number } | null = null;
  let pending: Promise<GatewaySpeechModels> | null = null;

  async function ask(url: string): Promise<GatewaySpeechModels> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    try {
      const response = await fetchImplementation(`${url}/v1/models`, {
        headers,
        signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
      });
      if (!response.ok) throw new Error(`GET /v1/models answered ${response.status}`);
      const parsed = modelListResponseSchema.safeParse(await response.json());
      if (!parsed.success) throw new Error('GET /v1/models did not answer a model list');
      // The gateway lists each worker's name and its aliases, each with the worker's kind; one voice
      // worker often serves both `tts` and `stt` under kind `tts`. Only aliases are taken (a worker's
      // name is no model its worker knows), and the configured stt alias is recognition whatever its kind.
      const aliases = parsed.data.data.filter(
        (entry) => entry.worker === undefined || entry.id !== entry.worker,
      );
      const speechAlias = options.speechAlias ?? 'tts';
      const transcriptionAlias = options.transcriptionAlias ?? 'stt';
      const isSpeechKind = (kind: string | undefined) => kind === 'tts' || kind === 'stt';
      const transcription = aliases
        .filter(
          (entry) =>
            (entry.kind === 'stt' && entry.id !== speechAlias) ||
            (entry.id === transcriptionAlias && isSpeechKind(entry.kind)),
        )
        .map((entry) => entry.id);
      const speech = aliases
        .filter(
          (entry) =>
            (entry.kind === 'tts' && !transcription.includes(entry.id)) ||
            (entry.id === speechAlias && isSpeechKind(entry.kind)),
        )
        .map((entry) => entry.id);
      return { state: 'ok', url, speech, transcription, reason: null };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        state: 'unreachable',
        url,
        speech: [],
        transcription: [],
        reason: `the gateway at ${url} did not answer (${reason}): its tts and stt aliases are not listed`,
      };
    }
  }

  function refresh(url: string): Promise<GatewaySpeechModels> {
    pending ??= ask(url).then((value) => {
      const lifetime = value.state === 'ok' ? (options.cacheMs ?? 30_000) : 10_000;
      cached = { value, until: now() + lifetime };
      pending = null;
      return value;
    });
    return pending;
  }

  return {
    async current() {
      if (options.url === null) {
        return { state: 'disabled', url: null, speech: [], transcription: [], reason: null };
      }
      if (!cached) return refresh(options.url);
      // Stale while revalidating: a request never waits on the gateway once it has been asked.
      if (cached.until <= now()) void refresh(options.url);
      return cached.value;
    },
  };
}

// Partial transcripts while the user speaks (`configure { partials: true }`): the utterance so far is
// transcribed every `everySeconds` of speech, one request at a time, so a page can show the words as
// they come. Off by default: on 2 cores each partial is Whisper time taken while the user speaks, and
// one still running when the turn ends delays the final transcript.

export interface PartialTranscriptsOptions {
  transcribe: (pcm: Int16Array, signal: AbortSignal) => Promise<{ text: string; language: string | null }>;
  send: (text: string, language: string | null) => void;
  /** Seconds of speech between two partials (default 1.5). */
  everySeconds?: number;
}

export interface PartialTranscripts {
  /** After each frame of an utterance: transcribes `utterance()` when a partial is due and none runs. */
  heard(utterance: () => Int16Array, position: number): void;
  /** The utterance ended: a partial in flight is cancelled and never sent. */
  stop(): void;
}

export function createPartialTranscripts(options: PartialTranscriptsOptions): PartialTranscripts {
  const everySeconds = options.everySeconds ?? 1.5;
  let since: number | null = null;
  let inFlight: AbortController | null = null;
  return {
    heard(utterance, position) {
      if (since === null) since = position;
      if (inFlight || position - since < everySeconds) return;
      since = position;
      const current = new AbortController();
      inFlight = current;
      options
        .transcribe(utterance(), current.signal)
        .then(
          (transcript) => {
            const text = transcript.text.trim();
            if (!current.signal.aborted && text) options.send(text, transcript.language);
          },
          () => {},
        )
        .finally(() => {
          if (inFlight === current) inFlight = null;
        });
    },
    stop() {
      inFlight?.abort();
      inFlight = null;
      since = null;
    },
  };
}

// Klody's voice on one connection: sentences are synthesized in order, each one while the one before it
// plays, and their audio is sent paced to real time (a small lead ahead of playback), so that stopping
// is immediate and the server knows what the user has heard.
import type { PlayedSentence } from './played-text.js';
import { playedText } from './played-text.js';
import type { VoiceConnection } from './voice-protocol.js';

/** Speech for one sentence: mono s16le PCM. */
export interface SpokenAudio {
  pcm: Int16Array;
  sampleRate: number;
}

export type Speak = (text: string, signal: AbortSignal) => Promise<SpokenAudio>;

export interface SpeechOutputOptions {
  connection: VoiceConnection;
  speak: Speak;
  /** Milliseconds on the session's clock. */
  now: () => number;
  sleep: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** Audio sent per binary frame (default 100 ms). */
  chunkMs?: number;
  /** How far ahead of playback audio is sent (default 250 ms): enough to ride out a slow frame. */
  leadMs?: number;
  /** The first audio byte of this output went out. */
  onFirstAudio?: (at: number) => void;
  /** A sentence could not be spoken (the rest still are). */
  onError?: (error: unknown, sentence: string) => void;
}

export interface SpeechOutput {
  /** Queues a sentence: sent to speech at once (after the ones before it), played after them. */
  say(text: string): void;
  /** Resolves once everything queued has been sent and played (or the output was stopped). */
  finished(): Promise<void>;
  /** Whether audio is playing now or still to come. */
  speaking(): boolean;
  /** When the last audio sent ends playing (session clock), or 0. */
  playingUntil(): number;
  /** When the first sentence was queued, and when its first audio byte went out (null before). */
  firstSentenceAt(): number | null;
  /** Stops synthesis and sending now; what the user heard until `at`. */
  stop(at: number): string;
}

interface Queued {
  index: number;
  text: string;
  audio: Promise<SpokenAudio | null>;
}

export function createSpeechOutput(options: SpeechOutputOptions): SpeechOutput {
  const { connection, now } = options;
  const chunkMs = options.chunkMs ?? 100;
  const leadMs = options.leadMs ?? 250;
  const controller = new AbortController();
  const timeline: PlayedSentence[] = [];
  let nextIndex = 0;
  let firstQueuedAt: number | null = null;
  let firstAudioSent = false;
  let lastSynthesis: Promise<unknown> = Promise.resolve();
  let playing: Promise<void> = Promise.resolve();
  let pending = 0;

  const synthesize = async (text: string, after: Promise<unknown>): Promise<SpokenAudio | null> => {
    await after.catch(() => undefined);
    if (controller.signal.aborted) return null;
    try {
      return await options.speak(text, controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) options.onError?.(error, text);
      return null;
    }
  };

  const play = async (queued: Queued): Promise<void> => {
    const audio = await queued.audio;
    if (!audio || controller.signal.aborted || audio.pcm.length === 0) return;
    const durationMs = (audio.pcm.length / audio.sampleRate) * 1000;
    const previousEnd = timeline.at(-1)?.endsAt ?? 0;
    const startsAt = Math.max(now(), previousEnd);
    timeline.push({ text: queued.text, startsAt, endsAt: startsAt + durationMs });
    connection.send({ type: 'audio-start', index: queued.index, sampleRate: audio.sampleRate });
    const chunkSamples = Math.max(1, Math.round((audio.sampleRate * chunkMs) / 1000));
    for (let offset = 0; offset < audio.pcm.length; offset += chunkSamples) {
      const playsAt = startsAt + (offset / audio.sampleRate) * 1000;
      const wait = playsAt - leadMs - now();
      if (wait > 0) await options.sleep(wait, controller.signal).catch(() => undefined);
      if (controller.signal.aborted) return;
      connection.sendAudio(audio.pcm.subarray(offset, offset + chunkSamples));
      if (!firstAudioSent) {
        firstAudioSent = true;
        options.onFirstAudio?.(now());
      }
    }
    connection.send({ type: 'audio-end', index: queued.index });
  };

  return {
    say(text) {
      const trimmed = text.trim();
      // Markdown fences, rules and emoji alone have nothing to say (and speech engines refuse them).
      if (!/[\p{L}\p{N}]/u.test(trimmed) || controller.signal.aborted) return;
      const index = nextIndex++;
      firstQueuedAt ??= now();
      connection.send({ type: 'sentence', index, text: trimmed });
      const audio = synthesize(trimmed, lastSynthesis);
      lastSynthesis = audio;
      pending++;
      playing = playing
        .then(() => play({ index, text: trimmed, audio }))
        .finally(() => {
          pending--;
        });
    },
    async finished() {
      // Sentences may be queued while waiting: wait until none is left.
      while (pending > 0 && !controller.signal.aborted) await playing;
      const left = (timeline.at(-1)?.endsAt ?? 0) - now();
      if (left > 0 && !controller.signal.aborted)
        await options.sleep(left, controller.signal).catch(() => undefined);
    },
    speaking: () => !controller.signal.aborted && (pending > 0 || (timeline.at(-1)?.endsAt ?? 0) > now()),
    playingUntil: () => timeline.at(-1)?.endsAt ?? 0,
    firstSentenceAt: () => firstQueuedAt,
    stop(at) {
      controller.abort();
      return playedText(timeline, at);
    },
  };
}

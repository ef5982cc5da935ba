import { VoiceError } from '../errors/index.js';
import { checkDuration, checkProbability } from './check-options.js';

/** A change of turn, `at` seconds from the start of the audio. */
export type TurnEvent = { type: 'speech-start'; at: number } | { type: 'speech-end'; at: number };

export interface TurnDetectorOptions {
  /** Probability from which a window is speech (0–1). */
  threshold: number;
  /** Probability under which a window is silence (default `threshold - 0.15`, at least 0.01). */
  negativeThreshold?: number;
  /** Speech must last longer than this before `speech-start` is emitted (ms). */
  minSpeechMs: number;
  /** Silence that ends a turn (ms): shorter pauses stay inside it. */
  minSilenceMs: number;
  /** Added before a turn's start and after its end (ms), as `detect()` pads its segments. */
  speechPadMs: number;
}

/**
 * Defaults for a conversation: a 600 ms pause ends a turn (`detect()` uses 100 ms, which cuts a
 * speaker at every breath), and 200 ms of padding keeps the first and last phonemes.
 */
export const defaultTurnDetectorOptions: Readonly<TurnDetectorOptions> = Object.freeze({
  threshold: 0.5,
  minSpeechMs: 250,
  minSilenceMs: 600,
  speechPadMs: 200,
});

/** Turns from one speech probability per window, as they happen. Pure: no audio, no clock. */
export interface TurnDetector {
  /**
   * Takes the probability of the window that starts `atSeconds` into the audio (positions must not go
   * back) and returns the events it causes: none, a start, an end, or a start and an end.
   */
  push(probability: number, atSeconds: number): TurnEvent[];
  /**
   * The audio ended (or paused for good) at `atSeconds`, default the last window's position: closes an
   * open turn, and announces and closes speech that was long enough but not yet announced.
   */
  end(atSeconds?: number): TurnEvent[];
  /** Forgets everything: the next push starts a new audio stream. */
  reset(): void;
  /** Whether a turn is open (`speech-start` emitted, no `speech-end` yet). */
  readonly speaking: boolean;
  /**
   * How long the open turn's speech has lasted (ms, unpadded; a pause in progress does not count);
   * 0 when no turn is open. A barge-in rule reads it: "interrupt once the user spoke 500 ms".
   */
  readonly speechDurationMs: number;
}

// Window positions are sums of 0.032 s steps: compare durations with a little slack for rounding.
const epsilon = 1e-9;

/**
 * A streaming version of Silero's `get_speech_timestamps` (see `speechTimestamps`): speech starts on a
 * window at or above `threshold`; the turn is announced once it has lasted `minSpeechMs`, backdated to
 * its first window minus `speechPadMs`; it ends after `minSilenceMs` under `negativeThreshold`
 * (hysteresis: windows in between neither start nor end anything), at the first silent window plus
 * `speechPadMs`. Fed a whole recording, it gives the segments `detect()` gives with the same options,
 * except that a turn still open at the end stops at the start of a trailing pause, not at the end.
 */
export function createTurnDetector(options: Partial<TurnDetectorOptions> = {}): TurnDetector {
  const resolved = resolveOptions(options);
  const minSpeech = resolved.minSpeechMs / 1000;
  const minSilence = resolved.minSilenceMs / 1000;
  const pad = resolved.speechPadMs / 1000;
  // Start of the speech being watched (its first window at or above threshold), announced or not.
  let speechStart: number | null = null;
  let announced = false;
  // First window of the current pause under negativeThreshold ("temporary end" in Silero's code).
  let silenceStart: number | null = null;
  let lastAt: number | null = null;
  // End of the previous turn: a padded start never reaches back before it.
  let previousEnd = 0;

  function clear(): void {
    speechStart = null;
    announced = false;
    silenceStart = null;
  }

  function announce(start: number): TurnEvent {
    announced = true;
    return { type: 'speech-start', at: Math.max(previousEnd, start - pad) };
  }

  function close(at: number): TurnEvent {
    previousEnd = at;
    return { type: 'speech-end', at };
  }

  return {
    push(probability, atSeconds) {
      if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
        throw new VoiceError(
          'invalid_options',
          `a speech probability must be between 0 and 1, got ${probability}`,
        );
      }
      if (!Number.isFinite(atSeconds) || atSeconds < 0 || (lastAt !== null && atSeconds < lastAt)) {
        throw new VoiceError(
          'invalid_options',
          `window positions must be finite, ≥ 0 and never go back: got ${atSeconds} after ${lastAt}`,
        );
      }
      lastAt = atSeconds;
      const events: TurnEvent[] = [];
      const silent = probability < resolved.negativeThreshold;
      if (probability >= resolved.threshold) {
        silenceStart = null;
        speechStart ??= atSeconds;
      } else if (silent && speechStart !== null) {
        silenceStart ??= atSeconds;
      }
      if (speechStart === null) return events;
      // Speech known so far runs to the pause in progress, or to this window. Announced even during a
      // pause when long enough: detect() keeps such a segment whatever follows.
      if (!announced && (silenceStart ?? atSeconds) - speechStart > minSpeech + epsilon) {
        events.push(announce(speechStart));
      }
      // As in Silero's code, only a silent window can end the turn: after a pause, windows between the
      // thresholds keep it open until the next silent one.
      if (silent && silenceStart !== null && atSeconds - silenceStart >= minSilence - epsilon) {
        if (announced) events.push(close(Math.min(silenceStart + pad, atSeconds)));
        clear();
      }
      return events;
    },
    end(atSeconds) {
      const at = atSeconds ?? lastAt ?? 0;
      if (!Number.isFinite(at) || at < 0) {
        throw new VoiceError('invalid_options', `the end of the audio must be a position ≥ 0, got ${at}`);
      }
      const events: TurnEvent[] = [];
      if (speechStart !== null) {
        const speechEnd = Math.max(speechStart, Math.min(silenceStart ?? at, at));
        if (!announced && speechEnd - speechStart > minSpeech + epsilon) events.push(announce(speechStart));
        if (announced) {
          events.push(close(Math.max(speechEnd, Math.min(speechEnd + pad, at))));
        }
      }
      // Positions are kept: more audio may follow on the same clock (reset() starts a new one).
      clear();
      return events;
    },
    reset() {
      clear();
      lastAt = null;
      previousEnd = 0;
    },
    get speaking() {
      return announced;
    },
    get speechDurationMs() {
      if (!announced || speechStart === null) return 0;
      return Math.max(0, ((silenceStart ?? lastAt ?? speechStart) - speechStart) * 1000);
    },
  };
}

function resolveOptions(options: Partial<TurnDetectorOptions>): Required<TurnDetectorOptions> {
  checkProbability('threshold', options.threshold);
  checkProbability('negativeThreshold', options.negativeThreshold);
  checkDuration('minSpeechMs', options.minSpeechMs);
  checkDuration('minSilenceMs', options.minSilenceMs);
  checkDuration('speechPadMs', options.speechPadMs);
  const threshold = options.threshold ?? defaultTurnDetectorOptions.threshold;
  const negativeThreshold =
    options.negativeThreshold ?? Math.min(threshold, Math.max(0.01, threshold - 0.15));
  if (negativeThreshold > threshold) {
    throw new VoiceError(
      'invalid_options',
      `negativeThreshold (${negativeThreshold}) must not exceed threshold (${threshold})`,
    );
  }
  return {
    threshold,
    negativeThreshold,
    minSpeechMs: options.minSpeechMs ?? defaultTurnDetectorOptions.minSpeechMs,
    minSilenceMs: options.minSilenceMs ?? defaultTurnDetectorOptions.minSilenceMs,
    speechPadMs: options.speechPadMs ?? defaultTurnDetectorOptions.speechPadMs,
  };
}

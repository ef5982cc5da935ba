import { createTurnDetector, type TurnDetectorOptions, type TurnEvent } from './turn-detector.js';
import type { VoiceActivityStreamSource } from './voice-activity-stream.js';

export interface StreamingVoiceActivityOptions extends Partial<TurnDetectorOptions> {
  /** Opens the probability stream: `createSileroVad({ modelPath })`, or a fake in tests. */
  vad: VoiceActivityStreamSource;
}

/** Turn events from live audio: a VAD stream and a turn detector behind one `push`. */
export interface StreamingVoiceActivity {
  /**
   * Takes the next frame (mono, at the stream's rate: 16 kHz for Silero; 16-bit integers or floats in
   * −1…1) and resolves with the events it caused. Pushes run in order, one at a time.
   */
  push(pcm: Int16Array | Float32Array): Promise<TurnEvent[]>;
  /** The audio ended: once pending pushes are done, closes an open turn at `position`. */
  end(): Promise<TurnEvent[]>;
  /** Starts over at position 0; pushes still running resolve with no events. */
  reset(): void;
  readonly speaking: boolean;
  /** See `TurnDetector.speechDurationMs`. */
  readonly speechDurationMs: number;
  /** Seconds of audio consumed so far (pushes that have resolved). */
  readonly position: number;
}

function toFloat(pcm: Int16Array | Float32Array): Float32Array {
  if (pcm instanceof Float32Array) return pcm.slice();
  const samples = new Float32Array(pcm.length);
  for (let index = 0; index < pcm.length; index += 1) samples[index] = (pcm[index] ?? 0) / 32_768;
  return samples;
}

/**
 * For a voice loop: feed microphone frames of any length, get `speech-start` (the user took the
 * floor: stop talking if `speechDurationMs` says it is not a cough) and `speech-end` (their turn is over:
 * transcribe and answer). Turn positions count from the first push, or from the last `reset()`.
 */
export function createStreamingVoiceActivity(options: StreamingVoiceActivityOptions): StreamingVoiceActivity {
  const { vad, ...turnOptions } = options;
  const detector = createTurnDetector(turnOptions);
  const stream = vad.createStream();
  let consumedSamples = 0;
  let scoredWindows = 0;
  // Bumped by reset(): work queued before it must not touch the new stream's counters.
  let generation = 0;
  let queue: Promise<unknown> = Promise.resolve();

  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    push(pcm) {
      const started = generation;
      // Converted (and so copied) now: callers reuse frame buffers. The stream copies floats itself.
      const samples = toFloat(pcm);
      return enqueue(async () => {
        if (started !== generation) return [];
        const probabilities = await stream.push(samples);
        if (started !== generation) return [];
        const events: TurnEvent[] = [];
        for (const probability of probabilities) {
          const at = (scoredWindows * stream.windowSamples) / stream.sampleRate;
          events.push(...detector.push(probability, at));
          scoredWindows += 1;
        }
        consumedSamples += samples.length;
        return events;
      });
    },
    end() {
      const started = generation;
      return enqueue(async () =>
        started === generation ? detector.end(consumedSamples / stream.sampleRate) : [],
      );
    },
    reset() {
      generation += 1;
      stream.reset();
      detector.reset();
      consumedSamples = 0;
      scoredWindows = 0;
    },
    get speaking() {
      return detector.speaking;
    },
    get speechDurationMs() {
      return detector.speechDurationMs;
    },
    get position() {
      return consumedSamples / stream.sampleRate;
    },
  };
}

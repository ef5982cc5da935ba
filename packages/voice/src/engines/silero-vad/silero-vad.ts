import { access } from 'node:fs/promises';
import { resample } from '../../audio/resample.js';
import { throwIfAborted, VoiceError } from '../../errors/index.js';
import { checkDuration, checkProbability } from '../../voice-activity/check-options.js';
import type {
  DetectSpeechOptions,
  SpeechSegment,
  VoiceActivityDetector,
} from '../../voice-activity/voice-activity-detector.js';
import { createSileroStream, type SileroStream } from './silero-stream.js';
import {
  createSileroWindowScorer,
  type SileroModel,
  sileroSampleRate as sampleRate,
  sileroWindowSamples as windowSamples,
} from './silero-window-scorer.js';
import { defaultSpeechTimestampOptions, speechTimestamps } from './speech-timestamps.js';

type OnnxRuntime = typeof import('onnxruntime-node');

export interface SileroVadOptions {
  /** Path to `silero_vad.onnx` (v5). Required: nothing is downloaded. */
  modelPath: string;
  /** Threads for onnxruntime (default 1: the model is tiny and cores are shared). */
  threads?: number;
  /** Loads onnxruntime; injectable for tests. */
  loadRuntime?: () => Promise<OnnxRuntime>;
}

export interface SileroVad extends VoiceActivityDetector {
  /** Speech probability of each 32 ms window (512 samples at 16 kHz). */
  probabilities(pcm: Float32Array, sampleRate: number, signal?: AbortSignal): Promise<Float32Array>;
  /**
   * A stream over 16 kHz mono frames of any length, sharing this VAD's model: each push gives the
   * probabilities of the windows it completes, equal to `probabilities()` on the whole audio.
   */
  createStream(): SileroStream;
  /** Frees the ONNX session (open streams load it again on their next push, with a fresh state). */
  close(): Promise<void>;
}

/** Silero VAD v5 on onnxruntime-node (CPU), 16 kHz; other rates are resampled first. */
export function createSileroVad(options: SileroVadOptions): SileroVad {
  const engine = 'silero-vad';
  let loaded: Promise<SileroModel> | null = null;
  const load = () => {
    loaded ??= (async () => {
      try {
        await access(options.modelPath);
      } catch (error) {
        throw new VoiceError('engine_unavailable', `${engine}: model file ${options.modelPath} not found`, {
          cause: error,
        });
      }
      let runtime: OnnxRuntime;
      try {
        runtime = options.loadRuntime ? await options.loadRuntime() : await import('onnxruntime-node');
      } catch (error) {
        throw new VoiceError(
          'engine_unavailable',
          `${engine}: onnxruntime-node cannot be loaded (${String(error)})`,
          { cause: error },
        );
      }
      try {
        const threads = options.threads ?? 1;
        const session = await runtime.InferenceSession.create(options.modelPath, {
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
        });
        return { runtime, session };
      } catch (error) {
        throw new VoiceError(
          'engine_unavailable',
          `${engine}: ${options.modelPath} is not a loadable ONNX model (${String(error)})`,
          {
            cause: error,
          },
        );
      }
    })();
    loaded.catch(() => {
      loaded = null;
    });
    return loaded;
  };

  async function probabilities(pcm: Float32Array, rate: number, signal?: AbortSignal): Promise<Float32Array> {
    if (!(rate > 0)) throw new VoiceError('invalid_options', `invalid sample rate ${rate}`);
    const scorer = createSileroWindowScorer(await load());
    const audio = rate === sampleRate ? pcm : resample(pcm, rate, sampleRate);
    const windows = Math.ceil(audio.length / windowSamples);
    const output = new Float32Array(windows);
    for (let window = 0; window < windows; window += 1) {
      if (window % 256 === 0) throwIfAborted(signal);
      output[window] = await scorer.score(
        audio.subarray(window * windowSamples, (window + 1) * windowSamples),
      );
    }
    return output;
  }

  return {
    id: engine,
    probabilities,
    createStream: () => createSileroStream(load),
    async detect(
      pcm: Float32Array,
      rate: number,
      detectOptions: DetectSpeechOptions = {},
    ): Promise<SpeechSegment[]> {
      checkProbability('threshold', detectOptions.threshold);
      checkProbability('negativeThreshold', detectOptions.negativeThreshold);
      checkDuration('minSpeechMs', detectOptions.minSpeechMs);
      checkDuration('minSilenceMs', detectOptions.minSilenceMs);
      checkDuration('speechPadMs', detectOptions.speechPadMs);
      if (pcm.length === 0) return [];
      const threshold = detectOptions.threshold ?? defaultSpeechTimestampOptions.threshold;
      const resolved = {
        threshold,
        negativeThreshold: detectOptions.negativeThreshold ?? Math.max(0.01, threshold - 0.15),
        minSpeechMs: detectOptions.minSpeechMs ?? defaultSpeechTimestampOptions.minSpeechMs,
        minSilenceMs: detectOptions.minSilenceMs ?? defaultSpeechTimestampOptions.minSilenceMs,
        speechPadMs: detectOptions.speechPadMs ?? defaultSpeechTimestampOptions.speechPadMs,
      };
      const perWindow = await probabilities(pcm, rate, detectOptions.signal);
      const total = rate === sampleRate ? pcm.length : Math.round((pcm.length * sampleRate) / rate);
      return speechTimestamps(perWindow, windowSamples, sampleRate, total, resolved);
    },
    async close() {
      const current = loaded;
      loaded = null;
      if (current) await (await current).session.release();
    },
  };
}

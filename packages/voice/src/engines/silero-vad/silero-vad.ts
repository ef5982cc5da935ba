import { access } from 'node:fs/promises';
import { resample } from '../../audio/resample.js';
import { throwIfAborted, VoiceError } from '../../errors/index.js';
import type {
  DetectSpeechOptions,
  SpeechSegment,
  VoiceActivityDetector,
} from '../../voice-activity/voice-activity-detector.js';
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
  /** Frees the ONNX session. */
  close(): Promise<void>;
}

const sampleRate = 16_000;
const windowSamples = 512;
// Silero v5 needs the last 64 samples of the previous window in front of each new one (576 inputs);
// without them it answers ~0 everywhere.
const contextSamples = 64;

function checkProbability(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > 1)) {
    throw new VoiceError('invalid_options', `${name} must be between 0 and 1, got ${value}`);
  }
}

function checkDuration(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new VoiceError('invalid_options', `${name} must be a number of milliseconds ≥ 0, got ${value}`);
  }
}

/** Silero VAD v5 on onnxruntime-node (CPU), 16 kHz; other rates are resampled first. */
export function createSileroVad(options: SileroVadOptions): SileroVad {
  const engine = 'silero-vad';
  type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;
  let loaded: Promise<{ runtime: OnnxRuntime; session: Session }> | null = null;
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
    const { runtime, session } = await load();
    const audio = rate === sampleRate ? pcm : resample(pcm, rate, sampleRate);
    const windows = Math.ceil(audio.length / windowSamples);
    const output = new Float32Array(windows);
    const input = new Float32Array(contextSamples + windowSamples);
    let state = new runtime.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    const rateTensor = new runtime.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
    for (let window = 0; window < windows; window += 1) {
      if (window % 256 === 0) throwIfAborted(signal);
      // Slide: the tail of the previous input becomes this window's context.
      input.copyWithin(0, windowSamples, windowSamples + contextSamples);
      const chunk = audio.subarray(window * windowSamples, (window + 1) * windowSamples);
      input.set(chunk, contextSamples);
      if (chunk.length < windowSamples) input.fill(0, contextSamples + chunk.length);
      const result = await session.run({
        input: new runtime.Tensor('float32', input.slice(), [1, contextSamples + windowSamples]),
        state,
        sr: rateTensor,
      });
      output[window] = (result.output?.data as Float32Array | undefined)?.[0] ?? 0;
      state = result.stateN as typeof state;
    }
    return output;
  }

  return {
    id: engine,
    probabilities,
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

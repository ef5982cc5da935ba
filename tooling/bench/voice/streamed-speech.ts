import type { TextToSpeech } from '../../../packages/voice/src/index.js';
import { median, repeat } from '../repeated-runs.js';

/**
 * Speaks `text` through `tts.stream` `runs` times: the medians of the time to the first chunk and to
 * the last, the audio's length and the real-time factor. Warm the engine up first: the first run
 * would otherwise count its loading.
 */
export async function timeStreamedSpeech(tts: TextToSpeech, text: string, language: string, runs: number) {
  const samples = await repeat(runs, async () => {
    const started = performance.now();
    let first: number | null = null;
    let seconds = 0;
    for await (const chunk of tts.stream(text, { language })) {
      first ??= performance.now() - started;
      seconds += chunk.samples.length / chunk.sampleRate;
    }
    return { first: first ?? 0, total: performance.now() - started, seconds };
  });
  const total = median(samples.map((sample) => sample.total));
  const seconds = samples[0]?.seconds ?? 0;
  return {
    firstAudioMs: median(samples.map((sample) => sample.first)),
    totalMs: total,
    audioSeconds: seconds,
    realTimeFactor: total / 1000 / seconds,
  };
}

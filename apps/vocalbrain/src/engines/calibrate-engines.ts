import { audioDuration, parseLanguage, type SpeechVoice } from '@klody/voice';
import type { EngineMeasurements } from './engine-measurements.js';
import type { SpeechEngine } from './speech-engine.js';

/** Two short sentences per language, so the first audio comes before the whole text is voiced. */
const calibrationTexts: Record<string, string> = {
  en: 'The weather is calm this morning. We will measure how fast this voice begins to speak.',
  fr: 'Le temps est calme ce matin. Nous mesurons la vitesse à laquelle cette voix commence à parler.',
};

export interface TimedSynthesis {
  firstAudioMs: number;
  realTimeFactor: number | null;
}

/** Voices a text through the stream and times it: first audio, then the whole against its duration. */
export async function timeSynthesis(
  engine: SpeechEngine,
  text: string,
  voice: string | undefined,
  signal?: AbortSignal,
): Promise<TimedSynthesis> {
  const started = performance.now();
  let firstAudioMs: number | null = null;
  let seconds = 0;
  for await (const chunk of engine.textToSpeech.stream(text, {
    ...(voice !== undefined ? { voice } : {}),
    ...(signal ? { signal } : {}),
  })) {
    firstAudioMs ??= performance.now() - started;
    seconds += audioDuration(chunk);
  }
  const totalMs = performance.now() - started;
  return {
    firstAudioMs: firstAudioMs ?? totalMs,
    realTimeFactor: seconds > 0 ? totalMs / 1000 / seconds : null,
  };
}

function calibrationVoice(voices: SpeechVoice[]): { voice: string | undefined; text: string } {
  for (const code of ['en', 'fr']) {
    const voice = voices.find((candidate) =>
      candidate.languages.some((tag) => {
        try {
          return parseLanguage(tag).code === code;
        } catch {
          return false;
        }
      }),
    );
    if (voice) return { voice: voice.id, text: calibrationTexts[code] as string };
  }
  return { voice: voices[0]?.id, text: calibrationTexts.en as string };
}

/**
 * Measures each engine that has no figures yet: one warm-up synthesis (a Piper voice loads into its
 * worker then; that load is not what a request waits for afterwards), then one timed synthesis
 * recorded as a calibration. Failures are returned, not thrown: an engine that cannot speak simply
 * stays unmeasured.
 */
export async function calibrateEngines(
  engines: readonly SpeechEngine[],
  measurements: EngineMeasurements,
  options: { force?: boolean; signal?: AbortSignal } = {},
): Promise<{ engine: string; error: string | null }[]> {
  const results: { engine: string; error: string | null }[] = [];
  for (const engine of engines) {
    if (!options.force && measurements.figures(engine.id).samples > 0) continue;
    try {
      const { voice, text } = calibrationVoice(await engine.textToSpeech.voices());
      await timeSynthesis(engine, text.split('.')[0] ?? text, voice, options.signal);
      const timed = await timeSynthesis(engine, text, voice, options.signal);
      measurements.record(engine.id, { ...timed, source: 'calibration' });
      results.push({ engine: engine.id, error: null });
    } catch (error) {
      results.push({ engine: engine.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

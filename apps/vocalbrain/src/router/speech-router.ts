import type { EngineMeasurements } from '../engines/engine-measurements.js';
import type { EngineSet } from '../engines/engine-set.js';
import type { QualityClass } from '../engines/speech-engine.js';
import type { VoiceCatalogue } from '../voices/voice-catalogue.js';
import { chooseSpeechRoute } from './choose-speech-route.js';
import { requestLanguage } from './request-language.js';
import type { RouteCandidate, RouteDecision, RouteRequest } from './speech-route.js';

export interface RouteInput {
  text: string;
  language?: string | null;
  quality?: QualityClass;
  latencyBudgetMs?: number | null;
  cloning?: boolean;
  /** Only these engines (a request that named its engine). */
  engines?: readonly string[];
}

export type RoutedDecision = RouteDecision & { request: RouteRequest };

export interface SpeechRouter {
  /** The engines as the router sees them now: classes, voices and measured figures. */
  candidates(): Promise<RouteCandidate[]>;
  /** Decides for one request (after the start-up calibration, so the figures are measured ones). */
  route(input: RouteInput): Promise<RoutedDecision>;
}

/** The router's effectful side: gathers the candidates from the engines and measurements, then decides. */
export function createSpeechRouter(options: {
  engines: EngineSet;
  voices: VoiceCatalogue;
  measurements: EngineMeasurements;
  /** Resolves once the start-up calibration is over (at once when there is none). */
  calibrated: () => Promise<void>;
}): SpeechRouter {
  async function candidates(): Promise<RouteCandidate[]> {
    const list: RouteCandidate[] = [];
    for (const engine of await options.engines.speechEngines()) {
      let voices: { id: string; languages: string[] }[] = [];
      try {
        voices = await options.voices.voicesOf(engine);
      } catch {
        continue; // an engine that cannot list its voices cannot be routed to
      }
      const figures = options.measurements.figures(engine.id);
      list.push({
        engine: engine.id,
        quality: engine.quality,
        canClone: engine.canClone,
        voices,
        firstAudioMs: figures.firstAudioMs,
        realTimeFactor: figures.realTimeFactor,
      });
    }
    return list;
  }
  return {
    candidates,
    async route(input) {
      await options.calibrated();
      const { language, source } = requestLanguage(input.text, input.language);
      const request: RouteRequest = {
        language,
        languageSource: source,
        quality: input.quality ?? 'medium',
        latencyBudgetMs: input.latencyBudgetMs ?? null,
        cloning: input.cloning ?? false,
      };
      const all = await candidates();
      const allowed = input.engines
        ? all.filter((candidate) => input.engines?.includes(candidate.engine))
        : all;
      return { ...chooseSpeechRoute(request, allowed), request };
    },
  };
}

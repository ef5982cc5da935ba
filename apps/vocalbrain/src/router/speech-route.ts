import type { QualityClass } from '../engines/speech-engine.js';

/** What a speech request asks of the router. */
export interface RouteRequest {
  /** The text's language (a tag such as `fr`, `en-us`), given or detected before routing. */
  language: string;
  /** Whether the caller named the language, it was detected from the text, or assumed. */
  languageSource: 'given' | 'detected' | 'assumed';
  /** The quality wanted (default medium). */
  quality: QualityClass;
  /** The longest wait for the first audio (ms), or null for no budget. */
  latencyBudgetMs: number | null;
  /** Whether the voice must be cloned from a reference recording. */
  cloning: boolean;
}

/** An engine as the router sees it: its class, its voices and its measured figures. */
export interface RouteCandidate {
  engine: string;
  quality: QualityClass;
  canClone: boolean;
  voices: readonly { id: string; languages: readonly string[] }[];
  /** Running medians of real timings; null while unmeasured. */
  firstAudioMs: number | null;
  realTimeFactor: number | null;
}

/** Why an engine was or was not taken, for `GET /api/route`. */
export interface ConsideredEngine {
  engine: string;
  voice: string | null;
  eligible: boolean;
  why: string;
}

export type RouteDecision =
  | {
      ok: true;
      engine: string;
      voice: string;
      language: string;
      /** One line: `piper/en_US-joe-medium: quality high, first audio 120 ms measured`. */
      reason: string;
      considered: ConsideredEngine[];
    }
  | { ok: false; reason: string; considered: ConsideredEngine[] };

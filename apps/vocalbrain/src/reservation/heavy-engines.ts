// Which engines are heavy, so that a job using them first asks the gateway to free memory: those named
// heavy (cloning and large-model engines, Piper's high-quality voices by default) and any engine whose
// measured memory reaches a threshold. Pure functions.
import type { EngineMemoryRecord } from './engine-memory.js';

export interface HeavyEngineRules {
  /**
   * Engines always heavy: an engine id (`xtts`), or `engine/voice` where the voice may hold `*`
   * (`piper/*-high`).
   */
  heavyEngines: readonly string[];
  /** An engine whose measured peak memory is at least this many GiB is heavy. */
  thresholdGb: number;
  /** What to reserve for a heavy engine never measured yet (GiB). */
  unmeasuredGb: number;
}

/** Piper's `high` and `x_high` voices are several times the size of the others. */
export const defaultHeavyEngines: readonly string[] = ['piper/*-high', 'piper/*-x_high'];

export interface HeavyDecision {
  heavy: boolean;
  /** What to reserve at the gateway (GiB); null when the engine is not heavy. */
  reserveGb: number | null;
  /** Why, in words (kept with the job). */
  reason: string;
}

const gib = 1024 ** 3;

function matches(rule: string, engine: string, voice: string | null): boolean {
  const slash = rule.indexOf('/');
  if (slash < 0) return rule === engine;
  if (rule.slice(0, slash) !== engine || voice === null) return false;
  const pattern = rule
    .slice(slash + 1)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(voice);
}

const rounded = (value: number) => Math.round(value * 1000) / 1000;

export function decideHeavy(
  engine: string,
  voice: string | null,
  measured: EngineMemoryRecord | null,
  rules: HeavyEngineRules,
): HeavyDecision {
  const name = voice ? `${engine}/${voice}` : engine;
  const measuredGb = measured ? measured.peakBytes / gib : null;
  const rule = rules.heavyEngines.find((candidate) => matches(candidate, engine, voice));
  if (rule) {
    return measuredGb === null
      ? {
          heavy: true,
          reserveGb: rules.unmeasuredGb,
          reason: `${name} is heavy (rule ${rule}); not measured yet, so ${rules.unmeasuredGb} GiB is asked`,
        }
      : {
          heavy: true,
          reserveGb: rounded(measuredGb),
          reason: `${name} is heavy (rule ${rule}); measured ${rounded(measuredGb)} GiB`,
        };
  }
  if (measuredGb !== null && measuredGb >= rules.thresholdGb) {
    return {
      heavy: true,
      reserveGb: rounded(measuredGb),
      reason: `${name} measured ${rounded(measuredGb)} GiB, at or above the ${rules.thresholdGb} GiB threshold`,
    };
  }
  return {
    heavy: false,
    reserveGb: null,
    reason:
      measuredGb === null
        ? `${name} is not marked heavy and not measured yet`
        : `${name} measured ${rounded(measuredGb)} GiB, under the ${rules.thresholdGb} GiB threshold`,
  };
}

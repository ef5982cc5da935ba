import type { QualityClass } from '../engines/speech-engine.js';
import type { ConsideredEngine, RouteCandidate, RouteDecision, RouteRequest } from './speech-route.js';
import { languageCode, voiceForLanguage } from './voice-for-language.js';

const rank: Record<QualityClass, number> = { low: 0, medium: 1, high: 2 };

interface Eligible {
  candidate: RouteCandidate;
  voice: string;
  meetsQuality: boolean;
  /** 0 within the budget (or no budget), 1 unmeasured, 2 measured over the budget. */
  latencyTier: 0 | 1 | 2;
}

function firstAudio(candidate: RouteCandidate): number {
  return candidate.firstAudioMs ?? Number.POSITIVE_INFINITY;
}

function describeFigures(candidate: RouteCandidate): string {
  const parts = [`quality ${candidate.quality}`];
  parts.push(
    candidate.firstAudioMs === null
      ? 'first audio not measured yet'
      : `first audio ${Math.round(candidate.firstAudioMs)} ms measured`,
  );
  if (candidate.realTimeFactor !== null)
    parts.push(`real-time factor ${candidate.realTimeFactor.toFixed(2)}`);
  return parts.join(', ');
}

/**
 * Better first: within the latency budget (over it: the fastest), then the quality wanted, then (by
 * the wish) quality or speed.
 */
function compare(wanted: QualityClass) {
  return (a: Eligible, b: Eligible): number => {
    if (a.latencyTier !== b.latencyTier) return a.latencyTier - b.latencyTier;
    // Every one over the budget: the nearest to it is the fastest.
    if (a.latencyTier === 2) return firstAudio(a.candidate) - firstAudio(b.candidate);
    if (a.meetsQuality !== b.meetsQuality) return a.meetsQuality ? -1 : 1;
    if (!a.meetsQuality) return rank[b.candidate.quality] - rank[a.candidate.quality];
    if (wanted === 'high' && a.candidate.quality !== b.candidate.quality) {
      return rank[b.candidate.quality] - rank[a.candidate.quality];
    }
    const speed = firstAudio(a.candidate) - firstAudio(b.candidate);
    if (speed !== 0 && !Number.isNaN(speed)) return speed;
    return rank[b.candidate.quality] - rank[a.candidate.quality];
  };
}

/**
 * Picks the engine and voice for a speech request among the available ones (a pure function: the
 * candidates carry their measured figures). Hard constraints: an engine must speak the language and,
 * when cloning is needed, be able to clone; none left is an impossible request with the reason.
 * Then the latency budget comes first (an engine measured within it, then an unmeasured one, then one
 * measured over it), then the quality wanted; among engines meeting both, a wish for high quality
 * takes the best quality, otherwise the fastest first audio. A compromise is said in the reason.
 */
export function chooseSpeechRoute(
  request: RouteRequest,
  candidates: readonly RouteCandidate[],
): RouteDecision {
  const code = languageCode(request.language);
  const considered: ConsideredEngine[] = [];
  const eligible: Eligible[] = [];
  for (const candidate of candidates) {
    const voice = voiceForLanguage(candidate.voices, request.language);
    if (voice === null) {
      const why =
        candidate.voices.length === 0 ? 'lists no voices: ask for it by name' : `speaks no "${code}"`;
      considered.push({ engine: candidate.engine, voice: null, eligible: false, why });
      continue;
    }
    if (request.cloning && !candidate.canClone) {
      considered.push({ engine: candidate.engine, voice, eligible: false, why: 'cannot clone a voice' });
      continue;
    }
    const latencyTier =
      request.latencyBudgetMs === null
        ? 0
        : candidate.firstAudioMs === null
          ? 1
          : candidate.firstAudioMs <= request.latencyBudgetMs
            ? 0
            : 2;
    eligible.push({
      candidate,
      voice,
      meetsQuality: rank[candidate.quality] >= rank[request.quality],
      latencyTier,
    });
    considered.push({ engine: candidate.engine, voice, eligible: true, why: describeFigures(candidate) });
  }
  if (eligible.length === 0) {
    const speakers = candidates.filter(
      (candidate) => voiceForLanguage(candidate.voices, request.language) !== null,
    );
    let reason: string;
    if (candidates.length === 0) reason = 'no speech engine is available here';
    else if (speakers.length === 0)
      reason = `no engine here speaks "${code}"${request.languageSource === 'detected' ? ' (detected from the text)' : ''} (engines: ${candidates.map((candidate) => candidate.engine).join(', ')})`;
    else {
      const cloners = candidates
        .filter((candidate) => candidate.canClone)
        .map((candidate) => candidate.engine);
      reason =
        cloners.length === 0
          ? `a cloned voice in "${code}" needs an engine that can clone, and none here can (engines: ${candidates.map((candidate) => candidate.engine).join(', ')})`
          : `a cloned voice in "${code}" needs an engine that can clone and speaks "${code}"; the engines that can clone (${cloners.join(', ')}) do not speak it`;
    }
    return { ok: false, reason, considered };
  }
  eligible.sort(compare(request.quality));
  const best = eligible[0] as Eligible;
  const notes: string[] = [];
  if (request.latencyBudgetMs !== null && best.latencyTier === 1)
    notes.push(`no engine is measured within ${request.latencyBudgetMs} ms; this one is not measured yet`);
  if (request.latencyBudgetMs !== null && best.latencyTier === 2)
    notes.push(`no engine is measured within ${request.latencyBudgetMs} ms; this is the fastest`);
  if (!best.meetsQuality)
    notes.push(
      request.latencyBudgetMs === null
        ? `no engine here has quality ${request.quality}`
        : `no engine within the budget has quality ${request.quality}`,
    );
  if (request.languageSource === 'detected') notes.push(`language ${code} detected from the text`);
  if (request.languageSource === 'assumed') notes.push(`language ${code} assumed (not given, not detected)`);
  const reason = `${best.candidate.engine}/${best.voice}: ${describeFigures(best.candidate)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
  return {
    ok: true,
    engine: best.candidate.engine,
    voice: best.voice,
    language: request.language,
    reason,
    considered,
  };
}

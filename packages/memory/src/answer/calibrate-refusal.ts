/**
 * The evidence (`retrievalEvidence`) below which an answer is a refusal, unless the answerer is given
 * another. Chosen with `calibrateRefusal` on the tuning half of Library Brain's hand-written book
 * questions (113 answerable, 23 unanswerable, French and English; apps/library-brain/eval), asked of
 * a library of eleven novels and of one of two: every threshold from 0.447 to 0.46 makes the fewest
 * mistakes there (12 of 180 answers), and 0.45 lies inside that range. Word evidence cannot tell
 * every unanswerable question from every answerable one; the report half says how this threshold
 * does on questions it was not chosen on.
 */
export const defaultRefusalThreshold = 0.38;

export interface RefusalSample {
  evidence: number;
  answerable: boolean;
}

/**
 * The evidence threshold that best separates answerable from unanswerable questions (refusal
 * accuracy), from labelled samples: every midpoint between observed values is tried; ties go to
 * the lower threshold (refusing less).
 */
export function calibrateRefusal(samples: readonly RefusalSample[]): { threshold: number; accuracy: number } {
  if (samples.length === 0) return { threshold: 0.5, accuracy: 0 };
  const values = [...new Set(samples.map((sample) => sample.evidence))].sort((left, right) => left - right);
  const candidates = [
    0,
    ...values.slice(1).map((value, index) => (value + (values[index] as number)) / 2),
    1.000001,
  ];
  let best = { threshold: 0.5, accuracy: -1 };
  for (const threshold of candidates) {
    const correct = samples.filter((sample) => sample.evidence >= threshold === sample.answerable).length;
    const accuracy = correct / samples.length;
    if (accuracy > best.accuracy + 1e-12) best = { threshold, accuracy };
  }
  return best;
}

import type { FusionWeights } from '../retriever/fusion-weights.js';
import type { RetrievalMetrics } from './metrics.js';
import { type EvaluationCorpus, fuseIds, metricsFor, type rankQuestions } from './retrieval-evaluation.js';

export interface FusionCalibration {
  weights: FusionWeights;
  metrics: RetrievalMetrics;
  /** Every weight tried with its objective and whether it kept up with BM25, for the record. */
  grid: { vector: number; objective: number; keepsUpWithBm25: boolean }[];
}

// From "the embedder only breaks ties" to "the embedder counts twice as much as BM25".
const vectorWeights = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.25, 1.5, 2];

const guarded = ['recall@1', 'recall@5', 'mrr@10'] as const;

/**
 * Picks the vector weight (lexical fixed at 1) for recall@1 + recall@5 + MRR@10 on the given
 * (calibration) questions, among the weights that are below BM25 alone on none of the three: a weight
 * that buys recall@5 with recall@1 would ship a hybrid that loses to BM25 at rank 1. Weight 0 keeps
 * BM25's order, so one always qualifies.
 *
 * Of the qualifying weights it takes the smallest whose objective is within one standard error of the
 * best one (the "one-standard-error rule" of model selection): on a calibration half, differences
 * of a few questions are noise, and a smaller weight is the safer one for unseen data. It does not
 * remove all risk: on XQuAD-en with two books as distractors, 0.6 beat smaller weights by more than
 * that on the calibration half (4 questions more at rank 1) and still lost 2 of 611 at rank 1 to
 * BM25 on the other half.
 */
export function calibrateFusion(
  _corpus: EvaluationCorpus,
  ranked: Awaited<ReturnType<typeof rankQuestions>>,
): FusionCalibration {
  const bm25 = metricsFor(ranked, (entry) => entry.lexical);
  const candidates: { weights: FusionWeights; metrics: RetrievalMetrics; scores: number[] }[] = [];
  const grid: FusionCalibration['grid'] = [];
  for (const vector of vectorWeights) {
    const weights = { lexical: 1, vector };
    const pick = (entry: (typeof ranked)[number]) => fuseIds(entry.lexical, entry.vector, weights);
    const metrics = metricsFor(ranked, pick);
    const objective = objectiveOf(metrics);
    const keepsUpWithBm25 = guarded.every((metric) => metrics[metric] >= bm25[metric] - 1e-9);
    grid.push({ vector, objective, keepsUpWithBm25 });
    if (keepsUpWithBm25)
      candidates.push({
        weights,
        metrics,
        scores: ranked.map((entry) => objectiveOf(metricsFor([entry], pick))),
      });
  }
  if (candidates.length === 0) return { weights: { lexical: 1, vector: 0 }, metrics: bm25, grid };
  const best = candidates.reduce((top, candidate) =>
    objectiveOf(candidate.metrics) > objectiveOf(top.metrics) + 1e-9 ? candidate : top,
  );
  const bestObjective = objectiveOf(best.metrics);
  // Candidates come in increasing weight order: the first within one standard error is the smallest.
  const chosen =
    candidates.find(
      (candidate) =>
        objectiveOf(candidate.metrics) >=
        bestObjective - standardErrorOfDifference(best.scores, candidate.scores) - 1e-9,
    ) ?? best;
  return { weights: chosen.weights, metrics: chosen.metrics, grid };
}

function objectiveOf(metrics: RetrievalMetrics): number {
  return metrics['recall@1'] + metrics['recall@5'] + metrics['mrr@10'];
}

/** The standard error of the mean of paired per-question differences. */
function standardErrorOfDifference(first: readonly number[], second: readonly number[]): number {
  const count = first.length;
  if (count < 2) return 0;
  const differences = first.map((value, index) => value - (second[index] ?? 0));
  const mean = differences.reduce((sum, value) => sum + value, 0) / count;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  return Math.sqrt(variance / count);
}

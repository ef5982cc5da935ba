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
 * Picks the vector weight (lexical fixed at 1) that maximises recall@1 + recall@5 + MRR@10 on the
 * given (calibration) questions, among the weights that are below BM25 alone on none of the three:
 * a weight that buys recall@5 with recall@1 would ship a hybrid that loses to BM25 at rank 1. Weight
 * 0 keeps BM25's order, so one always qualifies. Ties go to the smaller weight, the safer one for
 * unseen data.
 */
export function calibrateFusion(
  _corpus: EvaluationCorpus,
  ranked: Awaited<ReturnType<typeof rankQuestions>>,
): FusionCalibration {
  const bm25 = metricsFor(ranked, (entry) => entry.lexical);
  let best: { weights: FusionWeights; metrics: RetrievalMetrics; objective: number } | null = null;
  const grid: FusionCalibration['grid'] = [];
  for (const vector of vectorWeights) {
    const weights = { lexical: 1, vector };
    const metrics = metricsFor(ranked, (entry) => fuseIds(entry.lexical, entry.vector, weights));
    const objective = metrics['recall@1'] + metrics['recall@5'] + metrics['mrr@10'];
    const keepsUpWithBm25 = guarded.every((metric) => metrics[metric] >= bm25[metric] - 1e-9);
    grid.push({ vector, objective, keepsUpWithBm25 });
    if (keepsUpWithBm25 && (!best || objective > best.objective + 1e-9))
      best = { weights, metrics, objective };
  }
  const chosen = best ?? {
    weights: { lexical: 1, vector: 0 },
    metrics: bm25,
  };
  return { weights: chosen.weights, metrics: chosen.metrics, grid };
}

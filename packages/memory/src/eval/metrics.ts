/** One question's result: the passage ids in retrieved order (repeats allowed), and its judgements. */
export interface JudgedRanking {
  /** Passage id of each retrieved chunk, best first (null for a distractor chunk). */
  retrieved: readonly (string | null)[];
  /** Relevance by passage id (rel > 0), e.g. SQuAD's own paragraph → 1, Cranfield 5 − grade. */
  relevance: ReadonlyMap<string, number>;
}

export interface RetrievalMetrics {
  'recall@1': number;
  'recall@5': number;
  'recall@10': number;
  'mrr@10': number;
  'ndcg@10': number;
}

/** 1-based rank of the first relevant passage among the retrieved chunks, or null. */
export function firstRelevantRank(ranking: JudgedRanking): number | null {
  const index = ranking.retrieved.findIndex(
    (passage) => passage !== null && (ranking.relevance.get(passage) ?? 0) > 0,
  );
  return index < 0 ? null : index + 1;
}

/**
 * nDCG@10 with gain 2^rel − 1. A passage counts once, at the best rank of its chunks; the ideal
 * ordering comes from the question's judged passages.
 */
export function ndcgAt(ranking: JudgedRanking, k = 10): number {
  const seen = new Set<string>();
  let dcg = 0;
  ranking.retrieved.slice(0, k).forEach((passage, index) => {
    if (passage === null || seen.has(passage)) return;
    seen.add(passage);
    const relevance = ranking.relevance.get(passage) ?? 0;
    if (relevance > 0) dcg += (2 ** relevance - 1) / Math.log2(index + 2);
  });
  const ideal = [...ranking.relevance.values()]
    .filter((relevance) => relevance > 0)
    .sort((left, right) => right - left)
    .slice(0, k)
    .reduce((sum, relevance, index) => sum + (2 ** relevance - 1) / Math.log2(index + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

/** recall@1/5/10 (hit rate), MRR@10 and nDCG@10 averaged over questions (CONTRACTS.md). */
export function retrievalMetrics(rankings: readonly JudgedRanking[]): RetrievalMetrics {
  const count = Math.max(rankings.length, 1);
  const ranks = rankings.map(firstRelevantRank);
  const recall = (k: number) => ranks.filter((rank) => rank !== null && rank <= k).length / count;
  return {
    'recall@1': recall(1),
    'recall@5': recall(5),
    'recall@10': recall(10),
    'mrr@10':
      ranks.reduce<number>((sum, rank) => sum + (rank !== null && rank <= 10 ? 1 / rank : 0), 0) / count,
    'ndcg@10': rankings.reduce((sum, ranking) => sum + ndcgAt(ranking), 0) / count,
  };
}

/** Share of answers whose citations are all valid (see Scorer). */
export function citationValidity(results: readonly { valid: boolean }[]): number {
  return results.length === 0 ? 0 : results.filter((result) => result.valid).length / results.length;
}

/** Share of questions where the system refused exactly when it should have. */
export function refusalAccuracy(results: readonly { refused: boolean; answerable: boolean }[]): number {
  return results.length === 0
    ? 0
    : results.filter((result) => result.refused === !result.answerable).length / results.length;
}

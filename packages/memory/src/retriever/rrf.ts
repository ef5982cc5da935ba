export interface RankedList {
  /** Chunk ids, best first. */
  ids: readonly number[];
  weight: number;
}

export interface FusedHit {
  chunkId: number;
  score: number;
  /** 1-based rank in each list (null where absent). */
  ranks: (number | null)[];
}

/**
 * Weighted reciprocal-rank fusion: score(d) = Σ weight_i / (k + rank_i(d)), k = 60 (Cormack et al.,
 * 2009). Ids are deduplicated; ties keep the order of the first list, so a zero-weight list never
 * reorders anything.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], k = 60): FusedHit[] {
  const fused = new Map<number, FusedHit & { order: number }>();
  let order = 0;
  lists.forEach((list, listIndex) => {
    const seen = new Set<number>();
    let rank = 0;
    for (const id of list.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      rank++;
      let hit = fused.get(id);
      if (!hit) {
        hit = { chunkId: id, score: 0, ranks: lists.map(() => null), order: order++ };
        fused.set(id, hit);
      }
      hit.ranks[listIndex] = rank;
      hit.score += list.weight / (k + rank);
    }
  });
  return [...fused.values()]
    .sort((left, right) => right.score - left.score || left.order - right.order)
    .map(({ chunkId, score, ranks }) => ({ chunkId, score, ranks }));
}

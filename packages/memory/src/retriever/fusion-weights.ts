import type { Database } from 'better-sqlite3';

export interface FusionWeights {
  lexical: number;
  vector: number;
}

/**
 * Weights for an embedder nobody calibrated. RRF with k = 60 is flat at the top (ranks 1 and 2 differ
 * by 1/61 − 1/62 ≈ 0.00026), so a vector weight of 0.02 already reorders close lexical results, and
 * an unknown embedder may be weak (model2vec-tiny alone puts the right XQuAD passage first for 31 % of
 * the questions against BM25's 95 %). At 0.01 the vector list can only lift a chunk it ranks far
 * better than BM25 does, and add what BM25 missed below BM25's own hits: it cannot hurt much, and
 * `klody-eval calibrate` earns a strong embedder its real weight.
 */
export const defaultFusionWeights: FusionWeights = { lexical: 1, vector: 0.01 };

export interface StoredCalibration extends FusionWeights {
  embedderId: string;
  dimensions: number;
  refusalThreshold: number | null;
  details: Record<string, unknown>;
  updatedAt: number;
}

export function readCalibration(
  connection: Database,
  embedderId: string,
  dimensions: number,
): StoredCalibration | null {
  const row = connection
    .prepare('SELECT * FROM memory_fusion_weights WHERE embedder_id = ? AND dimensions = ?')
    .get(embedderId, dimensions) as
    | {
        embedder_id: string;
        dimensions: number;
        lexical_weight: number;
        vector_weight: number;
        refusal_threshold: number | null;
        details: string;
        updated_at: number;
      }
    | undefined;
  if (!row) return null;
  return {
    embedderId: row.embedder_id,
    dimensions: row.dimensions,
    lexical: row.lexical_weight,
    vector: row.vector_weight,
    refusalThreshold: row.refusal_threshold,
    details: JSON.parse(row.details) as Record<string, unknown>,
    updatedAt: row.updated_at,
  };
}

export function writeCalibration(
  connection: Database,
  calibration: Omit<StoredCalibration, 'updatedAt'>,
): void {
  connection
    .prepare(
      `INSERT INTO memory_fusion_weights (embedder_id, dimensions, lexical_weight, vector_weight, refusal_threshold, details, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (embedder_id, dimensions) DO UPDATE SET lexical_weight = excluded.lexical_weight,
         vector_weight = excluded.vector_weight, refusal_threshold = excluded.refusal_threshold,
         details = excluded.details, updated_at = excluded.updated_at`,
    )
    .run(
      calibration.embedderId,
      calibration.dimensions,
      calibration.lexical,
      calibration.vector,
      calibration.refusalThreshold,
      JSON.stringify(calibration.details),
      Date.now() / 1000,
    );
}

import type { Database } from 'better-sqlite3';
import { analyse, detectLanguage, type Language } from '../analysis/analyser.js';
import { readIndexStatistics } from '../store/index-statistics.js';

export interface EvidenceTerms {
  terms: string[];
  weights: number[];
  language: Language | null;
}

/** The question's analysed terms, each weighted by its IDF in the index (1 without a database). */
export function evidenceTerms(question: string, connection: Database | null): EvidenceTerms {
  const language = detectLanguage(question);
  const terms = [...new Set(analyse(question, { language }))];
  if (!connection) return { terms, weights: terms.map(() => 1), language };
  const count = Math.max(readIndexStatistics(connection).chunks, 1);
  const frequency = connection.prepare('SELECT doc FROM memory_fts_vocabulary WHERE term = ?').pluck();
  const weights = terms.map((term) => {
    // A word no chunk contains weighs twice the rarest indexed word: the library not holding a
    // question's word at all ("football", "1998" asked of novels) is a sign it does not cover the
    // question. Not more than that: one odd or misspelt word must not outweigh all the others.
    // (×1.5, ×2 and ×3 were tried on the tuning half of Library Brain's questions; see the README.)
    const found = (frequency.get(term) as number | undefined) ?? 0;
    const documents = Math.max(found, 1);
    const weight = Math.log(1 + (count - documents + 0.5) / (documents + 0.5));
    return found === 0 ? weight * 2 : weight;
  });
  return { terms, weights, language };
}

/**
 * How much of the question a text covers: the IDF-weighted share of the question's terms found in
 * it, in [0, 1]. Unlike BM25 scores it does not depend on the corpus size, so one threshold holds
 * for a small and a large library, and it can be calibrated on labelled questions.
 */
export function coverage(evidence: EvidenceTerms, text: string): number {
  const total = evidence.weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) return 0;
  const present = new Set(analyse(text, { language: evidence.language }));
  let found = 0;
  evidence.terms.forEach((term, index) => {
    if (present.has(term)) found += evidence.weights[index] as number;
  });
  return found / total;
}

import { createAnswerer } from '../answer/answerer.js';
import { createHybridRetriever } from '../retriever/hybrid-retriever.js';
import type { LabelledQuestion } from './datasets.js';
import { citationValidity, refusalAccuracy } from './metrics.js';
import type { EvaluationCorpus } from './retrieval-evaluation.js';

export interface AnswerEvaluation {
  /** Share of answers whose citations all point at supplied passages and whose quotes exist. */
  citationValidity: number;
  /** Share of questions refused exactly when their passages were withheld. */
  refusalAccuracy: number;
  /** Share of answerable questions whose answer cites the gold passage. */
  goldCited: number;
  questions: number;
}

/**
 * Runs the answerer (extractive unless a generator is configured) on every question twice: with
 * the whole corpus (answerable) and with the question's passages — for SQuAD, its whole article —
 * filtered out (unanswerable). Scores citations, refusals and whether the gold passage is cited.
 */
export async function evaluateAnswers(
  corpus: EvaluationCorpus,
  questions: readonly LabelledQuestion[],
  options: { refusalThreshold?: number } = {},
): Promise<AnswerEvaluation> {
  const connection = corpus.database.getConnection();
  const sources = connection.prepare('SELECT id, uri FROM memory_sources').all() as {
    id: number;
    uri: string;
  }[];
  const answerer = createAnswerer({
    retriever: createHybridRetriever({ database: corpus.database, embedder: corpus.embedder }),
    database: corpus.database,
    refusalThreshold: options.refusalThreshold,
  });
  const article = (passage: string) => passage.split('.')[0] as string;
  const validity: { valid: boolean }[] = [];
  const refusals: { refused: boolean; answerable: boolean }[] = [];
  let goldCited = 0;
  for (const question of questions) {
    const answer = await answerer.answer(question.text);
    refusals.push({ refused: answer.refused, answerable: true });
    if (answer.score) validity.push({ valid: answer.score.valid });
    if (
      answer.citations.some((citation) =>
        question.relevance.has(corpus.passageOfUri.get(citation.sourceUri) ?? ''),
      )
    ) {
      goldCited++;
    }
    const excluded = new Set([...question.relevance.keys()].map(article));
    const allowed = sources
      .filter((source) => {
        const passage = corpus.passageOfUri.get(source.uri);
        return passage === undefined || !excluded.has(article(passage));
      })
      .map((source) => source.id);
    const withheld = await answerer.answer(question.text, { filter: { sourceIds: allowed } });
    refusals.push({ refused: withheld.refused, answerable: false });
    if (withheld.score) validity.push({ valid: withheld.score.valid });
  }
  return {
    citationValidity: citationValidity(validity),
    refusalAccuracy: refusalAccuracy(refusals),
    goldCited: questions.length === 0 ? 0 : goldCited / questions.length,
    questions: questions.length,
  };
}

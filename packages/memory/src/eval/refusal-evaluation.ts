import { calibrateRefusal, type RefusalSample } from '../answer/calibrate-refusal.js';
import { coverage, evidenceTerms } from '../answer/evidence.js';
import { runSearch } from '../retriever/search.js';
import type { LabelledQuestion } from './datasets.js';
import { refusalAccuracy } from './metrics.js';
import type { EvaluationCorpus } from './retrieval-evaluation.js';

/**
 * Evidence samples for refusal calibration from a labelled set: each question once with the whole
 * corpus (answerable), and once with its relevant passages — and, for SQuAD, every paragraph of the
 * same article — filtered out (unanswerable, as far as the set knows).
 */
export function refusalSamples(
  corpus: EvaluationCorpus,
  questions: readonly LabelledQuestion[],
): RefusalSample[] {
  const connection = corpus.database.getConnection();
  const sources = connection.prepare('SELECT id, uri FROM memory_sources').all() as {
    id: number;
    uri: string;
  }[];
  const article = (passage: string) => passage.split('.')[0] as string;
  const samples: RefusalSample[] = [];
  for (const question of questions) {
    const evidence = evidenceTerms(question.text, connection);
    const best = (sourceIds: number[] | null) => {
      const chunks = runSearch(connection, {
        mode: 'lexical',
        text: question.text,
        vector: null,
        embedderId: null,
        limit: 3,
        neighbours: 0,
        filter: sourceIds ? { sourceIds } : undefined,
      });
      return chunks.reduce((value, chunk) => Math.max(value, coverage(evidence, chunk.text)), 0);
    };
    samples.push({ evidence: best(null), answerable: true });
    const excluded = new Set([...question.relevance.keys()].map(article));
    const allowed = sources
      .filter((source) => {
        const passage = corpus.passageOfUri.get(source.uri);
        return passage === undefined || !excluded.has(article(passage));
      })
      .map((source) => source.id);
    samples.push({ evidence: best(allowed), answerable: false });
  }
  return samples;
}

export interface RefusalCalibration {
  threshold: number;
  calibrationAccuracy: number;
  holdoutAccuracy: number;
}

/** Fits the refusal threshold on one half of the questions and reports refusal accuracy on the other. */
export function calibrateRefusalOnSet(
  corpus: EvaluationCorpus,
  calibration: readonly LabelledQuestion[],
  holdout: readonly LabelledQuestion[],
): RefusalCalibration {
  const fitted = calibrateRefusal(refusalSamples(corpus, calibration));
  const held = refusalSamples(corpus, holdout).map((sample) => ({
    refused: sample.evidence < fitted.threshold,
    answerable: sample.answerable,
  }));
  return {
    threshold: fitted.threshold,
    calibrationAccuracy: fitted.accuracy,
    holdoutAccuracy: refusalAccuracy(held),
  };
}

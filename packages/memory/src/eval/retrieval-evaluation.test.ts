import { describe, expect, it } from 'vitest';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { evaluateAnswers } from './answer-evaluation.js';
import type { LabelledSet } from './datasets.js';
import { calibrateRefusalOnSet, refusalSamples } from './refusal-evaluation.js';
import {
  buildEvaluationCorpus,
  evaluate,
  fuseIds,
  liveHybridIds,
  rankQuestions,
} from './retrieval-evaluation.js';

const topics = [
  'lighthouse keeper lamp',
  'whale ship harpoon',
  'bread flour oven',
  'train station ticket',
  'garden rose water',
];
const set: LabelledSet = {
  passages: topics.map((topic, index) => ({
    id: String(index),
    title: null,
    // The passages hold the questions' wording ("tell"), as a real library does: a word no passage
    // holds weighs twice the rarest in the refusal evidence, and this test checks the evaluation's
    // arithmetic, not that policy (evidence.test.ts does).
    text: `All we can tell about ${topic}: ${topic} again.`,
  })),
  questions: topics.flatMap((topic, index) => [
    {
      id: `q${index}a`,
      text: `Tell me about the ${topic.split(' ')[0]}`,
      relevance: new Map([[String(index), 1]]),
    },
    {
      id: `q${index}b`,
      text: `${topic.split(' ')[2]} and ${topic.split(' ')[1]}`,
      relevance: new Map([[String(index), 1]]),
    },
  ]),
};

describe('retrieval evaluation', () => {
  it('recomputes the fusion exactly as the live hybrid retriever ranks', async () => {
    const corpus = await buildEvaluationCorpus({ set, embedder: createFakeEmbedder({ dimensions: 16 }) });
    try {
      const ranked = await rankQuestions(corpus, set.questions);
      const weights = { lexical: 1, vector: 0.7 };
      for (const entry of ranked) {
        const live = await liveHybridIds(corpus, entry.question, weights);
        expect(fuseIds(entry.lexical, entry.vector, weights).slice(0, 10)).toEqual(live);
      }
      const result = evaluate(corpus, ranked, weights);
      expect(result.bm25['recall@1']).toBe(1);
      expect(result.questions).toBe(10);
      expect(result.passages).toBe(5);
    } finally {
      corpus.database.close();
    }
  });

  it('calibrates refusal on questions with and without their passage', async () => {
    const corpus = await buildEvaluationCorpus({ set, embedder: null });
    try {
      const samples = refusalSamples(corpus, set.questions);
      expect(samples).toHaveLength(20);
      // Samples come in pairs: a question with its passage has more evidence than without it.
      for (let index = 0; index < samples.length; index += 2) {
        expect(samples[index]?.answerable).toBe(true);
        expect(samples[index + 1]?.answerable).toBe(false);
        expect(samples[index]?.evidence).toBeGreaterThan(samples[index + 1]?.evidence as number);
      }
      const calibration = calibrateRefusalOnSet(corpus, set.questions.slice(0, 5), set.questions.slice(5));
      expect(calibration.holdoutAccuracy).toBeGreaterThanOrEqual(0.8);
    } finally {
      corpus.database.close();
    }
  });

  it('scores the answerer: valid citations, refusals when the passages are withheld, gold cited', async () => {
    const corpus = await buildEvaluationCorpus({ set, embedder: null });
    try {
      const result = await evaluateAnswers(corpus, set.questions);
      expect(result.questions).toBe(10);
      expect(result.citationValidity).toBe(1);
      expect(result.goldCited).toBeGreaterThanOrEqual(0.8);
      expect(result.refusalAccuracy).toBeGreaterThanOrEqual(0.8);
    } finally {
      corpus.database.close();
    }
  });
});

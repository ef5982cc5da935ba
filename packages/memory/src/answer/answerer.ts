import { MemoryError, throwIfAborted } from '../errors/index.js';
import type { Generator } from '../generator/generator.js';
import type { AnswerLanguage, NumberedPassage, PromptBuilder } from '../prompt/prompt-builder.js';
import { createSourcesPromptBuilder, refusalSentences } from '../prompt/sources-prompt-builder.js';
import { rerankWithinBudget } from '../reranker/rerank-within-budget.js';
import type { Reranker } from '../reranker/reranker.js';
import type { RetrievalFilter, Retriever } from '../retriever/retriever.js';
import { createCitationScorer } from '../scorer/citation-scorer.js';
import type { AnswerScore, Scorer } from '../scorer/scorer.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { defaultRefusalThreshold } from './calibrate-refusal.js';
import {
  type CrossLingualEvidence,
  type EvidenceBasis,
  measureEvidence,
  type QuestionTranslation,
  retrieveAcrossLanguages,
  similarSentences,
} from './cross-lingual-evidence.js';
import { echoesInstructions } from './echoed-instructions.js';
import { extractiveAnswer } from './extractive-answer.js';

export interface Citation {
  number: number;
  chunkId: number;
  sourceId: number;
  sourceUri: string;
  sourceTitle: string | null;
  /** The nearest heading above the passage (a chapter), when the source has headings. */
  heading: string | null;
  /** Offsets into the source's normalized text. */
  start: number;
  end: number;
  text: string;
}

/** Why a generated answer was replaced by the extractive one (`fallbackToExtractive`). */
export interface AnswerFallback {
  /**
   * `generator_failed`: the generator failed (unreachable, a bad answer, a time limit);
   * `uncited_answer`: its answer cited no passage; `invalid_citation`: its answer cited a passage it
   * was not given (`[7]` with five passages) or quoted text that is in none of the passages;
   * `echoed_prompt`: its answer repeats the instructions instead of answering (their example
   * citations cite nothing).
   */
  reason: 'generator_failed' | 'uncited_answer' | 'invalid_citation' | 'echoed_prompt';
  message: string;
  /** The generator's error when it failed (a MemoryError; its cause tells a time limit), else null. */
  error: MemoryError | null;
}

export interface Answer {
  text: string;
  language: AnswerLanguage;
  mode: 'generated' | 'extractive' | 'refusal';
  refused: boolean;
  /** The passages the answer was built from, numbered as in the text. */
  citations: Citation[];
  /** Question coverage of the best passage, in [0, 1]; compared with the refusal threshold. */
  evidence: number;
  /** What the evidence was measured with: the question's terms, its translation's, or vector similarity. */
  evidenceBasis: EvidenceBasis;
  score: AnswerScore | null;
  rerank: 'done' | 'no_reranker' | 'timeout' | 'error';
  /** Set when the generated answer was replaced by the extractive one; null otherwise. */
  fallback: AnswerFallback | null;
}

export interface AnswererOptions {
  retriever: Retriever;
  /** For IDF weights of the evidence score (optional; without it every term weighs the same). */
  database?: MemoryDatabase | null;
  reranker?: Reranker | null;
  /** Reranking past this many ms is abandoned and the fused order kept (default 2,000). */
  rerankBudgetMs?: number;
  promptBuilder?: PromptBuilder;
  /** Null or absent: extractive answers. */
  generator?: Generator | null;
  scorer?: Scorer;
  /** Below this evidence the answer is a refusal (default `defaultRefusalThreshold`, 0.45; calibrate with `calibrateRefusal`). */
  refusalThreshold?: number;
  /** Chunks retrieved (default 8). */
  limit?: number;
  /**
   * When the generator fails, answers without citing any supplied passage (and without refusing),
   * cites wrongly (an `[n]` naming no supplied passage, a quote found in none of them), or repeats
   * the instructions instead of answering, answer
   * extractively from the same passages instead and say why in `fallback`.
   * Default false: the generator's error is thrown, and an uncited or wrongly cited answer is
   * returned as generated, with its `score` saying what is wrong (its `citations` list only the
   * supplied passages it names).
   * A cancelled `signal` is never a fallback: it throws `aborted`.
   */
  fallbackToExtractive?: boolean;
  /**
   * Evidence for passages in another language than the question's by a multilingual embedder's
   * cosine (see `CrossLingualEvidence`); absent: such passages are measured by words only.
   */
  crossLingual?: CrossLingualEvidence | null;
}

export interface AnswerOptions {
  signal?: AbortSignal;
  filter?: RetrievalFilter;
  /**
   * The question in the other language (validated): retrieval runs on both, fused, and passages in
   * its language are measured by its terms.
   */
  translation?: QuestionTranslation | null;
  /** Called with each piece of generated text as it streams. */
  onText?: (piece: string) => void;
  /**
   * Called when a generated answer is abandoned for the extractive one (`fallbackToExtractive`),
   * before the extractive text goes to `onText`: the text streamed so far is to be discarded.
   */
  onFallback?: (fallback: AnswerFallback) => void;
}

export interface Answerer {
  answer(question: string, options?: AnswerOptions): Promise<Answer>;
}

/** A quote cut to a readable length for a message. */
const shorten = (quote: string) => (quote.length > 60 ? `${quote.slice(0, 60)}…` : quote);

const toCitation = (passage: NumberedPassage): Citation => ({
  number: passage.number,
  chunkId: passage.chunk.chunkId,
  sourceId: passage.chunk.sourceId,
  sourceUri: passage.chunk.sourceUri,
  sourceTitle: passage.chunk.sourceTitle,
  heading: passage.chunk.heading,
  start: passage.chunk.start,
  end: passage.chunk.end,
  text: passage.chunk.text,
});

/**
 * retrieve → rerank (within budget) → refuse when the evidence is weak → build the prompt →
 * generate and score; with no generator, the best sentences of the passages, cited.
 */
export function createAnswerer(options: AnswererOptions): Answerer {
  const promptBuilder = options.promptBuilder ?? createSourcesPromptBuilder();
  const scorer = options.scorer ?? createCitationScorer();
  const threshold = options.refusalThreshold ?? defaultRefusalThreshold;
  return {
    async answer(question, answerOptions = {}) {
      const { signal } = answerOptions;
      const retrieved = await retrieveAcrossLanguages(
        options.retriever,
        { text: question, limit: options.limit ?? 8, filter: answerOptions.filter, signal },
        {
          translation: answerOptions.translation,
          otherLanguage: Boolean(options.crossLingual),
          connection: options.database?.getConnection() ?? null,
        },
      );
      const reranked = await rerankWithinBudget(options.reranker, question, retrieved, {
        budgetMs: options.rerankBudgetMs ?? 2_000,
        signal,
      });
      throwIfAborted(signal);
      const measured = await measureEvidence({
        question,
        chunks: reranked.chunks,
        connection: options.database?.getConnection() ?? null,
        translation: answerOptions.translation,
        crossLingual: options.crossLingual,
        refusalThreshold: threshold,
        signal,
      });
      const { evidence, terms: evidenceWeights, basis: evidenceBasis } = measured;
      const prompt = promptBuilder.build(question, measured.chunks);
      const rerank = reranked.skipped ?? 'done';
      const refusal = (fallback: AnswerFallback | null): Answer => {
        const text = refusalSentences[prompt.language];
        if (fallback) answerOptions.onFallback?.(fallback);
        answerOptions.onText?.(text);
        return {
          text,
          language: prompt.language,
          mode: 'refusal',
          refused: true,
          citations: [],
          evidence,
          evidenceBasis,
          score: null,
          rerank,
          fallback,
        };
      };
      if (evidence < threshold || prompt.passages.length === 0) return refusal(null);
      // Without a translation, the question's words are not in the passages' language: the
      // sentences are chosen by the multilingual embedder instead.
      const similar =
        measured.crossLingual && !answerOptions.translation && options.crossLingual
          ? await similarSentences(options.crossLingual.embedder, question, prompt.passages, { signal })
          : null;
      const extractive = (fallback: AnswerFallback | null): Answer => {
        const extracted =
          similar && similar.sentences.length > 0
            ? similar
            : extractiveAnswer(evidenceWeights, prompt.passages);
        // No sentence holds the question's words (evidence measured otherwise, by a translation or
        // a similarity): an empty answer would pass for one; it is a refusal.
        if (extracted.sentences.length === 0) return refusal(fallback);
        const cited = new Set(extracted.sentences.map((sentence) => sentence.number));
        const citations = prompt.passages.filter((passage) => cited.has(passage.number)).map(toCitation);
        if (fallback) answerOptions.onFallback?.(fallback);
        answerOptions.onText?.(extracted.text);
        return {
          text: extracted.text,
          language: prompt.language,
          mode: 'extractive',
          refused: false,
          citations,
          evidence,
          evidenceBasis,
          score: scorer.score(extracted.text, prompt.passages),
          rerank,
          fallback,
        };
      };
      if (!options.generator) return extractive(null);
      let text = '';
      try {
        if (answerOptions.onText) {
          for await (const piece of options.generator.stream(prompt.messages, { signal })) {
            text += piece;
            answerOptions.onText(piece);
          }
        } else {
          text = await options.generator.generate(prompt.messages, { signal });
        }
      } catch (error) {
        if (!options.fallbackToExtractive || signal?.aborted) throw error;
        if (MemoryError.isInstance(error) && error.code === 'aborted') throw error;
        const failure = MemoryError.isInstance(error)
          ? error
          : new MemoryError('generator_failed', error instanceof Error ? error.message : String(error), {
              cause: error,
            });
        return extractive({ reason: 'generator_failed', message: failure.message, error: failure });
      }
      const score = scorer.score(text, prompt.passages);
      const refused = score.refusal && score.citations.length === 0;
      if (options.fallbackToExtractive) {
        if (echoesInstructions(text, prompt.messages)) {
          return extractive({
            reason: 'echoed_prompt',
            message: 'the generated answer repeats the instructions instead of answering',
            error: null,
          });
        }
        // The scorer's verdict decides what is shown: a wrong citation is never passed off as a
        // valid one, even beside right ones, since a reader cannot tell which is which.
        if (score.invalidCitations.length > 0 || score.unsupportedQuotes.length > 0) {
          const problems = [
            ...score.invalidCitations.map((number) => `[${number}] names no passage it was given`),
            ...score.unsupportedQuotes.map(
              (quote) => `the quote "${shorten(quote)}" is in none of the passages`,
            ),
          ];
          return extractive({
            reason: 'invalid_citation',
            message: `the generated answer cited wrongly: ${problems.join('; ')}`,
            error: null,
          });
        }
        if (!refused && score.citations.length === 0) {
          return extractive({
            reason: 'uncited_answer',
            message: 'the generated answer cited none of the passages',
            error: null,
          });
        }
      }
      const cited = new Set(score.citations);
      return {
        text,
        language: prompt.language,
        mode: refused ? 'refusal' : 'generated',
        refused,
        citations: prompt.passages.filter((passage) => cited.has(passage.number)).map(toCitation),
        evidence,
        evidenceBasis,
        score,
        rerank,
        fallback: null,
      };
    },
  };
}

import { detectLanguage } from '../analysis/analyser.js';
import type { RetrievedChunk } from '../retriever/retriever.js';
import { estimateTokens } from '../text/tokens.js';
import type { AnswerLanguage, BuiltPrompt, NumberedPassage, PromptBuilder } from './prompt-builder.js';

/** The sentence a model must write when the sources do not answer, per language. */
export const refusalSentences: Record<AnswerLanguage, string> = {
  en: 'The sources do not contain the answer.',
  fr: 'Les sources ne contiennent pas la réponse.',
};

const instructions: Record<AnswerLanguage, (refusal: string) => string> = {
  en: (refusal) =>
    [
      'You answer questions using only the numbered sources given by the user.',
      'Cite every statement with the number of its source in square brackets, e.g. [1] or [2][3].',
      'Quote the sources exactly when you quote them, between double quotes.',
      `If the sources do not contain the answer, reply exactly: "${refusal}"`,
      'Do not use any other knowledge. Answer in English.',
    ].join('\n'),
  fr: (refusal) =>
    [
      "Tu réponds aux questions uniquement à partir des sources numérotées fournies par l'utilisateur.",
      'Cite chaque affirmation avec le numéro de sa source entre crochets, par exemple [1] ou [2][3].',
      'Quand tu cites une source, recopie-la exactement, entre guillemets.',
      `Si les sources ne contiennent pas la réponse, réponds exactement : « ${refusal} »`,
      "N'utilise aucune autre connaissance. Réponds en français.",
    ].join('\n'),
};

const labels: Record<AnswerLanguage, { sources: string; question: string }> = {
  en: { sources: 'Sources', question: 'Question' },
  fr: { sources: 'Sources', question: 'Question' },
};

export interface SourcesPromptBuilderOptions {
  /** Most estimated tokens for the whole prompt (default 3,000). */
  maxTokens?: number;
  /** Force a language; default: the question's (French or English, English when unsure). */
  language?: AnswerLanguage;
}

function describe(chunk: RetrievedChunk): string {
  const parts = [chunk.sourceTitle, chunk.heading].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? ` (${parts.join(' — ')})` : '';
}

/**
 * Numbered sources within a token budget and an instruction to answer only from them, in the
 * question's language. Passages are kept whole (so quotes can be checked); one that does not fit is
 * left out and smaller later ones may still go in.
 */
export function createSourcesPromptBuilder(options: SourcesPromptBuilderOptions = {}): PromptBuilder {
  const maxTokens = options.maxTokens ?? 3_000;
  return {
    build(question, chunks) {
      const language = options.language ?? detectLanguage(question) ?? 'en';
      const system = instructions[language](refusalSentences[language]);
      const questionBlock = `${labels[language].question}: ${question}`;
      let used = estimateTokens(system) + estimateTokens(questionBlock) + 16;
      const passages: NumberedPassage[] = [];
      const blocks: string[] = [];
      for (const chunk of chunks) {
        const block = `[${passages.length + 1}]${describe(chunk)}\n${chunk.text}`;
        const cost = estimateTokens(block) + 2;
        if (used + cost > maxTokens) continue;
        used += cost;
        passages.push({ number: passages.length + 1, chunk });
        blocks.push(block);
      }
      const user = `${labels[language].sources}:\n\n${blocks.join('\n\n')}\n\n${questionBlock}`;
      const prompt: BuiltPrompt = {
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        passages,
        language,
        tokens: used,
      };
      return prompt;
    },
  };
}

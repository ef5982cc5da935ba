import type { ChatMessage } from '../generator/chat-message.js';
import type { RetrievedChunk } from '../retriever/retriever.js';

export type AnswerLanguage = 'fr' | 'en';

/** A passage as the model sees it: its number in the prompt is `number` ([1], [2]…). */
export interface NumberedPassage {
  number: number;
  chunk: RetrievedChunk;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  passages: NumberedPassage[];
  language: AnswerLanguage;
  /** Estimated tokens of the whole prompt. */
  tokens: number;
}

/** Question and passages in, chat messages with numbered sources within a token budget out. */
export interface PromptBuilder {
  build(question: string, chunks: readonly RetrievedChunk[]): BuiltPrompt;
}

export type { AnswerLanguage, BuiltPrompt, NumberedPassage, PromptBuilder } from './prompt-builder.js';
export {
  createSourcesPromptBuilder,
  refusalSentences,
  type SourcesPromptBuilderOptions,
} from './sources-prompt-builder.js';

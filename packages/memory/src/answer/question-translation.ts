import { detectLanguage, type Language, removeDiacritics, tokenize } from '../analysis/analyser.js';
import type { ChatMessage } from '../generator/chat-message.js';

const languageNames: Record<Language, Record<Language, string>> = {
  en: { en: 'English', fr: 'French' },
  fr: { en: 'anglais', fr: 'français' },
};

/**
 * Two generic examples (no book, no library): a small or base model follows a shown pattern far
 * better than an instruction alone.
 */
const examples: Record<Language, string>[] = [
  { en: 'Where is the train station?', fr: 'Où se trouve la gare ?' },
  {
    en: 'Why is the captain angry with his crew?',
    fr: 'Pourquoi le capitaine est-il en colère contre son équipage ?',
  },
];

/** The chat messages asking a model to translate a question from one language into the other. */
export function translationMessages(question: string, from: Language, to: Language): ChatMessage[] {
  const prompt = (text: string) =>
    `Translate this ${languageNames.en[from]} question into ${languageNames.en[to]}: ${text}`;
  return [
    {
      role: 'system',
      content: `You translate questions from ${languageNames.en[from]} into ${languageNames.en[to]}. Reply with the translated question only, on one line, without explanation.`,
    },
    ...examples.flatMap((example): ChatMessage[] => [
      { role: 'user', content: prompt(example[from]) },
      { role: 'assistant', content: example[to] },
    ]),
    { role: 'user', content: prompt(question) },
  ];
}

/**
 * Why a model's output is not used as the translation:
 * - `empty`: nothing but white space, quotes or a label;
 * - `too_long`: far longer than the question (a model continuing the text, or explaining);
 * - `echo`: the question itself, or nearly (the model repeated it);
 * - `wrong_language`: not recognisably in the target language;
 * - `prompt_echo`: it repeats the instructions or the examples.
 */
export type TranslationRejection = 'empty' | 'too_long' | 'echo' | 'wrong_language' | 'prompt_echo';

export type TranslationCheck =
  | { accepted: true; text: string }
  | { accepted: false; reason: TranslationRejection; message: string };

// Labels a model may put before its answer ("French: …", "Traduction : …", "Answer: …").
const leadingLabel =
  /^\s*(?:[*_#>-]+\s*)?(?:translation|traduction|english|french|anglais|français|answer|réponse|question)\s*(?:\([^)]*\))?\s*:\s*/iu;
const surroundingQuotes = /^["'«“”‘’\s]+|["'»“”‘’\s]+$/gu;

/** The first line of the output without a label or quotes: what a translation would be. */
export function cleanTranslation(output: string): string {
  const line = output
    .split(/\r?\n/)
    .map((part) => part.trim())
    .find((part) => part.replace(leadingLabel, '').replace(surroundingQuotes, '').length > 0);
  if (!line) return '';
  return line.replace(leadingLabel, '').replace(surroundingQuotes, '').replace(/\s+/g, ' ').trim();
}

const words = (text: string) => tokenize(removeDiacritics(text.toLowerCase()));

/** The share of the translation's words that are also the question's words, in [0, 1]. */
function sharedWordShare(question: string, translation: string): number {
  const questionWords = new Set(words(question));
  const translationWords = words(translation);
  if (translationWords.length === 0) return 0;
  return translationWords.filter((word) => questionWords.has(word)).length / translationWords.length;
}

/**
 * Whether a model's output can stand for the question in the target language. A small or base
 * model often continues the prompt, repeats the question, answers it, or writes nothing: such an
 * output is rejected with its reason, never passed on as a translation.
 */
export function checkTranslation(question: string, output: string, target: Language): TranslationCheck {
  let text = cleanTranslation(output);
  // A question's translation ends at its question mark: what follows is the model going on.
  if (/[?？]\s*$/u.test(question)) text = text.replace(/([?？]).*$/u, '$1');
  if (text.length === 0 || words(text).length === 0)
    return { accepted: false, reason: 'empty', message: 'the model returned no translation' };
  const questionWords = Math.max(words(question).length, 1);
  if (words(text).length > questionWords * 2 + 6 || text.length > question.length * 3 + 40)
    return {
      accepted: false,
      reason: 'too_long',
      message: `the model's output has ${words(text).length} words for a question of ${questionWords}`,
    };
  const instructionWords = /\b(?:translate|translation|tradui[rst]e?|traduction)\b/iu;
  const exampleTexts = examples.flatMap((example) => [example.en, example.fr]);
  if (
    (instructionWords.test(text) && !instructionWords.test(question)) ||
    exampleTexts.some((example) => sharedWordShare(example, text) >= 0.8)
  )
    return {
      accepted: false,
      reason: 'prompt_echo',
      message: 'the model repeated its instructions or examples',
    };
  // Names and numbers stay the same in both languages; most of the other words must change.
  if (sharedWordShare(question, text) >= 0.7)
    return {
      accepted: false,
      reason: 'echo',
      message: 'the model repeated the question instead of translating it',
    };
  const language = detectLanguage(text);
  if (language !== target)
    return {
      accepted: false,
      reason: 'wrong_language',
      message: `the model's output is ${language === null ? 'in no recognisable language' : `in ${languageNames.en[language]}`}, not ${languageNames.en[target]}`,
    };
  return { accepted: true, text };
}

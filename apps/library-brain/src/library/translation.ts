import {
  checkTranslation,
  type Generator,
  type Language,
  type MemoryDatabase,
  MemoryError,
  type TranslationRejection,
  translationMessages,
} from '@klody/memory';

/**
 * Why a question was not translated although it was to be:
 * - a `TranslationRejection` (`empty`, `too_long`, `echo`, `wrong_language`, `prompt_echo`): the
 *   chat model answered, but not with a usable translation;
 * - `gateway_error`: the chat model failed or was too slow (not cached: asked again next time).
 */
export type TranslationFailure = TranslationRejection | 'gateway_error';

export interface TranslationResult {
  /** The validated translation; null when the model's output was rejected or the call failed. */
  text: string | null;
  language: Language;
  /** Whether the result came from the database (the model was not asked again). */
  cached: boolean;
  failure: { code: TranslationFailure; message: string } | null;
}

/** The chat model to translate with, and its name (the cache's key). */
export interface TranslationModel {
  generator: Generator;
  model: string;
}

export interface QuestionTranslator {
  /** `chat` null: no chat model is usable now (reported as `gateway_error`, nothing cached). */
  translate(
    chat: TranslationModel | null,
    question: string,
    from: Language,
    to: Language,
    options?: { signal?: AbortSignal },
  ): Promise<TranslationResult>;
}

const translationsTable = `
  CREATE TABLE IF NOT EXISTS library_translations (
    question TEXT NOT NULL,
    target TEXT NOT NULL,
    model TEXT NOT NULL,
    translation TEXT,
    rejection TEXT,
    message TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (question, target, model)
  ) WITHOUT ROWID`;

// A question is a line or two: its translation needs few tokens, and a model continuing the
// text is cut short.
const translationTokens = 64;

/**
 * Translates questions through the chat model, once each: the result — a checked translation or
 * the reason the model's output was rejected — is kept in Library Brain's database by question
 * text, target language and model, so the same question never reaches the model twice. A failed
 * call (gateway down, too slow) is not kept: it is tried again on the next question.
 */
export function createQuestionTranslator(options: { database: MemoryDatabase }): QuestionTranslator {
  const connection = options.database.getConnection();
  connection.exec(translationsTable);
  const read = connection.prepare(
    'SELECT translation, rejection, message FROM library_translations WHERE question = ? AND target = ? AND model = ?',
  );
  const write = connection.prepare(
    'INSERT OR REPLACE INTO library_translations (question, target, model, translation, rejection, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    async translate(chat, question, from, to, translateOptions = {}) {
      if (!chat)
        return {
          text: null,
          language: to,
          cached: false,
          failure: { code: 'gateway_error', message: 'no chat model is usable to translate the question' },
        };
      const key = question.trim();
      const row = read.get(key, to, chat.model) as
        | { translation: string | null; rejection: TranslationRejection | null; message: string | null }
        | undefined;
      if (row)
        return {
          text: row.translation,
          language: to,
          cached: true,
          failure: row.rejection ? { code: row.rejection, message: row.message ?? row.rejection } : null,
        };
      let output: string;
      try {
        output = await chat.generator.generate(translationMessages(key, from, to), {
          signal: translateOptions.signal,
          maxTokens: translationTokens,
          temperature: 0,
        });
      } catch (error) {
        if (translateOptions.signal?.aborted || (MemoryError.isInstance(error) && error.code === 'aborted'))
          throw error;
        // The model answered with nothing (memory's generator reports it as a failure): that is an
        // answer, kept like any other rejected output.
        if (MemoryError.isInstance(error) && /returned an empty answer$/.test(error.message)) {
          const message = 'the model returned no translation';
          write.run(key, to, chat.model, null, 'empty', message, Date.now());
          return { text: null, language: to, cached: false, failure: { code: 'empty', message } };
        }
        return {
          text: null,
          language: to,
          cached: false,
          failure: {
            code: 'gateway_error',
            message: `the chat model could not translate the question (${error instanceof Error ? error.message : String(error)})`,
          },
        };
      }
      const check = checkTranslation(key, output, to);
      if (check.accepted) {
        write.run(key, to, chat.model, check.text, null, null, Date.now());
        return { text: check.text, language: to, cached: false, failure: null };
      }
      write.run(key, to, chat.model, null, check.reason, check.message, Date.now());
      return {
        text: null,
        language: to,
        cached: false,
        failure: { code: check.reason, message: check.message },
      };
    },
  };
}

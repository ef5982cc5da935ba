import {
  type CrossLingualEvidence,
  detectLanguage,
  type Embedder,
  embedsAcrossLanguages,
  type Language,
  type MemoryDatabase,
  type QuestionTranslation,
} from '@klody/memory';
import type { QuestionTranslator, TranslationModel, TranslationResult } from './translation.js';

/**
 * The cosine (question's vector, passage's vector) from which a passage in the other language counts
 * as evidence, for multilingual-e5-small through the gateway: memory's `calibrateRefusal` over 20
 * cross-lingual questions about the first chapters of Alice in Wonderland and Candide (12 answerable:
 * best cosines 0.784–0.850; 8 unanswerable: 0.746–0.778) gave 0.7807, separating them all — a narrow
 * margin. test/cross-lingual-e5.test.ts holds those questions, calibrates again and checks this value
 * on other questions. Another multilingual embedder has other cosines: calibrate it the same way.
 */
export const crossLingualSimilarityThreshold = 0.781;

const languageNames: Record<Language, Record<Language, string>> = {
  en: { en: 'English', fr: 'French' },
  fr: { en: 'anglais', fr: 'français' },
};

/** The languages the library's books were detected in at ingestion. */
export function libraryLanguages(database: MemoryDatabase, sourceIds?: readonly number[]): Set<Language> {
  const connection = database.getConnection();
  // Limited to some books (a filter): only their languages count, so a question limited to English
  // books is not told that "some of the books are in French".
  const rows = (
    sourceIds
      ? connection
          .prepare(
            'SELECT DISTINCT language FROM memory_sources WHERE language IS NOT NULL AND id IN (SELECT value FROM json_each(?))',
          )
          .pluck()
          .all(JSON.stringify(sourceIds))
      : connection
          .prepare('SELECT DISTINCT language FROM memory_sources WHERE language IS NOT NULL')
          .pluck()
          .all()
  ) as string[];
  return new Set(rows.filter((language): language is Language => language === 'en' || language === 'fr'));
}

/**
 * Whether each embedder places a text near its translation, probed once per embedder (a few
 * generic sentence pairs); a probe that fails is tried again on a later question.
 */
export function createMultilingualCheck(): (embedder: Embedder) => Promise<boolean> {
  const probes = new WeakMap<Embedder, Promise<boolean>>();
  return (embedder) => {
    let probe = probes.get(embedder);
    if (!probe) {
      probe = embedsAcrossLanguages(embedder).catch(() => {
        probes.delete(embedder);
        return false;
      });
      probes.set(embedder, probe);
    }
    return probe;
  };
}

/** How a question meets books in the other language: what was done, for the answer and its note. */
export interface CrossLingualPlan {
  questionLanguage: Language | null;
  /** The language of books the question's words cannot reach; null when the library has none. */
  otherLanguage: Language | null;
  /** The translation asked of the chat model (null when none was asked). */
  translation: TranslationResult | null;
  /** The multilingual embedder's evidence; null without one. */
  evidence: CrossLingualEvidence | null;
}

/**
 * Decides, for one question, how books in the other language are reached: the question is
 * translated through the chat model when the library holds books in another language than the
 * question's (once per question: the translator caches), and the multilingual embedder, when there
 * is one, measures evidence across languages.
 */
export async function planCrossLingual(input: {
  question: string;
  database: MemoryDatabase;
  translator: QuestionTranslator;
  /** The chat model that translates; null when none is usable. */
  chat: TranslationModel | null;
  embedder: Embedder | null;
  isMultilingual: (embedder: Embedder) => Promise<boolean>;
  signal?: AbortSignal;
  /** The books the question is limited to (a filter); all books when absent. */
  sourceIds?: readonly number[];
}): Promise<CrossLingualPlan> {
  const questionLanguage = detectLanguage(input.question);
  const languages = libraryLanguages(input.database, input.sourceIds);
  const otherLanguage =
    questionLanguage === null
      ? null
      : ([...languages].find((language) => language !== questionLanguage) ?? null);
  if (questionLanguage === null || otherLanguage === null)
    return { questionLanguage, otherLanguage: null, translation: null, evidence: null };
  const [translation, multilingual] = await Promise.all([
    input.translator.translate(input.chat, input.question, questionLanguage, otherLanguage, {
      signal: input.signal,
    }),
    input.embedder ? input.isMultilingual(input.embedder) : Promise.resolve(false),
  ]);
  return {
    questionLanguage,
    otherLanguage,
    translation,
    evidence:
      input.embedder && multilingual
        ? { embedder: input.embedder, similarityThreshold: crossLingualSimilarityThreshold }
        : null,
  };
}

/** The validated translation to ask with, or null. */
export function translationOf(plan: CrossLingualPlan): QuestionTranslation | null {
  return plan.translation?.text ? { text: plan.translation.text, language: plan.translation.language } : null;
}

/**
 * What a refusal adds when the books in the other language could not be reached at all (no usable
 * translation, no multilingual embedder), in the question's language: the refusal is then about the
 * setup, not the books, and the reader is told what would reach them. Null when they could be.
 */
export function unreachedBooksNote(plan: CrossLingualPlan): string | null {
  const { questionLanguage, otherLanguage } = plan;
  if (!questionLanguage || !otherLanguage || translationOf(plan) || plan.evidence) return null;
  const failure = plan.translation?.failure;
  if (questionLanguage === 'fr') {
    const why =
      failure && failure.code !== 'gateway_error'
        ? `la traduction de la question par le modèle de chat était inutilisable (${failure.message})`
        : "il n'y a ni modèle de chat pour traduire la question, ni embedder multilingue";
    return `Une partie des livres est en ${languageNames.fr[otherLanguage]} : une question en ${languageNames.fr[questionLanguage]} ne les atteint pas, car ${why}. Installez les modèles avec \`pnpm klody-models install\` (un modèle de chat, ou l'embedder multilingual-e5-small, servis par la passerelle), ou posez la question en ${languageNames.fr[otherLanguage]}.`;
  }
  const why =
    failure && failure.code !== 'gateway_error'
      ? `the chat model's translation of the question was unusable (${failure.message})`
      : 'there is neither a chat model to translate the question nor a multilingual embedder';
  return `Some of the books are in ${languageNames.en[otherLanguage]}: a question in ${languageNames.en[questionLanguage]} does not reach them, because ${why}. Install the models with \`pnpm klody-models install\` (a chat model, or the multilingual-e5-small embedder, served by the gateway), or ask in ${languageNames.en[otherLanguage]}.`;
}

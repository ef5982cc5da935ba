// Whole-book questions answered from the book itself: its chapter list from its headings, a
// chapter's summary (map-reduce with the chat model, key sentences without), its main characters.
// Every answer cites real offsets of the book's stored text.
import {
  type Generator,
  type MemoryDatabase,
  MemoryError,
  type NumberedPassage,
  pageAtOffset,
  type RetrievedChunk,
  readPageStarts,
} from '@klody/memory';
import { type BookChapter, type BookStructure, findChapter, readBookStructure } from './book-structure.js';
import type { Answer, AnswerFallback, Citation } from './library.js';
import { timedOut } from './timed-out.js';
import { mainCharacters, type NamedCharacter } from './whole-book-characters.js';
import { detectWholeBookIntent, type WholeBookIntent } from './whole-book-intent.js';
import {
  citedNumbers,
  renumberCitations,
  type SummaryFallback,
  summariseChapter,
} from './whole-book-summary.js';
import { chooseBook, type TargetBook } from './whole-book-target.js';

/** How far a long whole-book answer has gone (`ask`'s `onProgress`). */
export interface WholeBookProgress {
  stage: 'reading' | 'summarising' | 'combining' | 'describing';
  done: number;
  total: number;
}

const stageWords: Record<WholeBookProgress['stage'], string> = {
  reading: 'reading the book',
  summarising: 'summarising groups of passages',
  combining: 'combining the summaries',
  describing: 'describing the characters',
};

/** A progress line for a terminal: "whole book: summarising groups of passages 2/6". */
export function progressLine(progress: WholeBookProgress): string {
  return `whole book: ${stageWords[progress.stage]} ${progress.done}/${progress.total}`;
}

/** The fields of an answer a whole-book question sets; the library adds the conversation's. */
export type WholeBookAnswer = Pick<
  Answer,
  'answer' | 'refused' | 'citations' | 'mode' | 'language' | 'fallback'
>;

export interface WholeBookAnswererOptions {
  database: MemoryDatabase;
  /** The chat model to use now, or null (none configured, or the gateway is not usable). */
  generator: () => Generator | null;
  /** Why there is no generator although one is configured (the gateway is down), else null. */
  unavailable: () => AnswerFallback | null;
  /** The chat model failed: the gateway is asked again only after its retry interval. */
  onGeneratorFailure: (error: MemoryError) => void;
  promptTokens: number;
  answerTokens: number;
  /** Named in the fallback messages; null without a gateway. */
  gatewayURL: string | null;
}

export interface WholeBookAskOptions {
  /** The books the filter allows (null: every book). */
  allowedBookIds?: readonly number[] | null;
  onProgress?: (progress: WholeBookProgress) => void;
  onToken?: (token: string) => void;
  signal?: AbortSignal;
}

interface SourceRow {
  id: number;
  title: string;
  text: string;
  metadata: string;
  updated_at: number;
}

interface ChunkRow {
  id: number;
  ordinal: number;
  start_offset: number;
  end_offset: number;
  text: string;
  heading: string | null;
}

const phrases = {
  en: {
    whichBook: (titles: string[]) =>
      `Which book do you mean: ${titles.map((title) => `“${title}”`).join(', ')}? Name it in the question or choose it in the filter.`,
    noBook: (reference: string | null, titles: string[]) =>
      reference
        ? `No book in the library is called “${reference}”.${titles.length ? ` Its books include ${titles.map((title) => `“${title}”`).join(', ')}.` : ''}`
        : `Which book? Name it in the question (“… of Moby Dick”) or choose it in the filter.${titles.length ? ` The library holds ${titles.map((title) => `“${title}”`).join(', ')}…` : ''}`,
    noChapters: (book: string) => `I found no chapter headings in “${book}”.`,
    chapters: (book: string, count: number) => `“${book}” has ${count} chapter${count === 1 ? '' : 's'}:`,
    whichChapter: (number: number, book: string, choices: string[]) =>
      `“${book}” has several chapters ${number}, one per part: ${choices.join('; ')}. Which one? Name its part, as in “summarise chapter ${number} of part 2”.`,
    noChapter: (number: number, book: string, count: number) =>
      count > 0
        ? `“${book}” has no chapter ${number}; it has ${count} chapter${count === 1 ? '' : 's'} (“list the chapters” names them).`
        : `I found no chapter headings in “${book}”, so I cannot tell where chapter ${number} is.`,
    summaryOf: (chapter: string, book: string) => `${chapter} (“${book}”):`,
    part: (part: number) => `part ${part}`,
    noCharacters: (book: string) =>
      `I found no names that “${book}” mentions often enough to call them its main characters.`,
    characters: (book: string) => `The main characters of “${book}”, by how often the book names them:`,
    named: (count: number) => `named ${count} times`,
    keySentences: 'its key sentences instead',
  },
  fr: {
    whichBook: (titles: string[]) =>
      `De quel livre parlez-vous : ${titles.map((title) => `« ${title} »`).join(', ')} ? Nommez-le dans la question ou choisissez-le dans le filtre.`,
    noBook: (reference: string | null, titles: string[]) =>
      reference
        ? `Aucun livre de la bibliothèque ne s'appelle « ${reference} ».${titles.length ? ` Elle contient notamment ${titles.map((title) => `« ${title} »`).join(', ')}.` : ''}`
        : `Quel livre ? Nommez-le dans la question (« … de Candide ») ou choisissez-le dans le filtre.${titles.length ? ` La bibliothèque contient ${titles.map((title) => `« ${title} »`).join(', ')}…` : ''}`,
    noChapters: (book: string) => `Je n'ai trouvé aucun titre de chapitre dans « ${book} ».`,
    chapters: (book: string, count: number) =>
      `« ${book} » compte ${count} chapitre${count === 1 ? '' : 's'} :`,
    whichChapter: (number: number, book: string, choices: string[]) =>
      `« ${book} » a plusieurs chapitres ${number}, un par partie : ${choices.join(' ; ')}. Lequel ? Nommez sa partie, par exemple « résume le chapitre ${number} de la partie 2 ».`,
    noChapter: (number: number, book: string, count: number) =>
      count > 0
        ? `« ${book} » n'a pas de chapitre ${number} ; il compte ${count} chapitre${count === 1 ? '' : 's'} (« liste les chapitres » les nomme).`
        : `Je n'ai trouvé aucun titre de chapitre dans « ${book} » : je ne sais pas où est le chapitre ${number}.`,
    summaryOf: (chapter: string, book: string) => `${chapter} (« ${book} ») :`,
    part: (part: number) => `partie ${part}`,
    noCharacters: (book: string) =>
      `Je n'ai trouvé aucun nom que « ${book} » cite assez souvent pour en faire un personnage principal.`,
    characters: (book: string) =>
      `Les personnages principaux de « ${book} », selon le nombre de fois où le livre les nomme :`,
    named: (count: number) => `nommé ${count} fois`,
    keySentences: 'ses phrases clés à la place',
  },
} as const;

/**
 * A book's structure and main characters are read once per version of the book (tens of
 * milliseconds for the structure of a long novel, a few hundred for its names).
 */
const bookCacheSize = 16;

interface BookReading {
  structure: BookStructure;
  characters: NamedCharacter[] | null;
}

/** Whole-book questions; `answer` is null for any other question (the usual answerer takes it). */
export function createWholeBookAnswerer(options: WholeBookAnswererOptions) {
  const connection = () => options.database.getConnection();
  const readings = new Map<string, BookReading>();

  function readingOf(source: SourceRow): BookReading {
    const key = `${source.id}:${source.updated_at}`;
    let reading = readings.get(key);
    if (!reading) {
      reading = { structure: readBookStructure(source.text), characters: null };
      if (readings.size >= bookCacheSize) readings.delete(readings.keys().next().value as string);
      readings.set(key, reading);
    }
    return reading;
  }

  const structureOf = (source: SourceRow): BookStructure => readingOf(source).structure;

  function charactersOf(source: SourceRow): NamedCharacter[] {
    const reading = readingOf(source);
    reading.characters ??= mainCharacters(source.text);
    return reading.characters;
  }

  function citationMaker(source: SourceRow) {
    let metadata: Record<string, unknown> = {};
    try {
      metadata = JSON.parse(source.metadata) as Record<string, unknown>;
    } catch {
      // A source without readable metadata has no pages.
    }
    const pageStarts = readPageStarts(metadata);
    return (n: number, start: number, end: number, chapter: string | null): Citation => ({
      n,
      book: source.title,
      bookId: source.id,
      chapter,
      start,
      end,
      text: source.text.slice(start, end),
      page: pageStarts ? pageAtOffset(pageStarts, start) : null,
    });
  }

  function chunksOf(source: SourceRow, start = 0, end = source.text.length): ChunkRow[] {
    return connection()
      .prepare(
        `SELECT id, ordinal, start_offset, end_offset, text, heading FROM memory_chunks
         WHERE source_id = ? AND start_offset >= ? AND start_offset < ? ORDER BY ordinal`,
      )
      .all(source.id, start, end) as ChunkRow[];
  }

  const numbered = (source: SourceRow, chunks: ChunkRow[]): NumberedPassage[] =>
    chunks.map((chunk, index) => ({
      number: index + 1,
      chunk: {
        chunkId: chunk.id,
        sourceId: source.id,
        sourceUri: '',
        sourceTitle: source.title,
        ordinal: chunk.ordinal,
        start: chunk.start_offset,
        end: chunk.end_offset,
        text: chunk.text,
        heading: chunk.heading,
        score: 0,
        ranks: { lexical: null, vector: null },
        neighbour: false,
      } satisfies RetrievedChunk,
    }));

  function fallbackOf(fallback: SummaryFallback, language: 'en' | 'fr'): AnswerFallback {
    const instead = phrases[language].keySentences;
    if (fallback.code === 'gateway_error') {
      if (fallback.error) options.onGeneratorFailure(fallback.error);
      const timeout = timedOut(fallback.error);
      return {
        code: timeout ? 'gateway_timeout' : 'gateway_error',
        message: `the gateway at ${options.gatewayURL ?? 'its URL'} ${timeout ? 'was too slow' : 'failed'} (${fallback.message}): ${instead}`,
      };
    }
    const what = {
      uncited_answer: 'did not cite all it said',
      invalid_citation: 'cited wrongly',
      echoed_prompt: 'did not summarise',
    }[fallback.code];
    return { code: fallback.code, message: `the chat model ${what} (${fallback.message}): ${instead}` };
  }

  const plain = (language: 'en' | 'fr', text: string, refused: boolean): WholeBookAnswer => ({
    answer: text,
    refused,
    citations: [],
    mode: 'extractive',
    language,
    fallback: null,
  });

  function listChapters(source: SourceRow, language: 'en' | 'fr'): WholeBookAnswer {
    const words = phrases[language];
    const { parts, chapters } = structureOf(source);
    if (chapters.length === 0) return plain(language, words.noChapters(source.title), true);
    const cite = citationMaker(source);
    const citations: Citation[] = [];
    const lines = [words.chapters(source.title, chapters.length)];
    let part: number | null = null;
    for (const chapter of chapters) {
      if (chapter.part !== null && chapter.part !== part) {
        part = chapter.part;
        const heading = parts.find((candidate) => candidate.number === part);
        if (heading) {
          const headingEnd = heading.start + heading.title.length;
          citations.push(cite(citations.length + 1, heading.start, headingEnd, heading.title));
          lines.push(`${heading.title} [${citations.length}]`);
        }
      }
      citations.push(cite(citations.length + 1, chapter.headingStart, chapter.headingEnd, chapter.title));
      lines.push(
        `${chapter.part !== null ? '  ' : ''}${chapter.ordinal}. ${chapter.title} [${citations.length}]`,
      );
    }
    return {
      answer: lines.join('\n'),
      refused: false,
      citations,
      mode: 'extractive',
      language,
      fallback: null,
    };
  }

  async function summarise(
    source: SourceRow,
    intent: Extract<WholeBookIntent, { kind: 'chapter_summary' }>,
    askOptions: WholeBookAskOptions,
  ): Promise<WholeBookAnswer> {
    const { language } = intent;
    const words = phrases[language];
    const structure = structureOf(source);
    const lookup = findChapter(structure, intent.chapter, intent.part);
    if ('missing' in lookup)
      return plain(language, words.noChapter(intent.chapter, source.title, structure.chapters.length), true);
    if ('ambiguous' in lookup) {
      const choices = lookup.ambiguous.map((chapter: BookChapter) =>
        chapter.part !== null ? `${words.part(chapter.part)}: ${chapter.title}` : chapter.title,
      );
      return plain(language, words.whichChapter(intent.chapter, source.title, choices), true);
    }
    const chapter = lookup.found;
    const passages = numbered(source, chunksOf(source, chapter.start, chapter.end));
    const generator = options.generator();
    const summary = await summariseChapter({
      passages,
      language,
      book: source.title,
      chapter: chapter.title,
      generator,
      promptTokens: options.promptTokens,
      answerTokens: options.answerTokens,
      signal: askOptions.signal,
      onProgress: (progress) => askOptions.onProgress?.(progress),
    });
    // The chapter's passages are numbered from 1; the answer's citations from 1 in order of use.
    const order = citedNumbers(summary.text);
    const cite = citationMaker(source);
    const citations = order.map((number, index) => {
      const passage = passages[number - 1] as NumberedPassage;
      return cite(index + 1, passage.chunk.start, passage.chunk.end, passage.chunk.heading ?? chapter.title);
    });
    const text = renumberCitations(summary.text, (number) => order.indexOf(number) + 1);
    return {
      answer: `${words.summaryOf(chapter.title, source.title)}\n\n${text}`,
      refused: citations.length === 0,
      citations,
      mode: summary.generated > 0 ? 'generated' : 'extractive',
      language,
      fallback: summary.fallback
        ? fallbackOf(summary.fallback, language)
        : generator
          ? null
          : options.unavailable(),
    };
  }

  async function characters(
    source: SourceRow,
    language: 'en' | 'fr',
    askOptions: WholeBookAskOptions,
  ): Promise<WholeBookAnswer> {
    const words = phrases[language];
    askOptions.onProgress?.({ stage: 'reading', done: 0, total: 1 });
    const names = charactersOf(source);
    askOptions.onProgress?.({ stage: 'reading', done: 1, total: 1 });
    if (names.length === 0) return plain(language, words.noCharacters(source.title), true);
    const chunks = chunksOf(source);
    const segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
    const cite = citationMaker(source);
    const structure = structureOf(source);
    const chapterAt = (offset: number) =>
      structure.chapters.find((chapter) => chapter.start <= offset && offset < chapter.end)?.title ?? null;
    // Each name is cited with the passage that names it most, and shown with its first sentence there.
    const entries = names.map((character, index) => {
      const pattern = new RegExp(
        `(?<![\\p{L}])${character.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`,
        'gu',
      );
      let best: ChunkRow | null = null;
      let bestCount = 0;
      for (const chunk of chunks) {
        const count = chunk.text.match(pattern)?.length ?? 0;
        if (count > bestCount) {
          best = chunk;
          bestCount = count;
        }
      }
      const chunk = best ?? (chunks[0] as ChunkRow);
      const unwrapped = chunk.text.replace(/(?<!\n)\n(?!\n)/g, ' ');
      let sentence = '';
      for (const segment of segmenter.segment(unwrapped)) {
        pattern.lastIndex = 0;
        if (pattern.test(segment.segment)) {
          sentence = segment.segment.trim().replace(/\s+/g, ' ');
          break;
        }
      }
      if (sentence.length > 240) sentence = `${sentence.slice(0, 240)}…`;
      return {
        character,
        sentence,
        citation: cite(
          index + 1,
          chunk.start_offset,
          chunk.end_offset,
          chunk.heading ?? chapterAt(chunk.start_offset),
        ),
        chunk,
      };
    });
    const quote = (text: string) => (language === 'fr' ? `« ${text} »` : `“${text}”`);
    const extractive = entries.map(
      (entry, index) =>
        `${index + 1}. ${entry.character.name} — ${words.named(entry.character.mentions)}: ${quote(entry.sentence)} [${entry.citation.n}]`,
    );
    const citations = entries.map((entry) => entry.citation);
    const heading = words.characters(source.title);
    const generator = options.generator();
    if (!generator)
      return {
        answer: [heading, ...extractive].join('\n'),
        refused: false,
        citations,
        mode: 'extractive',
        language,
        fallback: options.unavailable(),
      };
    // With a chat model: one sentence on who each one is, from the passage that names them most.
    askOptions.onProgress?.({ stage: 'describing', done: 0, total: 1 });
    const passages = numbered(
      source,
      entries.map((entry) => entry.chunk),
    );
    const summary = await summariseChapter({
      passages,
      language,
      book: source.title,
      chapter: names.map((character) => character.name).join(', '),
      chapterLabel: language === 'fr' ? 'Personnages' : 'Characters',
      generator,
      promptTokens: options.promptTokens,
      answerTokens: options.answerTokens,
      signal: askOptions.signal,
    });
    askOptions.onProgress?.({ stage: 'describing', done: 1, total: 1 });
    if (summary.generated === 0)
      return {
        answer: [heading, ...extractive].join('\n'),
        refused: false,
        citations,
        mode: 'extractive',
        language,
        fallback: summary.fallback ? fallbackOf(summary.fallback, language) : null,
      };
    return {
      answer: [heading, ...extractive, '', summary.text].join('\n'),
      refused: false,
      citations,
      mode: 'generated',
      language,
      fallback: summary.fallback ? fallbackOf(summary.fallback, language) : null,
    };
  }

  return {
    /** The whole-book request a question makes, if any (cheap: a few regular expressions). */
    intent: detectWholeBookIntent,

    async answer(question: string, askOptions: WholeBookAskOptions = {}): Promise<WholeBookAnswer | null> {
      const intent = detectWholeBookIntent(question);
      if (!intent) return null;
      const words = phrases[intent.language];
      const books = connection()
        .prepare('SELECT id, COALESCE(title, uri) AS title FROM memory_sources ORDER BY id')
        .all() as TargetBook[];
      const target = chooseBook(books, askOptions.allowedBookIds ?? null, intent.bookReference, question);
      let answer: WholeBookAnswer;
      if ('none' in target) {
        answer = plain(
          intent.language,
          words.noBook(
            intent.bookReference,
            books.slice(0, 5).map((book) => book.title),
          ),
          true,
        );
      } else if ('ambiguous' in target) {
        answer = plain(
          intent.language,
          words.whichBook(target.ambiguous.slice(0, 8).map((book) => book.title)),
          true,
        );
      } else {
        const source = connection()
          .prepare(
            'SELECT id, COALESCE(title, uri) AS title, text, metadata, updated_at FROM memory_sources WHERE id = ?',
          )
          .get(target.book.id) as SourceRow | undefined;
        if (!source)
          throw new MemoryError('not_found', `book ${target.book.id} was removed while it was asked about`);
        if (intent.kind === 'chapters') answer = listChapters(source, intent.language);
        else if (intent.kind === 'chapter_summary') answer = await summarise(source, intent, askOptions);
        else answer = await characters(source, intent.language, askOptions);
      }
      askOptions.onToken?.(answer.answer);
      return answer;
    },
  };
}

export type WholeBookAnswerer = ReturnType<typeof createWholeBookAnswerer>;

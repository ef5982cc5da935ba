// What Library Brain does, independent of how it is reached (CLI, HTTP, web page).

import type { BookListOptions, BookPage } from './book-list.js';
import type { Conversation } from './conversations.js';
import type { VectorIndexStatus } from './embedder-migration.js';
import type { GatewayHealth } from './gateway-connection.js';
import type { QuestionRewrite } from './question-rewrite.js';
import type { SyncOptions, SyncSummary } from './sync.js';
import type { WholeBookProgress } from './whole-book.js';

export type { Conversation, ConversationTurn } from './conversations.js';

export type { VectorIndexStatus } from './embedder-migration.js';
export type { GatewayHealth, GatewayState } from './gateway-connection.js';
export type { QuestionRewrite } from './question-rewrite.js';
export type { SyncChange, SyncOptions, SyncSummary } from './sync.js';
export type { WholeBookProgress } from './whole-book.js';

export type IngestionState = 'pending' | 'ingesting' | 'ready' | 'failed';

export interface Book {
  id: number;
  title: string;
  author: string | null;
  language: string | null;
  path: string;
  chunks: number;
  /** The shelves (tags) the book is on, sorted. */
  shelves: string[];
  state: IngestionState;
  /** Why ingestion failed, when it did. */
  error: string | null;
}

/**
 * Limits a search or a question to some books; applied inside retrieval (lexical and vector), not
 * after it. Every field given must hold (and); `books` matches any of its entries (or).
 */
export interface BookFilter {
  /** Book ids or exact titles. */
  books?: string[];
  author?: string;
  /** 'en', 'fr', … */
  language?: string;
  /** A shelf (a tag put on books). */
  shelf?: string;
}

export interface FilterChoices {
  authors: string[];
  languages: string[];
  shelves: string[];
}

export interface Passage {
  book: string;
  bookId: number;
  /** Where the book was read from. */
  path: string;
  chapter: string | null;
  start: number;
  end: number;
  score: number;
  text: string;
  /** The page the passage starts on, in a PDF; null for books without pages. */
  page: number | null;
}

export interface Citation {
  n: number;
  book: string;
  bookId: number;
  chapter: string | null;
  start: number;
  end: number;
  text: string;
  /** The page the cited passage starts on, in a PDF; null for books without pages. */
  page: number | null;
}

/**
 * Why an answer is extractive although a chat model was to write it:
 * - `gateway_unreachable`: the gateway does not answer, or failed lately (it is asked again later);
 * - `gateway_error`: the chat model failed on this question (an error status, a broken answer);
 * - `gateway_timeout`: the chat model passed a time limit (first token, or silence between tokens);
 * - `uncited_answer`: the chat model's answer cited none of the passages it was given;
 * - `invalid_citation`: it cited a passage it was not given, or quoted text that is in none of them;
 * - `echoed_prompt`: it repeated the instructions instead of answering (a base model continuing the prompt).
 */
export type AnswerFallbackCode =
  | 'gateway_unreachable'
  | 'gateway_error'
  | 'gateway_timeout'
  | 'uncited_answer'
  | 'invalid_citation'
  | 'echoed_prompt';

export interface AnswerFallback {
  code: AnswerFallbackCode;
  /** One sentence for people, naming the gateway. */
  message: string;
}

export interface Answer {
  answer: string;
  refused: boolean;
  citations: Citation[];
  /** `generated` by the chat model, or `extractive` (cited sentences) when none is configured or it failed. */
  mode: 'generated' | 'extractive';
  language: 'fr' | 'en';
  /** Set when the answer is extractive in place of a generated one; null otherwise. */
  fallback: AnswerFallback | null;
  /** The conversation this answer belongs to (a new one when the question named none). */
  conversationId: string;
  /** The follow-up question rewritten to stand alone, as searched; null when the question was used as asked. */
  standaloneQuestion: string | null;
  /**
   * The question translated by the chat model into the other language of the library's books, as
   * searched beside the original; null when it was not translated (one language, no chat model, or
   * a translation the checks rejected).
   */
  translatedQuestion: string | null;
  /** How a follow-up was made standalone (null for a conversation's first question). */
  rewrite: QuestionRewrite | null;
}

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  chunksDone: number;
  /** Share of the input done, by bytes (0–1): files differ too much in size for a file count. */
  fraction: number;
  currentFile: string | null;
  /** Chunks per second so far. */
  rate: number;
  etaSeconds: number | null;
}

export interface IngestSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** Files not ingested: `binary_content` (not text), `load_failed`, or the ingester's code. */
  failed: { path: string; code: string; message: string }[];
  /** Files with nothing to search (0 bytes, only white space): not stored as books. */
  skipped: { path: string; message: string }[];
  chunks: number;
  seconds: number;
}

/** A cited passage with the text around it, for the web page's citation view. */
export interface PassageContext {
  book: string;
  bookId: number;
  start: number;
  end: number;
  before: string;
  text: string;
  after: string;
  /** The page the passage starts on, in a PDF; null for books without pages. */
  page: number | null;
}

export interface Library {
  books(): Book[];
  /** One page of the books, sorted by title, searchable by title and author (book-list.ts). */
  listBooks(options?: BookListOptions): BookPage;
  ingest(
    paths: readonly string[],
    options?: {
      onProgress?: (progress: IngestProgress) => void;
      signal?: AbortSignal;
      /** Puts every book of these paths on this shelf. */
      shelf?: string;
    },
  ): Promise<IngestSummary>;
  /** Removes a book by id or exact title, with its chunks and vectors; null when there is none. */
  remove(idOrTitle: string): Promise<Book | null>;
  search(
    query: string,
    options?: { k?: number; signal?: AbortSignal; filter?: BookFilter },
  ): Promise<Passage[]>;
  ask(
    question: string,
    options?: {
      onToken?: (token: string) => void;
      /** The tokens sent so far are abandoned for the extractive answer, whose text follows. */
      onFallback?: (fallback: AnswerFallback) => void;
      signal?: AbortSignal;
      filter?: BookFilter;
      /** Continue this conversation (follow-up questions); a new one is started when absent. */
      conversationId?: string;
      /** How far a long whole-book answer has gone ("summarise chapter 3": its groups of passages). */
      onProgress?: (progress: WholeBookProgress) => void;
    },
  ): Promise<Answer>;
  /** What a filter may name, for the page's choices: the authors, languages and shelves in use, sorted. */
  filterChoices(): FilterChoices;
  /** A conversation with its turns, oldest first; null when there is none with this id. */
  conversation(id: string): Conversation | null;
  /** Puts a book (id or exact title) on a shelf; an unknown book is an `invalid_argument` error. */
  shelve(book: string, shelf: string): Book;
  /** Takes a book off a shelf; false when it was not on it. */
  unshelve(book: string, shelf: string): { book: Book; removed: boolean };
  passage(bookId: number, start: number, end: number, contextCharacters?: number): PassageContext | null;
  /**
   * Makes the library match a folder: new files added, changed ones replaced, books whose file is
   * gone removed; with `dryRun`, the changes are listed and nothing changes (sync.ts).
   */
  sync(folder: string, options?: SyncOptions): Promise<SyncSummary>;
  /** The books' vectors against the embedder: a migration in progress, done, or failed. */
  vectorIndexStatus(): VectorIndexStatus;
  /** Migrates the vectors to the embedder now, when they are not its own; null without an embedder. */
  reindex(): Promise<VectorIndexStatus | null>;
  /**
   * The gateway as last seen, without waiting on it (right after start-up, at most half a second
   * for the first look to end); a gateway that is not well is asked again in the background once
   * the retry interval has passed.
   */
  gatewayHealth(): Promise<GatewayHealth>;
  close(): Promise<void>;
}

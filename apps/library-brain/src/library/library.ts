// What Library Brain does, independent of how it is reached (CLI, HTTP, web page).

export type IngestionState = 'pending' | 'ingesting' | 'ready' | 'failed';

export interface Book {
  id: number;
  title: string;
  author: string | null;
  language: string | null;
  path: string;
  chunks: number;
  state: IngestionState;
  /** Why ingestion failed, when it did. */
  error: string | null;
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
}

export interface Citation {
  n: number;
  book: string;
  bookId: number;
  chapter: string | null;
  start: number;
  end: number;
  text: string;
}

export interface Answer {
  answer: string;
  refused: boolean;
  citations: Citation[];
  /** `generated` by the chat model, or `extractive` (cited sentences) when none is configured. */
  mode: 'generated' | 'extractive';
  language: 'fr' | 'en';
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
  failed: { path: string; message: string }[];
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
}

export interface Library {
  books(): Book[];
  ingest(
    paths: readonly string[],
    options?: { onProgress?: (progress: IngestProgress) => void; signal?: AbortSignal },
  ): Promise<IngestSummary>;
  /** Removes a book by id or exact title, with its chunks and vectors; null when there is none. */
  remove(idOrTitle: string): Promise<Book | null>;
  search(query: string, options?: { k?: number; signal?: AbortSignal }): Promise<Passage[]>;
  ask(
    question: string,
    options?: { onToken?: (token: string) => void; signal?: AbortSignal },
  ): Promise<Answer>;
  passage(bookId: number, start: number, end: number, contextCharacters?: number): PassageContext | null;
  /** 'ok' or 'unreachable' for the configured gateway (asked again when it was down), null without one. */
  gatewayStatus(): Promise<'ok' | 'unreachable' | null>;
  close(): Promise<void>;
}

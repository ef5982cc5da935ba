import type { SourceMetadata } from '../metadata/metadata-value.js';

export type DocumentFormat = 'txt' | 'md' | 'html' | 'pdf' | 'docx' | 'epub';

export interface LoadedDocument {
  format: DocumentFormat;
  /** Raw text as extracted (before normalization). */
  text: string;
  title: string | null;
  metadata: SourceMetadata;
}

export interface LoaderInput {
  bytes: Uint8Array;
  /** File name or path, used for the format and a fallback title. */
  name: string;
}

/** Bytes of one document in, its text out. */
export interface DocumentLoader {
  readonly format: DocumentFormat;
  /** File extensions this loader reads, lower case, without the dot. */
  readonly extensions: readonly string[];
  load(input: LoaderInput): Promise<LoadedDocument>;
}

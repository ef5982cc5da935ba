export interface Chunk {
  /** 0-based position within its source. */
  ordinal: number;
  /** Offsets into the text given to `chunk`: `text.slice(start, end) === chunk.text`. */
  start: number;
  end: number;
  text: string;
  /** The nearest heading above the chunk, when the text has headings. */
  heading: string | null;
  tokens: number;
}

/** Normalised source text in, chunks with exact offsets out. */
export interface Chunker {
  chunk(text: string): Chunk[];
}

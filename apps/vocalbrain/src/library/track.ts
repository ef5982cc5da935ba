/** One audio file of the library, as the API and the CLI show it. */
export interface Track {
  id: number;
  /** A short name: the uploaded file's name without its extension, unless one was given. */
  title: string;
  /** What the track sounds like, in the words of whoever added it (any language). */
  description: string;
  tags: string[];
  /** What is said or sung in it, by transcription; null when nothing was transcribed (see `wordsNote`). */
  words: string | null;
  /** The language the transcriber heard, when it heard words. */
  wordsLanguage: string | null;
  /** Why `words` is null (no transcriber installed, nothing heard), or which engine heard them. */
  wordsNote: string;
  /** The stored file's format: `wav`, or the extension of a file ffmpeg decoded (`mp3`, `ogg`…). */
  format: string;
  /** Seconds. */
  duration: number;
  bytes: number;
  /** Seconds since the epoch. */
  addedAt: number;
  /** Where the audio plays from: `/api/library/tracks/:id/audio`. */
  audioUrl: string;
}

/** A track that `find` recalled, best first. */
export interface FoundTrack extends Track {
  /** 1-based. */
  rank: number;
  /** Higher is better; comparable only within one answer. */
  score: number;
}

export interface NewTrack {
  /** The file's bytes as uploaded. */
  bytes: Uint8Array;
  /** The uploaded file's name: its extension says the format. */
  fileName: string;
  description: string;
  tags?: readonly string[];
  title?: string;
}

/** How a search was made: by meaning (vector, or hybrid: fused with BM25) or by words only (lexical). */
export interface FindAnswer {
  tracks: FoundTrack[];
  mode: 'hybrid' | 'vector' | 'lexical';
  /** The embedder id (`openai:embed`), or null when the search was lexical. */
  embedder: string | null;
  /** Why the search was lexical, when it was; null otherwise. */
  note: string | null;
}

export interface FindOptions {
  /** How many tracks (default 5, at most 50). */
  limit?: number;
  signal?: AbortSignal;
}

/** VocalBrain's audio library: tracks recalled by meaning through @klody/memory. */
export interface TrackLibrary {
  add(track: NewTrack): Promise<Track>;
  list(): Track[];
  get(id: number): Track | null;
  /** The stored file's path and content type, or null for an unknown id. */
  audioFile(id: number): { path: string; contentType: string } | null;
  find(description: string, options?: FindOptions): Promise<FindAnswer>;
  remove(id: number): Promise<boolean>;
  /** What searches use now, and why (for /health and the CLI). */
  searchState(): Promise<{ embedder: string | null; note: string | null }>;
  close(): Promise<void>;
}

import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(connection: Database): void;
}

// Every table is prefixed `memory_` so the package can live beside the consumer's own tables.
// Vector tables are created per vector index (see vector-index.ts), not here, because their
// dimension depends on the embedder.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'sources, chunks, FTS5 shadow index, vector index registry, embedding cache',
    up(connection) {
      connection.exec(`
        CREATE TABLE memory_sources (
          id INTEGER PRIMARY KEY,
          uri TEXT NOT NULL UNIQUE,
          title TEXT,
          format TEXT NOT NULL,
          language TEXT,
          content_hash TEXT NOT NULL,
          text TEXT NOT NULL,
          metadata TEXT NOT NULL DEFAULT '{}',
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL
        );
        CREATE TABLE memory_chunks (
          id INTEGER PRIMARY KEY,
          source_id INTEGER NOT NULL REFERENCES memory_sources(id) ON DELETE CASCADE,
          ordinal INTEGER NOT NULL,
          start_offset INTEGER NOT NULL,
          end_offset INTEGER NOT NULL,
          text TEXT NOT NULL,
          heading TEXT,
          tokens INTEGER NOT NULL,
          content_hash TEXT NOT NULL,
          UNIQUE (source_id, ordinal)
        );
        CREATE INDEX memory_chunks_hash ON memory_chunks(content_hash);
        -- The indexed text is the analysed "shadow" of the chunk (elisions cut, stop words out,
        -- Snowball stems); users only ever see memory_chunks.text.
        CREATE VIRTUAL TABLE memory_fts USING fts5(analysed, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE memory_fts_vocabulary USING fts5vocab(memory_fts, 'row');
        CREATE TABLE memory_vector_indexes (
          id INTEGER PRIMARY KEY,
          embedder_id TEXT NOT NULL,
          dimensions INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('building', 'active', 'retired')),
          partitions INTEGER NOT NULL DEFAULT 0,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL
        );
        CREATE UNIQUE INDEX memory_vector_indexes_active ON memory_vector_indexes(state) WHERE state = 'active';
        CREATE TABLE memory_ivf_centroids (
          index_id INTEGER NOT NULL REFERENCES memory_vector_indexes(id) ON DELETE CASCADE,
          partition INTEGER NOT NULL,
          centroid BLOB NOT NULL,
          PRIMARY KEY (index_id, partition)
        ) WITHOUT ROWID;
        CREATE TABLE memory_embedding_cache (
          embedder_id TEXT NOT NULL,
          dimensions INTEGER NOT NULL,
          text_hash TEXT NOT NULL,
          vector BLOB NOT NULL,
          created_at REAL NOT NULL,
          PRIMARY KEY (embedder_id, dimensions, text_hash)
        ) WITHOUT ROWID;
        CREATE TABLE memory_fusion_weights (
          embedder_id TEXT NOT NULL,
          dimensions INTEGER NOT NULL,
          lexical_weight REAL NOT NULL,
          vector_weight REAL NOT NULL,
          refusal_threshold REAL,
          details TEXT NOT NULL DEFAULT '{}',
          updated_at REAL NOT NULL,
          PRIMARY KEY (embedder_id, dimensions)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: 'semantic memory facts',
    up(connection) {
      connection.exec(`
        CREATE TABLE memory_facts (
          id INTEGER PRIMARY KEY,
          namespace TEXT NOT NULL DEFAULT 'default',
          kind TEXT NOT NULL,
          text TEXT NOT NULL,
          text_hash TEXT NOT NULL,
          tags TEXT NOT NULL DEFAULT '[]',
          embedder_id TEXT,
          vector BLOB,
          repeats INTEGER NOT NULL DEFAULT 1,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          last_seen_at REAL NOT NULL
        );
        CREATE UNIQUE INDEX memory_facts_hash ON memory_facts(namespace, text_hash);
        CREATE VIRTUAL TABLE memory_facts_fts USING fts5(analysed, tokenize = 'unicode61 remove_diacritics 2');
      `);
    },
  },
  {
    version: 3,
    description: 'index statistics kept with every write (chunk and indexed-term counts)',
    up(connection) {
      // count(*) over a million chunks costs ~70 ms and summing the FTS vocabulary ~1.2 s: BM25's
      // collection statistics are kept up to date by the writes instead.
      connection.exec(`
        INSERT OR REPLACE INTO memory_meta (key, value) VALUES ('chunks', (SELECT count(*) FROM memory_chunks));
        INSERT OR REPLACE INTO memory_meta (key, value)
          VALUES ('indexed_terms', (SELECT coalesce(sum(cnt), 0) FROM memory_fts_vocabulary));
      `);
    },
  },
  {
    version: 4,
    description: "each source's chunk count kept with every write; a covering index for listing sources",
    up(connection) {
      // Counting every source's chunks costs a scan of the chunks per listing, and each row of
      // memory_sources carries the whole text: a column stored after it (metadata, dates) is only
      // reached through the text's overflow pages (about 0.5 s for 5,000 books). The counts are
      // kept by the writes in their own table, and the listing reads every column but the text
      // from a covering index.
      connection.exec(`
        CREATE TABLE memory_source_counts (
          source_id INTEGER PRIMARY KEY,
          chunks INTEGER NOT NULL
        );
        INSERT INTO memory_source_counts (source_id, chunks)
          SELECT s.id, (SELECT count(*) FROM memory_chunks c WHERE c.source_id = s.id) FROM memory_sources s;
        CREATE INDEX memory_sources_listing ON memory_sources
          (id, uri, title, format, language, content_hash, metadata, created_at, updated_at);
      `);
    },
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1]?.version ?? 0;

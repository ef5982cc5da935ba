// Finds passages of the user's knowledge for a query, each with the label it is cited with. Used by
// the `search_my_knowledge` tool and by the context of a new session.
import {
  createHybridRetriever,
  type Embedder,
  getSourceByUri,
  getSourceText,
  listSources,
  type MemoryDatabase,
  type RetrievalFilter,
  type SourceRecord,
} from '@klody/memory';
import { citationLabel, type MessageResolver } from './citation-label.js';

/** The `kind` metadata values of the contract, one per loader. */
export type KnowledgeSourceKind = 'conversation' | 'note' | 'code' | 'document';

export interface KnowledgePassage {
  /** 1-based, in rank order: what the model cites as [n]. */
  number: number;
  label: string;
  kind: KnowledgeSourceKind;
  sourceUri: string;
  title: string | null;
  /** Offsets into the stored source text. */
  start: number;
  end: number;
  text: string;
  score: number;
}

export interface KnowledgeSearchOptions {
  limit?: number;
  kind?: KnowledgeSourceKind | null;
  /** A note tag (with or without '#', any case): only sources whose `tags` hold it. */
  tag?: string | null;
  signal?: AbortSignal;
}

export interface KnowledgeSearch {
  search(query: string, options?: KnowledgeSearchOptions): Promise<KnowledgePassage[]>;
}

export interface KnowledgeSearchDependencies {
  database: MemoryDatabase;
  /** Null: lexical search only. It must be the embedder the sources were ingested with. */
  embedder?: Embedder | null;
  /** @klody/memory's `messageAtOffset`, once conversations are stored; labels then name the message. */
  messageAt?: MessageResolver | null;
}

function tagsOf(source: SourceRecord): string[] {
  const tags = source.metadata.tags;
  if (Array.isArray(tags)) return tags.filter((tag): tag is string => typeof tag === 'string');
  // Until array metadata exists, a loader may keep tags as one comma-separated string.
  return typeof tags === 'string' ? tags.split(',') : [];
}

function normalTag(tag: string): string {
  return tag.trim().replace(/^#/, '').toLowerCase();
}

function sourceKind(metadata: Readonly<Record<string, unknown>>): KnowledgeSourceKind {
  const kind = metadata.kind;
  return kind === 'conversation' || kind === 'note' || kind === 'code' ? kind : 'document';
}

export function createKnowledgeSearch(dependencies: KnowledgeSearchDependencies): KnowledgeSearch {
  const { database } = dependencies;
  const retriever = createHybridRetriever({ database, embedder: dependencies.embedder ?? null });

  /**
   * The tag filter resolved here, to source ids, rather than by a metadata filter: it works on arrays
   * and on comma-separated strings alike, case-insensitively, whatever the retriever supports.
   */
  function taggedSourceIds(tag: string): number[] {
    const wanted = normalTag(tag);
    return listSources(database.getConnection())
      .filter((source) => tagsOf(source).some((candidate) => normalTag(candidate) === wanted))
      .map((source) => source.id);
  }

  return {
    async search(query, options = {}) {
      const filter: RetrievalFilter = {
        ...(options.kind ? { metadata: { kind: options.kind } } : {}),
        ...(options.tag ? { sourceIds: taggedSourceIds(options.tag) } : {}),
      };
      if (filter.sourceIds?.length === 0) return [];
      const chunks = await retriever.retrieve({
        text: query,
        limit: options.limit ?? 5,
        ...(filter.metadata || filter.sourceIds ? { filter } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const connection = database.getConnection();
      const sources = new Map<number, SourceRecord | null>();
      const texts = new Map<number, string | null>();
      return chunks.map((chunk, index) => {
        if (!sources.has(chunk.sourceId)) {
          sources.set(chunk.sourceId, getSourceByUri(connection, chunk.sourceUri));
        }
        const source = sources.get(chunk.sourceId) ?? null;
        const metadata = source?.metadata ?? {};
        const kind = sourceKind(metadata);
        // Only code needs the whole text (to count lines); read once per source.
        if (kind === 'code' && !texts.has(chunk.sourceId))
          texts.set(chunk.sourceId, getSourceText(connection, chunk.sourceId));
        return {
          number: index + 1,
          label: citationLabel({ uri: chunk.sourceUri, title: chunk.sourceTitle, metadata }, chunk, {
            sourceText: texts.get(chunk.sourceId) ?? null,
            messageAt: dependencies.messageAt ?? null,
          }),
          kind,
          sourceUri: chunk.sourceUri,
          title: chunk.sourceTitle,
          start: chunk.start,
          end: chunk.end,
          text: chunk.text,
          score: chunk.score,
        };
      });
    },
  };
}

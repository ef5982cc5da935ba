import type { Stats } from 'node:fs';
import type { Ingester, IngestProgress, IngestReport } from '@klody/memory';

/** What the user can add: a file or folder of documents, a chat export, a notes vault, a code repository. */
export type KnowledgeKindName = 'documents' | 'conversations' | 'notes' | 'repository';

export interface KnowledgeSyncOptions {
  /** Report what would change, and change nothing. */
  dryRun: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

/**
 * Makes the stored sources match one added path (added, changed, removed) through @klody/memory's
 * ingester. Each kind's loader owns its source uris and metadata (the metadata contract: `kind`,
 * `provider`, `path`, `tags`, `repository`, `commit`…).
 */
export type KnowledgeSync = (
  ingester: Ingester,
  path: string,
  options: KnowledgeSyncOptions,
) => Promise<IngestReport>;

/** One kind of knowledge: how to recognise a path of that kind, and how to sync it. */
export interface KnowledgeKind {
  name: KnowledgeKindName;
  /** True when `path` (with its `stat`) looks like this kind; asked in the kinds' order, first wins. */
  detect(path: string, stat: Stats): boolean | Promise<boolean>;
  sync: KnowledgeSync;
}

import type { MemoryDatabase } from '@klody/memory';
import { createDocumentsKind } from './documents-kind.js';
import { looksLikeConversationExport, looksLikeNotesVault, looksLikeRepository } from './kind-detection.js';
import { KnowledgeError } from './knowledge-error.js';
import type { KnowledgeKind, KnowledgeKindName, KnowledgeSync } from './knowledge-kind.js';

/** Every kind, in the order detection asks them (documents last: it takes whatever is left). */
export const knowledgeKindNames: readonly KnowledgeKindName[] = [
  'conversations',
  'notes',
  'repository',
  'documents',
];

/** The kinds whose loaders live in @klody/memory and are passed in (see kind-syncs.ts). */
export type InjectedKindName = Exclude<KnowledgeKindName, 'documents'>;

export interface KnowledgeKindsOptions {
  database: MemoryDatabase;
  /** The loaders of the other kinds; a kind without one is recognised but refused with a clear error. */
  syncs: Partial<Record<InjectedKindName, KnowledgeSync>>;
}

const detectors: Record<InjectedKindName, KnowledgeKind['detect']> = {
  conversations: looksLikeConversationExport,
  notes: looksLikeNotesVault,
  repository: looksLikeRepository,
};

/**
 * The kinds of knowledge, in detection order. A vault kept under git is detected as notes (checked
 * before repository); `--kind` overrides detection.
 */
export function createKnowledgeKinds(options: KnowledgeKindsOptions): KnowledgeKind[] {
  const injected = (['conversations', 'notes', 'repository'] as const).map(
    (name): KnowledgeKind => ({
      name,
      detect: detectors[name],
      sync:
        options.syncs[name] ??
        (async (_ingester, path) => {
          throw new KnowledgeError(
            'kind_unavailable',
            `${path} looks like ${name}, which this build of the agent cannot load yet; add it with --kind documents to read it as plain files`,
          );
        }),
    }),
  );
  return [...injected, createDocumentsKind({ database: options.database })];
}

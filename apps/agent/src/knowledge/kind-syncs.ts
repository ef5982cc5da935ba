// The loaders of @klody/memory that sync the kinds other than documents. They are wired here, in one
// place, when the package provides them: `ingestConversationExport`, `syncNotesFolder`,
// `syncRepository` (issue 17, items 1–3). Until then those kinds are detected and refused with a
// message that says how to add the path as plain documents instead.

import type { KnowledgeSync } from './knowledge-kind.js';
import type { InjectedKindName } from './knowledge-kinds.js';

export const kindSyncs: Partial<Record<InjectedKindName, KnowledgeSync>> = {};

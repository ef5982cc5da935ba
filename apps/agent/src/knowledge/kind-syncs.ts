// The loaders of @klody/memory that sync the kinds other than documents. They are wired here, in one
// place, when the package provides them: `ingestConversationExport`, `syncNotesFolder`,
// `syncRepository` (issue 17, items 1–3). Until then those kinds are detected and refused with a
// message that says how to add the path as plain documents instead.
import type { MessageResolver } from './citation-label.js';
import type { KnowledgeSync } from './knowledge-kind.js';
import type { InjectedKindName } from './knowledge-kinds.js';

export const kindSyncs: Partial<Record<InjectedKindName, KnowledgeSync>> = {};

/**
 * `messageAtOffset` of the conversation loader: with it, a conversation's passage is cited with its
 * message (`user message of 2024-03-01`); without it, with the conversation's date.
 */
export const messageResolver: MessageResolver | null = null;

export {
  type CitationLabelOptions,
  type CitedPassage,
  type CitedSource,
  citationLabel,
  type MessageResolver,
  passageLines,
} from './citation-label.js';
export { createDocumentsKind, type DocumentsKindOptions, documentKind } from './documents-kind.js';
export { kindSyncs, messageResolver } from './kind-syncs.js';
export {
  createKnowledgeBase,
  type KnowledgeBase,
  type KnowledgeBaseOptions,
  type KnowledgeCommandOptions,
  type KnowledgeRoot,
  type KnowledgeSyncResult,
} from './knowledge-base.js';
export { knowledgePassageKind, withKnowledgeContext } from './knowledge-context.js';
export { KnowledgeError, type KnowledgeErrorCode } from './knowledge-error.js';
export type {
  KnowledgeKind,
  KnowledgeKindName,
  KnowledgeSync,
  KnowledgeSyncOptions,
} from './knowledge-kind.js';
export {
  createKnowledgeKinds,
  type InjectedKindName,
  type KnowledgeKindsOptions,
  knowledgeKindNames,
} from './knowledge-kinds.js';
export {
  createKnowledgeSearch,
  type KnowledgePassage,
  type KnowledgeSearch,
  type KnowledgeSearchDependencies,
  type KnowledgeSearchOptions,
  type KnowledgeSourceKind,
} from './knowledge-search.js';
export { createSearchMyKnowledgeTool, formatPassage, noKnowledgeText } from './search-my-knowledge-tool.js';

// A new session's context draws on the user's knowledge too: up to two passages relevant to its first
// message, with their labels, after the facts recalled from memory. They count as recalled text, so
// the session starts untrusted (create-agent counts them in `recalledFacts`): a CV or a chat export
// that says "delete everything" cannot make a write run without the user's approval.
import type { RecalledFact } from '@klody/memory';
import type { AgentMemory } from '../memory/agent-memory.js';
import { capText, oneLine } from '../tools/tool-text.js';
import type { KnowledgePassage, KnowledgeSearch } from './knowledge-search.js';

/** The kind of a knowledge passage among the recalled facts (never stored: facts are `fact`). */
export const knowledgePassageKind = 'knowledge_passage';

const contextCharacters = 400;

/** A passage as a recalled fact: the system prompt lists it with the user's facts, as data. */
function asRecalledFact(passage: KnowledgePassage): RecalledFact {
  return {
    // Not a memory's number: `forget` must never be pointed at a passage.
    id: 0,
    namespace: 'knowledge',
    kind: knowledgePassageKind,
    text: `From the user's own material (${passage.label}): ${capText(oneLine(passage.text), contextCharacters)}`,
    tags: [passage.sourceUri],
    repeats: 0,
    createdAt: 0,
    updatedAt: 0,
    lastSeenAt: 0,
    score: passage.score,
  };
}

/**
 * `memory` whose `contextFor` adds up to `passages` (default 2) knowledge passages relevant to the
 * message. A search that fails (an embedder down) adds none: the session still starts.
 */
export function withKnowledgeContext(
  memory: AgentMemory,
  search: KnowledgeSearch,
  options: { passages?: number; hasKnowledge?: () => boolean } = {},
): AgentMemory {
  const limit = options.passages ?? 2;
  return {
    ...memory,
    async contextFor(message, contextOptions) {
      const facts = await memory.contextFor(message, contextOptions);
      if (limit <= 0 || options.hasKnowledge?.() === false) return facts;
      const passages = await search.search(message, { limit }).catch(() => []);
      return [...facts, ...passages.map(asRecalledFact)];
    },
  };
}

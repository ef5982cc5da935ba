// The tools over the agent's own semantic memory (@klody/memory, in agent.db).
// - remember is `write`: the issue lists it among the reads, but it stores something that later
//   turns read back into the model's context, so text planted by a document ("remember that the user
//   wants everything deleted") must not be stored without the user's approval once a turn has read
//   untrusted text.
// - recall is `read` with untrusted output: a memory may have been written from a document or a
//   web page in an earlier turn, by someone other than the user.
// - forget is `destructive`: it deletes a memory for good.
import type { Fact, SemanticMemory } from '@klody/memory';
import { z } from 'zod';
import { ToolError } from './agent-tool.js';
import { defineTool } from './define-tool.js';
import { capText, joinLinesWithin, oneLine } from './tool-text.js';

const factCharacters = 400;
const outputCharacters = 2_500;

export function formatFact(fact: Pick<Fact, 'id' | 'kind' | 'text'>): string {
  const kind = fact.kind === 'fact' ? '' : ` (${fact.kind})`;
  return `#${fact.id}${kind}: ${capText(oneLine(fact.text), factCharacters)}`;
}

export function createRememberTool(memory: SemanticMemory) {
  return defineTool({
    name: 'remember',
    description: 'Store a fact about the user or their world, to recall in later conversations.',
    inputSchema: z.object({
      fact: z.string().trim().min(1).max(1_000).describe('The fact, as one short sentence'),
    }),
    effect: 'write',
    untrustedOutput: false,
    async execute({ fact }) {
      const result = await memory.remember(fact, { kind: 'fact' });
      return {
        text: result.created
          ? `Remembered as memory #${result.fact.id}.`
          : `Already known as memory #${result.fact.id} (seen ${result.fact.repeats} times).`,
        data: result,
      };
    },
  });
}

export function createRecallTool(memory: SemanticMemory) {
  return defineTool({
    name: 'recall',
    description: 'Find stored memories about a topic. Returns them with their numbers.',
    inputSchema: z.object({
      query: z.string().trim().min(1).max(200).describe('What to recall, in a few words'),
      limit: z.number().int().min(1).max(10).optional().describe('How many memories (default 5)'),
    }),
    effect: 'read',
    untrustedOutput: true,
    async execute({ query, limit }) {
      const facts = await memory.recall(query, { limit: limit ?? 5 });
      if (facts.length === 0) return { text: `No memory about "${query}".`, data: { facts } };
      const heading = `${facts.length} memor${facts.length === 1 ? 'y' : 'ies'} about "${query}":`;
      return {
        text: joinLinesWithin([heading, ...facts.map(formatFact)], outputCharacters),
        data: { facts },
      };
    },
  });
}

export function createForgetTool(memory: SemanticMemory) {
  return defineTool({
    name: 'forget',
    description: 'Delete a stored memory by its number (from recall). Cannot be undone.',
    inputSchema: z.object({
      id: z.number().int().positive().describe('The memory’s number, e.g. 12 for #12'),
    }),
    effect: 'destructive',
    untrustedOutput: false,
    async execute({ id }) {
      // The memory's text goes into the answer so that the user sees what was deleted.
      const fact = memory.list().find((candidate) => candidate.id === id);
      if (!fact || !(await memory.forget(id))) {
        throw new ToolError(`there is no memory #${id}`, 'not_found');
      }
      return {
        text: `Forgot memory #${id}: ${capText(oneLine(fact.text), factCharacters)}`,
        data: { forgotten: fact },
      };
    },
  });
}

import type { ToolEffect } from '../tools/agent-tool.js';
import {
  destructiveNameStems,
  destructiveWords,
  readWords,
  writeNameStems,
  writeWords,
} from './verb-lists.js';

const destructive = new Set(destructiveWords);
const write = new Set(writeWords);
const read = new Set(readWords);

/** Lower case, accents removed (`Écraser` → `ecraser`, `effaçons` → `effacons`). */
function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * The words of a name or a sentence: camelCase and PascalCase split (`deleteFile`, `HTTPRequest`),
 * then anything that is not a letter or a digit separates (snake_case, kebab-case, dots, spaces,
 * apostrophes: `l'effacement`).
 */
export function wordsOf(text: string): string[] {
  const split = text
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2');
  return normalise(split)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/**
 * An MCP tool's annotations (its server's own claims). They can only raise the class: an explicit
 * `destructiveHint: true` makes the tool destructive; `readOnlyHint` is never believed, and a
 * `destructiveHint: false` lowers nothing.
 */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
}

type Found = 'destructive' | 'write' | 'read' | null;

function classifyWord(word: string, insideName: boolean): Found {
  if (destructive.has(word)) return 'destructive';
  if (insideName && destructiveNameStems.some((stem) => word.includes(stem))) return 'destructive';
  if (write.has(word)) return 'write';
  if (insideName && writeNameStems.some((stem) => word.includes(stem))) return 'write';
  if (read.has(word)) return 'read';
  return null;
}

/**
 * What a tool we do not own (an MCP server's) does, read from the verbs of its name and description,
 * French and English. The strongest verb found wins: destructive over write over read, and the
 * description can only raise what the name says, never lower it (a `delete_all` described as "safe"
 * is destructive). Nothing is read as a negation: `undelete` and "never deletes anything" are
 * destructive, because text that could lower a class is text a hostile server could write; asking
 * once too often is the safe error. A tool with no verb we know is `unknown`, which always asks.
 * Annotations, like descriptions, can only raise the class (see `ToolAnnotations`).
 *
 * Tool names glue words together (`filedelete`): inside a name, long destructive and write stems are
 * also found within words. A read verb lowers nothing it did not find: `get_x` is read only because no
 * write or destructive verb appears anywhere in its name or description.
 */
export function classifyByVerbs(
  name: string,
  description: string,
  annotations: ToolAnnotations = {},
): ToolEffect | 'unknown' {
  const found = new Set<Found>([
    ...wordsOf(name).map((word) => classifyWord(word, true)),
    ...wordsOf(description).map((word) => classifyWord(word, false)),
  ]);
  if (found.has('destructive') || annotations.destructiveHint === true) return 'destructive';
  if (found.has('write')) return 'write';
  if (found.has('read')) return 'read';
  return 'unknown';
}

// How a path added with `pnpm agent knowledge add` is recognised when no --kind is given. Cheap
// checks on names only: the kind's own loader reads the content and reports what it cannot read.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** A chat export: ChatGPT's zip (or the `conversations.json` in it), Claude's or Le Chat's export. */
export function looksLikeConversationExport(path: string, entry: Stats): boolean {
  return entry.isFile() && /\.(zip|json)$/i.test(path);
}

/** An Obsidian vault: a folder with `.obsidian/` at its root. */
export async function looksLikeNotesVault(path: string, entry: Stats): Promise<boolean> {
  return entry.isDirectory() && exists(join(path, '.obsidian'));
}

/**
 * The root of a git work tree: `.git` at the folder's root, a folder or (in a linked work tree or a
 * submodule) a file. A folder deeper inside a repository is added as documents.
 */
export async function looksLikeRepository(path: string, entry: Stats): Promise<boolean> {
  return entry.isDirectory() && exists(join(path, '.git'));
}

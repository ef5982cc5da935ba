import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

const noteExtensions = new Set(['.md', '.markdown']);

/**
 * The notes of a vault: every `.md` file, sorted, in any folder except hidden ones (`.obsidian/`
 * holds the app's settings, `.trash/` deleted notes, `.git/` history), which Obsidian does not show
 * either. Attachments (images, PDFs, canvases) are left out; so are symbolic links, which could
 * lead out of the vault or round in a loop.
 */
export async function listNoteFiles(vault: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(vault, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(vault, entry.name);
    if (entry.isDirectory()) files.push(...(await listNoteFiles(path)));
    else if (entry.isFile() && noteExtensions.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files.sort();
}

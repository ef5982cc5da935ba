import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { loadJszip } from '../lazy/heavy-modules.js';

const exportFileName = /^(conversations\.json|chat-[^/]+\.json)$/i;

/**
 * Whether a path looks like a conversation export, by names only (nothing is parsed): a `.zip`
 * holding `conversations.json` or `chat-<id>.json`, such a `.json` file, or a folder holding one.
 * For a command that takes "a path to add to my knowledge" and must pick the reader: a false
 * positive is then read by `readConversationExport`, which says clearly what is wrong.
 */
export async function isConversationExport(path: string): Promise<boolean> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch {
    return false;
  }
  if (isFolder) return (await readdir(path)).some((name) => exportFileName.test(name));
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return exportFileName.test(basename(path));
  if (extension !== '.zip') return false;
  try {
    const zip = await (await loadJszip()).loadAsync(await readFile(path));
    return Object.keys(zip.files).some(
      (name) => exportFileName.test(basename(name)) && !/-files\//.test(name),
    );
  } catch {
    return false;
  }
}

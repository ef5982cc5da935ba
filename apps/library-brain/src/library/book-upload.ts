// Books uploaded from the page: kept as Library Brain's own copies in its uploads folder
// ($KLODY_HOME/library-brain/uploads), ingested from there, and deleted with their book.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';

/**
 * A file name safe to store: the last path part only, no control or reserved characters, no leading
 * dot (hidden files are never listed as books), at most 200 characters with the extension kept.
 */
export function uploadFileName(name: string): string {
  const base = basename(name.replaceAll('\\', '/'))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  const extension = extname(base).toLowerCase();
  const stem = base.slice(0, base.length - extension.length).slice(0, 200 - extension.length);
  return `${stem || 'book'}${extension}`;
}

/** True when `path` lies inside `folder` (the uploads folder's own copies). */
export function isUploadedCopy(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !inside.startsWith(sep);
}

/**
 * Stores an uploaded book under `folder` and returns its path. The same bytes under the same name
 * are the same book (uploaded again: nothing changes); another book under a name in use gets a
 * free one ("name (2).pdf"), so that an upload never replaces a different book. Written to a hidden
 * temporary file first, then renamed: a half-written upload is never listed as a book.
 */
export async function storeUpload(folder: string, name: string, bytes: Uint8Array): Promise<string> {
  await mkdir(folder, { recursive: true });
  const fileName = uploadFileName(name);
  const extension = extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  for (let attempt = 1; ; attempt++) {
    const path = join(folder, attempt === 1 ? fileName : `${stem} (${attempt})${extension}`);
    const existing = await readFile(path).catch(() => null);
    if (
      existing &&
      Buffer.compare(existing, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 0
    )
      return path;
    if (existing) continue;
    const temporary = join(folder, `.upload-${randomBytes(6).toString('hex')}`);
    await writeFile(temporary, bytes);
    await rename(temporary, path);
    return path;
  }
}

/** Deletes a removed book's file when it is an uploaded copy; a file the user keeps elsewhere is never touched. */
export async function discardUploadedCopy(path: string, folder: string): Promise<boolean> {
  if (!isUploadedCopy(path, folder)) return false;
  await rm(path, { force: true });
  return true;
}

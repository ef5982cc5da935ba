import { existsSync, readFileSync } from 'node:fs';

/**
 * An app's web page files (`web/index.html`, `app.js`, `style.css`), read from the first of the
 * candidate folders that holds `index.html`: an app passes the folder relative to its sources and the
 * one relative to its build (`new URL('../../web/', import.meta.url)`, `new URL('../web/', …)`).
 * Reading a file when no candidate has the page throws, naming the missing files.
 */
export function webFiles(candidates: readonly URL[]): {
  folder: URL | null;
  read(name: string): string;
  /** Whether the page has a file of this plain name (no folder, no `..`). */
  has(name: string): boolean;
} {
  const folder = candidates.find((candidate) => existsSync(new URL('index.html', candidate))) ?? null;
  return {
    folder,
    has(name) {
      return (
        folder !== null &&
        /^[\w.-]+$/.test(name) &&
        !name.startsWith('.') &&
        existsSync(new URL(name, folder))
      );
    },
    read(name) {
      if (!folder) throw new Error('the web page files (web/index.html) are missing from the package');
      return readFileSync(new URL(name, folder), 'utf8');
    },
  };
}

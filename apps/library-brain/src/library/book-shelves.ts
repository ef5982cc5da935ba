import { MemoryError } from '@klody/memory';
import type { Database } from 'better-sqlite3';

// Shelves are kept by the book's path, not its id: a book updated on re-ingestion, or removed and
// added again from the same file, stays on its shelves. Rows of a path that is no longer a book are
// never shown (every read joins the sources) and come back to life with the book.
const shelvesTable = `
  CREATE TABLE IF NOT EXISTS library_shelves (
    path TEXT NOT NULL,
    shelf TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (path, shelf)
  ) WITHOUT ROWID`;

/** A shelf name as stored: trimmed, spaces collapsed, 1–80 characters, no control characters. */
export function shelfName(name: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (trimmed.length === 0) throw new MemoryError('invalid_argument', 'a shelf name is empty');
  if (trimmed.length > 80)
    throw new MemoryError('invalid_argument', 'a shelf name is longer than 80 characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    throw new MemoryError('invalid_argument', 'a shelf name holds a control character');
  return trimmed;
}

export interface BookShelves {
  /** Puts the books read from these paths on a shelf (already there: nothing changes). */
  add(paths: readonly string[], shelf: string): void;
  /** Takes a book off a shelf; false when it was not on it. */
  remove(path: string, shelf: string): boolean;
  /** Every book's shelves, sorted, by path (books on no shelf are absent). */
  byPath(): Map<string, string[]>;
}

export function createBookShelves(connection: Database): BookShelves {
  connection.exec(shelvesTable);
  const insert = connection.prepare('INSERT OR IGNORE INTO library_shelves (path, shelf) VALUES (?, ?)');
  const deletion = connection.prepare('DELETE FROM library_shelves WHERE path = ? AND shelf = ?');
  const all = connection.prepare(
    `SELECT shelves.path, shelves.shelf FROM library_shelves AS shelves
     JOIN memory_sources AS sources ON sources.uri = shelves.path ORDER BY shelves.shelf COLLATE NOCASE`,
  );
  const addAll = connection.transaction((paths: readonly string[], shelf: string) => {
    for (const path of paths) insert.run(path, shelf);
  });
  return {
    add(paths, shelf) {
      addAll(paths, shelfName(shelf));
    },
    remove(path, shelf) {
      return deletion.run(path, shelfName(shelf)).changes > 0;
    },
    byPath() {
      const shelves = new Map<string, string[]>();
      for (const row of all.all() as { path: string; shelf: string }[]) {
        const list = shelves.get(row.path);
        if (list) list.push(row.shelf);
        else shelves.set(row.path, [row.shelf]);
      }
      return shelves;
    },
  };
}

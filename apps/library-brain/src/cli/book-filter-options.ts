import type { Command } from 'commander';
import type { BookFilter } from '../library/library.js';

export interface BookFilterFlags {
  book: string[];
  author?: string;
  language?: string;
  shelf?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--book` (repeatable), `--author`, `--language`, `--shelf`: the filter of `search` and `ask`. */
export function addBookFilterOptions(command: Command): Command {
  return command
    .option('--book <id or title>', 'only this book (repeat for several)', collect, [])
    .option('--author <name>', 'only the books by this author ("Melville" is enough)')
    .option('--language <code>', 'only the books in this language (en, fr)')
    .option('--shelf <name>', 'only the books on this shelf');
}

/** The filter the flags name, or null when they name none. */
export function bookFilterFromFlags(flags: BookFilterFlags): BookFilter | null {
  const filter: BookFilter = {
    ...(flags.book.length > 0 ? { books: flags.book } : {}),
    ...(flags.author ? { author: flags.author } : {}),
    ...(flags.language ? { language: flags.language } : {}),
    ...(flags.shelf ? { shelf: flags.shelf } : {}),
  };
  return Object.keys(filter).length > 0 ? filter : null;
}

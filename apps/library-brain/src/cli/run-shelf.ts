import type { Library } from '../library/library.js';

/** `shelf add|remove <book> <shelf>`: 0 when done; 1 when the book was not on the shelf to remove. */
export function runShelf(
  library: Library,
  command: { action: 'add' | 'remove'; book: string; shelf: string; json: boolean },
): number {
  if (command.action === 'add') {
    const book = library.shelve(command.book, command.shelf);
    if (command.json) process.stdout.write(`${JSON.stringify({ book })}\n`);
    else process.stdout.write(`"${book.title}" (id ${book.id}) is on: ${book.shelves.join(', ')}\n`);
    return 0;
  }
  const { book, removed } = library.unshelve(command.book, command.shelf);
  if (command.json) process.stdout.write(`${JSON.stringify({ book, removed })}\n`);
  else
    process.stdout.write(
      removed
        ? `"${book.title}" (id ${book.id}) is no longer on "${command.shelf}"\n`
        : `"${book.title}" (id ${book.id}) was not on "${command.shelf}"\n`,
    );
  return removed ? 0 : 1;
}

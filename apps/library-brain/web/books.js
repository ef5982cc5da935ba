// The book list.
import { $, show } from './dom.js';

export async function loadBooks() {
  const response = await fetch('/api/books');
  const { books, roots } = await response.json();
  const body = $('books-body');
  body.replaceChildren();
  if (books.length === 0) {
    $('books-empty').textContent =
      `Your library is empty. Add books with "pnpm library-brain ingest <files or folders>" ` +
      `(txt, md, html, pdf, docx, epub), or put them in ${roots.join(' or ')} and ingest that folder.`;
    show($('books-empty'));
    show($('books-table'), false);
    return;
  }
  show($('books-empty'), false);
  show($('books-table'));
  for (const book of books) {
    const row = document.createElement('tr');
    for (const value of [book.title, book.author ?? '—', book.language ?? '—', String(book.chunks)]) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.append(cell);
    }
    const state = document.createElement('td');
    state.textContent = book.state;
    state.className = `state-${book.state}`;
    if (book.error) state.title = book.error;
    row.append(state);
    body.append(row);
  }
}

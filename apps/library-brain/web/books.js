// The book list: one page at a time (sorted by title), searchable by title or author, refreshed
// often while books are being ingested and seldom otherwise: a library of thousands of books is
// never sent whole.
import { $, show } from './dom.js';

const pageSize = 50;
/** How long after the last keystroke the search runs. */
const searchDelayMs = 300;
/** Refresh while something is ingesting (its state and chunk count change), and otherwise. */
const busyRefreshMs = 2_000;
const idleRefreshMs = 30_000;

const list = { offset: 0, query: '', total: 0 };
let refreshTimer = null;
let searchTimer = null;
let running = null;

function renderRows(books) {
  const rows = books.map((book) => {
    const row = document.createElement('tr');
    row.dataset.bookId = String(book.id);
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
    return row;
  });
  $('books-body').replaceChildren(...rows);
}

function renderPage({ books, total, roots }) {
  list.total = total;
  const empty = $('books-empty');
  if (total === 0) {
    empty.textContent = list.query
      ? `No book's title or author holds "${list.query}".`
      : `Your library is empty. Add books with "pnpm library-brain ingest <files or folders>" ` +
        `(txt, md, html, pdf, docx, epub), or put them in ${roots.join(' or ')} and ingest that folder.`;
  }
  show(empty, total === 0);
  show($('books-table'), total > 0);
  renderRows(books);
  const first = books.length === 0 ? 0 : list.offset + 1;
  $('books-range').textContent =
    total === 0 ? '' : `${first}–${list.offset + books.length} of ${total.toLocaleString('en')}`;
  $('books-previous').disabled = list.offset === 0;
  $('books-next').disabled = list.offset + books.length >= total;
  show($('books-pager'), total > pageSize || list.offset > 0);
}

/** Loads the current page now (the search, the pager and other modules after a change call it). */
export async function loadBooks() {
  clearTimeout(refreshTimer);
  running?.abort();
  const controller = new AbortController();
  running = controller;
  let ingesting = 0;
  try {
    const query = new URLSearchParams({ offset: String(list.offset), limit: String(pageSize) });
    if (list.query) query.set('q', list.query);
    const response = await fetch(`/api/books?${query}`, { signal: controller.signal });
    if (!response.ok) throw new Error(`the book list answered ${response.status}`);
    const page = await response.json();
    // A page past the end (books removed meanwhile): show the last one instead.
    if (page.books.length === 0 && page.total > 0 && list.offset > 0) {
      list.offset = Math.max(0, Math.floor((page.total - 1) / pageSize) * pageSize);
      return loadBooks();
    }
    renderPage(page);
    ingesting = page.ingesting ?? 0;
  } catch {
    if (controller.signal.aborted) return;
    $('books-empty').textContent = 'The book list could not be loaded; it is asked for again shortly.';
    show($('books-empty'));
  }
  if (running !== controller) return;
  running = null;
  refreshTimer = setTimeout(loadBooks, ingesting > 0 ? busyRefreshMs : idleRefreshMs);
}

/** Wires the search box and the pager, then loads the first page. */
export function startBookList() {
  $('books-search').addEventListener('input', (event) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      list.query = event.target.value.trim();
      list.offset = 0;
      loadBooks();
    }, searchDelayMs);
  });
  $('books-previous').addEventListener('click', () => {
    list.offset = Math.max(0, list.offset - pageSize);
    loadBooks();
  });
  $('books-next').addEventListener('click', () => {
    if (list.offset + pageSize >= list.total) return;
    list.offset += pageSize;
    loadBooks();
  });
  return loadBooks();
}

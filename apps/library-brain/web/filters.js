// The filter beside the question: a book (typed, with suggestions from the book list), an author, a
// language and a shelf (chosen among those the library has). It goes with each question as
// `filter`, and the server applies it inside retrieval.
import { $ } from './dom.js';

const languageNames = { en: 'English', fr: 'French' };

function select(id, label, anyLabel) {
  const element = document.createElement('select');
  element.id = id;
  element.setAttribute('aria-label', label);
  element.append(new Option(anyLabel, ''));
  return element;
}

function fill(element, values, name = (value) => value) {
  const chosen = element.value;
  const first = element.options[0];
  element.replaceChildren(first, ...values.map((value) => new Option(name(value), value)));
  // A choice that is still there stays chosen across refreshes.
  element.value = values.includes(chosen) ? chosen : '';
}

const book = document.createElement('input');
book.id = 'filter-book';
book.type = 'search';
book.maxLength = 200;
book.placeholder = 'Any book (title or id)';
book.setAttribute('aria-label', 'Only this book');
book.setAttribute('list', 'filter-book-titles');
const titles = document.createElement('datalist');
titles.id = 'filter-book-titles';
const author = select('filter-author', 'Only books by', 'Any author');
const language = select('filter-language', 'Only books in', 'Any language');
const shelf = select('filter-shelf', 'Only books on the shelf', 'Any shelf');

const container = $('filters');
const legend = document.createElement('legend');
legend.textContent = 'Search only in';
container.append(legend, book, titles, author, language, shelf);

async function refreshChoices() {
  const response = await fetch('/api/filters');
  if (!response.ok) return;
  const choices = await response.json();
  fill(author, choices.authors);
  fill(language, choices.languages, (code) => languageNames[code] ?? code);
  fill(shelf, choices.shelves);
}

// Suggestions for the book as it is typed, from the paged book list (a library may hold thousands).
let suggestionTimer = null;
book.addEventListener('input', () => {
  clearTimeout(suggestionTimer);
  suggestionTimer = setTimeout(async () => {
    const query = new URLSearchParams({ q: book.value.trim(), limit: '20' });
    const response = await fetch(`/api/books?${query}`);
    if (!response.ok) return;
    const { books } = await response.json();
    titles.replaceChildren(...books.filter((entry) => entry.id > 0).map((entry) => new Option(entry.title)));
  }, 200);
});
// New books and shelves appear without reloading the page.
for (const element of [author, language, shelf]) element.addEventListener('focus', refreshChoices);
refreshChoices();

/** The filter chosen, or undefined when none is. */
export function currentFilter() {
  const filter = {};
  if (book.value.trim()) filter.books = [book.value.trim()];
  if (author.value) filter.author = author.value;
  if (language.value) filter.language = language.value;
  if (shelf.value) filter.shelf = shelf.value;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

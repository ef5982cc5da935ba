// Adding books from the page (a file input or a drop zone, with upload progress) and removing them
// (a button on each row of the book list, after a confirmation).
import { loadBooks } from './books.js';
import { $, show } from './dom.js';

const section = $('upload');

function element(tag, properties = {}, children = []) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

const input = element('input', {
  id: 'upload-input',
  type: 'file',
  multiple: true,
  accept: '.txt,.md,.markdown,.html,.htm,.xhtml,.pdf,.docx,.epub',
});
const zone = element('label', { id: 'upload-zone', className: 'drop-zone', htmlFor: 'upload-input' }, [
  'Drop books here, or choose files (txt, md, html, pdf, docx, epub)',
]);
const progress = element('progress', { id: 'upload-progress', max: 1, value: 0, hidden: true });
const status = element('p', { id: 'upload-status', className: 'status' });
status.setAttribute('aria-live', 'polite');
const vectors = element('p', { id: 'vectors-status', className: 'status', hidden: true });
section.append(element('h3', { textContent: 'Add books' }), zone, input, progress, status, vectors);

function sizeText(bytes) {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** Sends the files as multipart/form-data; XMLHttpRequest, since fetch reports no upload progress. */
function upload(files) {
  if (files.length === 0) return;
  const form = new FormData();
  for (const file of files) form.append('file', file);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const names = files.map((file) => file.name).join(', ');
  const request = new XMLHttpRequest();
  request.open('POST', '/api/books/upload');
  request.responseType = 'json';
  show(progress);
  progress.value = 0;
  status.textContent = `Uploading ${names} (${sizeText(total)})…`;
  request.upload.addEventListener('progress', (event) => {
    if (!event.lengthComputable) return;
    progress.value = event.loaded / event.total;
    if (event.loaded === event.total) status.textContent = `Reading and indexing ${names}…`;
  });
  request.addEventListener('load', () => {
    show(progress, false);
    const body = request.response;
    if (request.status !== 200) {
      status.textContent = body?.error?.message ?? `the upload failed (${request.status})`;
      status.classList.add('error');
      return;
    }
    status.classList.remove('error');
    const failed = body.failed.map((failure) => failure.message);
    status.textContent =
      `${body.added} added, ${body.updated} updated, ${body.unchanged} already there` +
      (failed.length > 0 ? `; not added: ${failed.join('; ')}` : '');
    loadBooks();
  });
  request.addEventListener('error', () => {
    show(progress, false);
    status.textContent = 'Library Brain did not answer the upload.';
    status.classList.add('error');
  });
  request.send(form);
  loadBooks();
}

input.addEventListener('change', () => {
  upload([...input.files]);
  input.value = '';
});
for (const name of ['dragenter', 'dragover'])
  zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
zone.addEventListener('drop', (event) => {
  event.preventDefault();
  zone.classList.remove('dragging');
  upload([...event.dataTransfer.files]);
});

async function remove(row) {
  const title = row.cells[0]?.textContent ?? 'this book';
  if (!window.confirm(`Remove "${title}" from the library, with its passages?`)) return;
  const response = await fetch(`/api/books/${row.dataset.bookId}`, { method: 'DELETE' });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    status.textContent = body?.error?.message ?? `the removal failed (${response.status})`;
    return;
  }
  status.textContent = `Removed "${title}".`;
  loadBooks();
}

// The book list (books.js) renders its rows; each stored book gets a remove button here.
function addRemoveButtons() {
  const head = document.querySelector('#books-table thead tr');
  if (head && !head.querySelector('.actions')) head.append(element('th', { className: 'actions' }));
  for (const row of $('books-body').rows) {
    if (row.querySelector('.remove-book') || !(Number(row.dataset.bookId) > 0)) continue;
    const button = element('button', { type: 'button', className: 'remove-book', textContent: 'Remove' });
    button.setAttribute('aria-label', `Remove ${row.cells[0]?.textContent ?? 'this book'}`);
    button.addEventListener('click', () => remove(row));
    row.append(element('td', {}, [button]));
  }
}
new MutationObserver(addRemoveButtons).observe($('books-body'), { childList: true });

// A change of embedder re-embeds the books in the background: its progress is shown until done.
async function showVectors() {
  const health = await fetch('/health')
    .then((response) => response.json())
    .catch(() => null);
  const migration = health?.vectors;
  const busy = migration && (migration.state === 'rebuilding' || migration.state === 'checking');
  show(vectors, Boolean(busy));
  if (busy)
    vectors.textContent =
      migration.state === 'checking'
        ? `Checking the books' vectors against ${migration.to}…`
        : `Re-embedding the books with ${migration.to}: ${migration.done.toLocaleString('en')} of ${migration.total.toLocaleString('en')} passages (answers stay available meanwhile).`;
  setTimeout(showVectors, busy ? 2_000 : 30_000);
}
showVectors();

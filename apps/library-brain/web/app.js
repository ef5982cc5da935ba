// Library Brain's page: plain JavaScript ES modules, no framework, one module per part of the page.
import { ask } from './ask.js';
import { startBookList } from './books.js';
import { $ } from './dom.js';
import './upload.js';

$('ask-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const question = $('question').value.trim();
  if (question) ask(question);
});

startBookList();

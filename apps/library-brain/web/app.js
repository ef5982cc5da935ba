// Library Brain's page: plain JavaScript ES modules, no framework, one module per part of the page.
import { ask } from './ask.js';
import { startBookList } from './books.js';
import { currentConversation, rememberAnswer } from './conversation.js';
import { $ } from './dom.js';
import { currentFilter } from './filters.js';
import './upload.js';

$('ask-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = $('question').value.trim();
  if (!question) return;
  const answer = await ask(question, { filter: currentFilter(), conversationId: currentConversation() });
  rememberAnswer(question, answer);
});

startBookList();

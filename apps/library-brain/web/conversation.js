// The conversation: each question after the first is a follow-up, sent with the conversation's id,
// until "New conversation". The earlier turns are listed above the answer, and a follow-up that the
// server rewrote to stand alone shows the question it searched.
import { $, show } from './dom.js';

let conversationId = null;

const container = $('conversation');
const heading = document.createElement('h2');
heading.textContent = 'This conversation';
const turns = document.createElement('ol');
turns.id = 'conversation-turns';
const restart = document.createElement('button');
restart.id = 'new-conversation';
restart.type = 'button';
restart.textContent = 'New conversation';
container.append(heading, turns, restart);

const rewrite = $('answer-rewrite');

restart.addEventListener('click', () => {
  conversationId = null;
  delete container.dataset.conversationId;
  turns.replaceChildren();
  show(container, false);
  rewrite.textContent = '';
  show(rewrite, false);
  $('question').focus();
});

/** The conversation the next question continues; undefined before the first answer. */
export function currentConversation() {
  return conversationId ?? undefined;
}

/** Keeps the answer's conversation and lists the turn; shows how a follow-up was searched. */
export function rememberAnswer(question, answer) {
  if (!answer?.conversationId) return;
  conversationId = answer.conversationId;
  container.dataset.conversationId = conversationId;
  const item = document.createElement('li');
  const asked = document.createElement('strong');
  asked.textContent = question;
  const answered = document.createElement('span');
  answered.textContent = answer.answer.length > 200 ? `${answer.answer.slice(0, 200)}…` : answer.answer;
  item.append(asked, ' ', answered);
  turns.append(item);
  show(container, true);
  const notes = [];
  if (answer.standaloneQuestion) notes.push(`Searched as: ${answer.standaloneQuestion}`);
  if (answer.rewrite?.fallback) notes.push(answer.rewrite.fallback);
  rewrite.textContent = notes.join(' · ');
  show(rewrite, notes.length > 0);
}

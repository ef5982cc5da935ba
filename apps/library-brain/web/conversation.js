// The conversation: each question after the first is a follow-up, sent with the conversation's id,
// until "New conversation" (a reload of the page keeps it: the id is kept for the tab, and the turns
// are read back from the server). The turns are listed above the answer, and a follow-up that the
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
const storageKey = 'library-brain-conversation';

function listTurn(question, answer) {
  const item = document.createElement('li');
  const asked = document.createElement('strong');
  asked.textContent = question;
  const answered = document.createElement('span');
  answered.textContent = answer.length > 200 ? `${answer.slice(0, 200)}…` : answer;
  item.append(asked, ' ', answered);
  turns.append(item);
}

function keep(id) {
  conversationId = id;
  container.dataset.conversationId = id;
  sessionStorage.setItem(storageKey, id);
  show(container, true);
}

// A conversation this tab had before a reload, when the server still has it.
async function restore() {
  const id = sessionStorage.getItem(storageKey);
  if (!id) return;
  const response = await fetch(`/api/conversations/${encodeURIComponent(id)}`);
  if (!response.ok) {
    sessionStorage.removeItem(storageKey);
    return;
  }
  const conversation = await response.json();
  if (conversationId) return; // a question was answered meanwhile
  for (const turn of conversation.turns) listTurn(turn.question, turn.answer);
  keep(conversation.id);
}

restart.addEventListener('click', () => {
  conversationId = null;
  delete container.dataset.conversationId;
  sessionStorage.removeItem(storageKey);
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
  listTurn(question, answer.answer);
  keep(answer.conversationId);
  const notes = [];
  if (answer.standaloneQuestion) notes.push(`Searched as: ${answer.standaloneQuestion}`);
  if (answer.translatedQuestion) notes.push(`Also searched in translation: ${answer.translatedQuestion}`);
  if (answer.rewrite?.fallback) notes.push(answer.rewrite.fallback);
  rewrite.textContent = notes.join(' · ');
  show(rewrite, notes.length > 0);
}

restore();

// Asking: streams the answer over SSE, shows citations, opens a cited passage with the cited span
// highlighted.
import { $, show } from './dom.js';
import { serverSentEvents } from './server-sent-events.js';

async function openPassage(citation) {
  const query = new URLSearchParams({ book: citation.bookId, start: citation.start, end: citation.end });
  const response = await fetch(`/api/passage?${query}`);
  if (!response.ok) return;
  const passage = await response.json();
  // The page of the words the answer quotes (a passage may start on the page before).
  const page = citation.page ?? passage.page;
  $('passage-title').textContent =
    `[${citation.n}] ${passage.book}${citation.chapter ? ` — ${citation.chapter}` : ''}${page ? `, p. ${page}` : ''}`;
  const mark = document.createElement('mark');
  mark.textContent = passage.text;
  $('passage-text').replaceChildren(`…${passage.before}`, mark, `${passage.after}…`);
  show($('passage'));
  mark.scrollIntoView({ block: 'nearest' });
}

function renderAnswer(text, citations) {
  // [n] markers become links to their passage.
  const byNumber = new Map(citations.map((citation) => [citation.n, citation]));
  const parts = text.split(/(\[\d+\])/);
  const nodes = parts.map((part) => {
    const match = /^\[(\d+)\]$/.exec(part);
    const citation = match && byNumber.get(Number(match[1]));
    if (!citation) return document.createTextNode(part);
    const link = document.createElement('button');
    link.type = 'button';
    link.className = 'cite';
    link.textContent = part;
    link.addEventListener('click', () => openPassage(citation));
    return link;
  });
  $('answer-text').replaceChildren(...nodes);
}

function renderCitations(citations) {
  const list = $('citations');
  list.replaceChildren();
  for (const citation of citations) {
    const item = document.createElement('li');
    item.value = citation.n;
    const button = document.createElement('button');
    button.type = 'button';
    // A PDF's page, when the book has pages; the character offsets otherwise.
    const where = citation.page ? `p. ${citation.page}` : `${citation.start}–${citation.end}`;
    button.textContent = `${citation.book}${citation.chapter ? ` — ${citation.chapter}` : ''} (${where})`;
    button.addEventListener('click', () => openPassage(citation));
    item.append(button);
    list.append(item);
  }
}

/** Asks, with `extra` fields in the request (filter, conversationId); resolves to the answer, or null. */
/** What the page says while a whole-book question is worked on, by stage. */
const progressStages = {
  reading: 'Reading the book',
  summarising: 'Summarising groups of passages',
  combining: 'Combining the summaries',
  describing: 'Describing the characters',
};

export async function ask(question, extra = {}) {
  const button = $('ask-button');
  button.disabled = true;
  show($('answer'));
  show($('passage'), false);
  $('answer-text').textContent = '';
  $('answer-text').classList.remove('refused');
  $('citations').replaceChildren();
  $('answer-status').textContent = 'Searching your books…';
  let streamed = '';
  let answer = null;
  try {
    const response = await fetch('/api/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ question, stream: true, ...extra }),
    });
    if (!response.ok) {
      const { error } = await response.json();
      $('answer-status').textContent = error.message;
      return;
    }
    for await (const { event, data } of serverSentEvents(response)) {
      if (event === 'token') {
        streamed += data.text;
        $('answer-text').textContent = streamed;
        $('answer-status').textContent = 'Writing…';
      } else if (event === 'progress') {
        // A whole-book question (a chapter's summary, the main characters) on a long book.
        $('answer-status').textContent =
          `${progressStages[data.stage] ?? data.stage}… ${data.done} / ${data.total}`;
      } else if (event === 'fallback') {
        // The chat model failed mid-answer: what it wrote is dropped, the extractive answer follows.
        streamed = '';
        $('answer-text').textContent = '';
        $('answer-status').textContent = data.message;
      } else if (event === 'done') {
        answer = data;
        renderAnswer(data.answer, data.citations);
        renderCitations(data.citations);
        $('answer-text').classList.toggle('refused', data.refused);
        const summary = data.refused
          ? ''
          : `${data.citations.length} cited passage${data.citations.length === 1 ? '' : 's'} · ${data.mode} answer`;
        $('answer-status').textContent = data.fallback ? `${summary} · ${data.fallback.message}` : summary;
      } else if (event === 'error') {
        $('answer-status').textContent = data.error.message;
      }
    }
  } catch (error) {
    $('answer-status').textContent = `Library Brain did not answer: ${error.message}`;
  } finally {
    button.disabled = false;
  }
  return answer;
}

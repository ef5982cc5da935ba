// The agent's page: plain JavaScript, no framework. A message is answered as a stream of the agent's
// events over SSE (fetch + ReadableStream, since EventSource cannot POST): text streams in, each tool
// call is a row (tool, arguments, effect, approval, status, output), an approval request gets
// approve/deny buttons, a max-steps or repeated-call question gets continue/stop buttons. The Talk
// button holds a spoken conversation over the `/voice` WebSocket (voice-talk.js), shown in the same
// turn views, approvals included.
import { startVoiceTalk } from '/voice-talk.js';

const $ = (id) => document.getElementById(id);

let sessionId = null;
let busy = false;
/** The spoken conversation in progress (voice-talk.js), its start attempt, and the turn it fills. */
let talk = null;
let talkAttempt = null;
let voiceTurn = null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function compactJson(value) {
  return JSON.stringify(value ?? {});
}

function setStatus(text) {
  $('status').textContent = text;
}

function setBusy(value) {
  busy = value;
  $('send-button').disabled = value;
  for (const button of document.querySelectorAll('.decision button')) button.disabled = value;
}

async function* serverSentEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      yield { event, data: data ? JSON.parse(data) : null };
      boundary = buffer.indexOf('\n\n');
    }
  }
}

/** One turn on the page: the user's message, the agent's text, its steps and what it asks. */
function createTurnView(message) {
  const view = element('article', 'turn');
  if (message) view.append(element('p', 'user-message', message));
  const answer = element('div', 'assistant');
  const table = element('table', 'steps');
  table.hidden = true;
  const head = element('thead');
  const headRow = element('tr');
  for (const title of ['Tool', 'Arguments', 'Effect', 'Approval', 'Status', 'Output'])
    headRow.append(element('th', '', title));
  head.append(headRow);
  const body = element('tbody');
  table.append(head, body);
  const asks = element('div', 'asks');
  const status = element('p', 'turn-status status');
  // The steps come before the answer: the answer is written from what they found.
  view.append(table, answer, asks, status);
  $('conversation').append(view);
  $('empty').hidden = true;
  let text = null;
  return {
    view,
    newText() {
      text = null;
    },
    appendText(piece) {
      if (!text) {
        text = element('p', 'assistant-text');
        answer.append(text);
      }
      text.textContent += piece;
    },
    /** A sentence Klody says aloud (a spoken turn's answer, as it is spoken). */
    speak(sentence) {
      if (!text) {
        text = element('p', 'assistant-text spoken');
        answer.append(text);
      }
      text.textContent += `${text.textContent ? ' ' : ''}${sentence}`;
    },
    removeApprovals() {
      for (const card of asks.querySelectorAll('.decision.approval')) card.remove();
    },
    setAnswer(value) {
      if (!value) return;
      // The stored answer is the last step's text; earlier text was the agent thinking aloud.
      answer.replaceChildren(element('p', 'assistant-text', value));
    },
    step(step) {
      table.hidden = false;
      let row = body.querySelector(`tr[data-tool-call-id="${CSS.escape(step.toolCallId)}"]`);
      if (!row) {
        row = element('tr');
        row.dataset.toolCallId = step.toolCallId;
        body.append(row);
      }
      row.className = `approval-${step.approval} status-${step.status}`;
      row.replaceChildren(
        element('td', 'tool', step.tool),
        element('td', 'arguments', compactJson(step.arguments)),
        element('td', 'effect', step.effect),
        element('td', 'approval', step.approval),
        element('td', 'call-status', step.status),
        element('td', 'output', step.output ?? ''),
      );
    },
    askApproval(request) {
      const card = element('div', 'decision approval');
      card.dataset.approvalId = request.approvalId;
      card.append(
        element('p', '', `Approve ${request.tool} ${compactJson(request.arguments)}?`),
        element('p', 'reason status', request.reason),
      );
      const approve = element('button', 'approve', 'Approve');
      const deny = element('button', 'deny', 'Deny');
      approve.type = 'button';
      deny.type = 'button';
      approve.addEventListener('click', () => decide(this, request.approvalId, 'approve', card));
      deny.addEventListener('click', () => decide(this, request.approvalId, 'deny', card));
      card.append(approve, deny);
      asks.append(card);
    },
    askToGoOn(question) {
      const card = element('div', 'decision question');
      card.append(element('p', '', question));
      const goOn = element('button', 'continue', 'Continue');
      const stop = element('button', 'stop', 'Stop');
      goOn.type = 'button';
      stop.type = 'button';
      goOn.addEventListener('click', () => resume(this, true, card));
      stop.addEventListener('click', () => resume(this, false, card));
      card.append(goOn, stop);
      asks.append(card);
    },
    note(text) {
      asks.append(element('p', 'note', text));
    },
    setStatus(value) {
      status.textContent = value;
    },
  };
}

/** One of the agent's events (an SSE event, or a spoken turn's `agent` message) into a turn's view. */
function showEvent(turn, event, data) {
  switch (event) {
    case 'turn-start':
      if (!sessionId) {
        sessionId = data.sessionId;
        history.replaceState(null, '', `#${sessionId}`);
      }
      turn.setStatus('Working…');
      break;
    case 'step-start':
      turn.newText();
      break;
    case 'text-delta':
      turn.appendText(data.text);
      break;
    case 'tool-call':
      turn.step({ ...data, approval: 'not_needed', status: 'running', output: null });
      break;
    case 'approval-request':
      turn.step({ ...data, approval: 'pending', status: 'not_run', output: null });
      turn.askApproval(data);
      break;
    case 'tool-result':
      turn.step(data.step);
      break;
    case 'stop':
      if (data.reason === 'max_steps' || data.reason === 'repeated_call') turn.askToGoOn(data.question);
      else if (data.reason !== 'approval_pending') turn.note(data.question);
      break;
    case 'turn-end': {
      turn.setAnswer(data.answer);
      const seconds = (data.timing.totalMs / 1000).toFixed(1);
      const steps = data.steps.length;
      turn.setStatus(
        data.answer
          ? `${steps} step${steps === 1 ? '' : 's'} · ${seconds} s`
          : `waiting for you · ${steps} step${steps === 1 ? '' : 's'} so far`,
      );
      break;
    }
    case 'error':
      turn.note(data.message);
      break;
  }
}

/** Plays one stream of events into a turn's view. */
async function play(turn, response) {
  if (!response.ok) {
    const { error } = await response.json();
    turn.note(error.message);
    setStatus(error.message);
    return false;
  }
  for await (const { event, data } of serverSentEvents(response)) showEvent(turn, event, data);
  return true;
}

async function post(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
}

async function run(work) {
  setBusy(true);
  setStatus('');
  try {
    await work();
  } catch (error) {
    setStatus(`The agent did not answer: ${error.message}`);
  } finally {
    setBusy(false);
    loadSessions();
  }
}

/** A spoken turn waits inside the voice session: its answer goes there, so that Klody goes on aloud. */
function answerAloud(turn, decision, card) {
  if (!talk || !turn.view.classList.contains('spoken-turn')) return false;
  card.remove();
  talk.answer(decision);
  return true;
}

async function decide(turn, approvalId, decision, card) {
  if (answerAloud(turn, decision, card)) return;
  if (busy) return;
  await run(async () => {
    card.remove();
    const response = await post(`/api/sessions/${sessionId}/approvals/${approvalId}`, { decision });
    if (!(await play(turn, response))) await openSession(sessionId);
  });
}

async function resume(turn, goOn, card) {
  if (answerAloud(turn, goOn ? 'approve' : 'deny', card)) return;
  if (busy) return;
  await run(async () => {
    card.remove();
    await play(turn, await post(`/api/sessions/${sessionId}/resume`, { goOn }));
  });
}

async function send(message) {
  await run(async () => {
    if (!sessionId) {
      const response = await post('/api/sessions', {});
      ({ sessionId } = await response.json());
      history.replaceState(null, '', `#${sessionId}`);
    }
    $('message').value = '';
    const turn = createTurnView(message);
    await play(turn, await post(`/api/sessions/${sessionId}/messages`, { message }));
  });
}

/** Shows a stored session: its messages, its steps per turn, and what still waits for a decision. */
async function openSession(id) {
  const response = await fetch(`/api/sessions/${encodeURIComponent(id)}`);
  if (!response.ok) {
    sessionId = null;
    history.replaceState(null, '', '#');
    return;
  }
  const detail = await response.json();
  sessionId = detail.sessionId;
  history.replaceState(null, '', `#${sessionId}`);
  $('conversation').replaceChildren();
  $('empty').hidden = detail.messages.length > 0;
  const turns = new Map();
  for (const message of detail.messages) {
    if (message.role === 'user') turns.set(message.turnId, createTurnView(message.text));
    else turns.get(message.turnId)?.setAnswer(message.text);
  }
  for (const step of detail.steps) turns.get(step.turnId)?.step(step);
  const last = [...turns.values()].at(-1);
  for (const approval of detail.pendingApprovals) turns.get(approval.turnId)?.askApproval(approval);
  if (detail.pendingQuestion && last) last.askToGoOn(detail.pendingQuestion.question);
  loadSessions();
}

async function loadSessions() {
  const response = await fetch('/api/sessions');
  if (!response.ok) return;
  const { sessions } = await response.json();
  const list = $('session-list');
  list.replaceChildren();
  for (const session of sessions) {
    const item = element('li');
    const button = element(
      'button',
      session.sessionId === sessionId ? 'current' : '',
      session.title || 'New conversation',
    );
    button.type = 'button';
    button.title = session.updatedAt;
    button.addEventListener('click', () => {
      if (!busy) openSession(session.sessionId);
    });
    item.append(button);
    list.append(item);
  }
}

function setVoiceStatus(text) {
  $('voice-status').textContent = text;
}

function setTalking(talking) {
  $('talk-button').setAttribute('aria-pressed', String(talking));
  $('talk-button').textContent = talking ? 'Stop talking' : 'Talk';
}

/** The turn a spoken message fills: the one its transcript opened, or an unnamed one. */
function currentVoiceTurn() {
  voiceTurn ??= createTurnView(null);
  return voiceTurn;
}

/** One message of the voice loop (voice-protocol.ts) onto the page. */
function showVoiceMessage(message) {
  switch (message.type) {
    case 'ready':
      setVoiceStatus(
        message.duplex === 'full'
          ? 'Listening. You can interrupt Klody by speaking.'
          : 'Listening. Klody does not hear you while it speaks.',
      );
      break;
    case 'speech-start':
      setVoiceStatus('Hearing you…');
      break;
    case 'speech-end':
      setVoiceStatus('Thinking…');
      break;
    case 'transcript':
      if (!message.final) {
        $('voice-transcript').textContent = message.text;
        break;
      }
      $('voice-transcript').textContent = '';
      voiceTurn = createTurnView(message.text);
      voiceTurn.view.classList.add('spoken-turn');
      break;
    case 'agent':
      // The answer's text comes as the sentences Klody speaks; steps and approvals as on a typed turn.
      if (message.event.type !== 'text-delta' && message.event.type !== 'step-start')
        showEvent(currentVoiceTurn(), message.event.type, message.event);
      break;
    case 'sentence':
      currentVoiceTurn().speak(message.text);
      setVoiceStatus('Klody is speaking…');
      break;
    case 'decision':
      currentVoiceTurn().removeApprovals();
      currentVoiceTurn().note(
        message.heard ? `Heard “${message.heard}”: ${message.decision}.` : `Answered: ${message.decision}.`,
      );
      break;
    case 'ignored':
      if (message.reason === 'not_a_decision') setVoiceStatus('Say yes or no, or use the buttons.');
      break;
    case 'interrupted':
      currentVoiceTurn().note('Interrupted.');
      setVoiceStatus('Listening.');
      break;
    case 'turn-end':
      voiceTurn = null;
      setVoiceStatus('Listening.');
      loadSessions();
      break;
    case 'error':
      setVoiceStatus(message.message);
      break;
  }
}

async function toggleTalk() {
  if (talk) {
    talk.stop();
    return;
  }
  if (talkAttempt) return; // still starting
  const attempt = {};
  talkAttempt = attempt;
  setTalking(true);
  setVoiceStatus('Starting the microphone…');
  const onEnd = (reason) => {
    if (talkAttempt !== attempt) return;
    talkAttempt = null;
    talk = null;
    voiceTurn = null;
    setTalking(false);
    setVoiceStatus(reason ? `Stopped: ${reason}.` : 'Stopped.');
  };
  try {
    const started = await startVoiceTalk({
      sessionId,
      onMessage: showVoiceMessage,
      onEnd,
      reportOn: $('talk'),
    });
    if (talkAttempt === attempt) talk = started;
  } catch (error) {
    onEnd(`cannot use the microphone (${error.message})`);
  }
}

$('talk-button').addEventListener('click', () => toggleTalk());
$('message-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const message = $('message').value.trim();
  if (message && !busy) send(message);
});
$('message').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('message-form').requestSubmit();
  }
});
$('new-session').addEventListener('click', () => {
  if (busy) return;
  talk?.stop();
  sessionId = null;
  history.replaceState(null, '', '#');
  $('conversation').replaceChildren();
  $('empty').hidden = false;
  loadSessions();
});

if (location.hash.length > 1) openSession(decodeURIComponent(location.hash.slice(1)));
else loadSessions();

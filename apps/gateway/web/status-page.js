// The gateway's status page: plain JavaScript, no framework. Every two seconds it reads
// /admin/status and /admin/activity and redraws the workers, the memory bar, the queues and the last
// requests in place, without reloading. When the gateway has an API key, the page asks for it once and
// keeps it in sessionStorage (this tab only) to send as a bearer.

const pollMs = 2_000;
const keyItem = 'klody-gateway-api-key';
const holdingStates = new Set(['starting', 'ready', 'stopping', 'survivor']);

const $ = (id) => document.getElementById(id);

class KeyNeeded extends Error {}

/** One admin call, with the stored key when there is one. */
async function getJson(path) {
  const key = sessionStorage.getItem(keyItem);
  const response = await fetch(path, {
    cache: 'no-store',
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  if (response.status === 401) throw new KeyNeeded();
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message ?? `${path} answered ${response.status}`);
  }
  return response.json();
}

/** A table cell (or any element) whose text is set, never parsed as HTML: worker errors are text. */
function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

const gib = (value) => (value === null || value === undefined ? '–' : `${value.toFixed(2)} GiB`);
const number = (value) => (value === null || value === undefined ? '–' : String(value));

function renderOverall(status) {
  const overall = $('overall');
  overall.textContent = status.status;
  overall.className = `badge badge-${status.status}`;
  $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

/** The budget as a bar, one segment per worker holding memory (measured when known, else estimated). */
function renderMemory(status) {
  const segments = [];
  const legend = [];
  for (const worker of status.workers) {
    if (!holdingStates.has(worker.state)) continue;
    const gb = worker.measuredGb ?? worker.estimatedGb;
    const colour = `colour-${segments.length % 4}`;
    const label = `${worker.name} ${gib(gb)}${worker.measuredGb === null ? ' (estimated)' : ''}`;
    const segment = element('span', null, colour);
    segment.dataset.worker = worker.name;
    segment.title = label;
    // CSSOM, not a style attribute: the page's Content Security Policy allows no inline style.
    segment.style.width = `${Math.min(100, (gb / Math.max(status.budgetGb, 1e-9)) * 100)}%`;
    if (status.usedGb > status.budgetGb) segment.classList.add('over');
    segments.push(segment);
    const item = element('li');
    item.append(element('span', null, `swatch ${colour}`), label);
    legend.push(item);
  }
  $('memory-bar').replaceChildren(...segments);
  $('memory-bar').setAttribute(
    'aria-label',
    `memory: ${gib(status.usedGb)} used of a ${gib(status.budgetGb)} budget`,
  );
  $('memory-legend').replaceChildren(...legend);
  const available =
    status.availableGb === null ? '' : ` · ${gib(status.availableGb)} available on the machine`;
  $('memory-text').textContent =
    `${gib(status.usedGb)} used of a ${gib(status.budgetGb)} budget (${Math.round(
      (status.usedGb / Math.max(status.budgetGb, 1e-9)) * 100,
    )} %)${available}`;
}

function renderWorkers(status) {
  const rows = status.workers.map((worker) => {
    const row = element('tr');
    row.dataset.worker = worker.name;
    const name = element('td');
    name.append(element('strong', worker.name));
    if (worker.aliases.length > 0) name.append(element('div', worker.aliases.join(', '), 'muted'));
    const state = element('td');
    state.append(element('span', worker.state, `state state-${worker.state}`));
    if (worker.pinned) state.append(element('span', ' pinned', 'muted'));
    row.append(
      name,
      state,
      element('td', number(worker.pid), 'number'),
      element('td', `${gib(worker.measuredGb)} / ${gib(worker.estimatedGb)}`, 'number'),
      element('td', `${worker.inflight} / ${worker.slots}`, 'number inflight'),
      element('td', worker.queued, 'number queued'),
      element('td', worker.requests, 'number requests'),
      element('td', worker.starts, 'number starts'),
      element('td', worker.lastError ?? '', 'error-text'),
    );
    return row;
  });
  $('workers-body').replaceChildren(...rows);
}

function renderQueues(status) {
  const items = status.workers
    .filter((worker) => worker.inflight > 0 || worker.queued > 0)
    .map((worker) =>
      element(
        'li',
        `${worker.name}: ${worker.inflight} of ${worker.slots} slots busy, ${worker.queued} waiting`,
      ),
    );
  if (items.length === 0) items.push(element('li', 'No request in flight or waiting.', 'muted'));
  $('queues').replaceChildren(...items);
}

/** The request ids shown by the last redraw (null before the first): new ones are highlighted. */
let shownRequests = null;

function renderRequests(activity) {
  const rows = activity.requests.map((request) => {
    const row = element('tr');
    row.dataset.requestId = request.requestId;
    row.dataset.outcome = request.outcome;
    if (shownRequests !== null && !shownRequests.has(request.requestId)) row.classList.add('fresh');
    const tokens =
      request.tokensIn === null && request.tokensOut === null
        ? '–'
        : `${number(request.tokensIn)} / ${number(request.tokensOut)}`;
    row.append(
      element('td', new Date(request.at).toLocaleTimeString()),
      element('td', request.model, 'model'),
      element('td', request.worker, 'worker'),
      element('td', request.route),
      element('td', request.status, 'number status'),
      element('td', request.outcome.replace('_', ' ')),
      element('td', number(request.queueWaitMs), 'number'),
      element('td', number(request.firstByteMs), 'number'),
      element('td', number(request.durationMs), 'number'),
      element('td', tokens, 'number tokens'),
      element('td', number(request.tokensPerSecond), 'number'),
      element('td', request.requestId, 'id'),
    );
    return row;
  });
  shownRequests = new Set(activity.requests.map((request) => request.requestId));
  $('requests-body').replaceChildren(...rows);
  $('requests-empty').hidden = rows.length > 0;
}

let timer = null;

async function refresh() {
  clearTimeout(timer);
  try {
    const [status, activity] = await Promise.all([getJson('/admin/status'), getJson('/admin/activity')]);
    $('key-form').hidden = true;
    $('unreachable').hidden = true;
    renderOverall(status);
    renderMemory(status);
    renderWorkers(status);
    renderQueues(status);
    renderRequests(activity);
  } catch (error) {
    if (error instanceof KeyNeeded) {
      // Ask for the key and wait for it: polling on would only repeat the refusal.
      $('key-error').hidden = sessionStorage.getItem(keyItem) === null;
      sessionStorage.removeItem(keyItem);
      $('key-form').hidden = false;
      $('api-key').focus();
      return;
    }
    $('unreachable').hidden = false;
    $('unreachable').textContent = `The gateway cannot be read: ${error.message}`;
  }
  timer = setTimeout(refresh, pollMs);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(keyItem, $('api-key').value.trim());
  $('api-key').value = '';
  void refresh();
});

void refresh();

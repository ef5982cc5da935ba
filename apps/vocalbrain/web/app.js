// VocalBrain's page: plain modules, no build. Every call is same-origin, so the loopback policy
// lets it through; errors come back as { error: { code, message } } and are shown as they are.

const $ = (id) => document.getElementById(id);

function show(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    return body?.error?.message ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.json();
}

/** The choice of the select as a speech request's `model` and `voice`. */
function speaker() {
  const value = $('speak-voice').value;
  if (value.startsWith('profile:')) return { model: value.slice('profile:'.length) };
  if (value.startsWith('voice:')) return { model: 'auto', voice: value.slice('voice:'.length) };
  return { model: 'auto' };
}

async function loadVoices() {
  const select = $('speak-voice');
  try {
    const { voices = [], profiles = [] } = await getJson('/v1/audio/voices');
    if (profiles.length > 0) {
      const group = document.createElement('optgroup');
      group.label = 'Profiles';
      for (const profile of profiles) group.append(new Option(profile.name, `profile:${profile.name}`));
      select.append(group);
    }
    const group = document.createElement('optgroup');
    group.label = 'Voices';
    for (const voice of voices) group.append(new Option(`${voice.id} — ${voice.name}`, `voice:${voice.id}`));
    select.append(group);
  } catch (error) {
    show($('speak-status'), `voices: ${error.message}`, true);
  }
}

$('speak-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('speak-button');
  const status = $('speak-status');
  button.disabled = true;
  show(status, 'speaking…');
  try {
    const response = await fetch('/v1/audio/speech', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...speaker(), input: $('speak-text').value, response_format: 'wav' }),
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    const audio = $('speak-audio');
    if (audio.src) URL.revokeObjectURL(audio.src);
    audio.src = URL.createObjectURL(await response.blob());
    audio.hidden = false;
    show(status, response.headers.get('x-klody-route') ?? 'done');
    // Not awaited: a browser without an audio output may never say that playback started.
    audio.play().catch(() => {});
  } catch (error) {
    show(status, error.message, true);
  } finally {
    button.disabled = false;
  }
});

$('job-button').addEventListener('click', async () => {
  const status = $('speak-status');
  try {
    const response = await fetch('/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...speaker(), input: $('speak-text').value }),
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    const { job } = await response.json();
    show(status, `job ${job?.id ?? ''} queued`);
    await refreshJobs();
  } catch (error) {
    show(status, error.message, true);
  }
});

function jobEntry(job) {
  const item = document.createElement('li');
  const title = document.createElement('div');
  title.textContent = `${job.id} · ${job.status} · ${job.voice?.engine ?? ''}${job.voice?.voice ? `/${job.voice.voice}` : ''}`;
  const progress = document.createElement('progress');
  progress.max = Math.max(1, job.segmentsTotal ?? 1);
  progress.value = job.segmentsDone ?? 0;
  item.append(title, progress);
  if (job.reason) {
    const reason = document.createElement('p');
    reason.className = 'status';
    reason.textContent = job.reason;
    item.append(reason);
  }
  for (const output of job.items ?? []) {
    if (job.status !== 'done' || !output.audioUrl) continue;
    const audio = document.createElement('audio');
    audio.controls = true;
    audio.preload = 'metadata';
    audio.src = output.audioUrl;
    item.append(audio);
  }
  if (!['done', 'failed', 'cancelled'].includes(job.status)) {
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'secondary';
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', async () => {
      await fetch(`/api/jobs/${encodeURIComponent(job.id)}/cancel`, { method: 'POST' });
      await refreshJobs();
    });
    item.append(cancel);
  }
  return item;
}

// Each job's entry is made again only when the job changed: remaking a finished job's entry every
// two seconds would stop its audio while it plays.
const jobEntries = new Map();

async function refreshJobs() {
  try {
    const { jobs = [] } = await getJson('/api/jobs');
    const entries = jobs.map((job) => {
      const version = `${job.status}:${job.segmentsDone}:${job.updatedAt}`;
      const kept = jobEntries.get(job.id);
      if (kept?.version === version) return kept.element;
      const element = jobEntry(job);
      jobEntries.set(job.id, { version, element });
      return element;
    });
    const list = $('jobs');
    if (
      entries.length !== list.children.length ||
      entries.some((entry, index) => list.children[index] !== entry)
    )
      list.replaceChildren(...entries);
    show($('jobs-status'), jobs.length === 0 ? 'no job yet' : '');
  } catch (error) {
    show($('jobs-status'), `jobs: ${error.message}`, true);
  }
}

function trackEntry(track) {
  const item = document.createElement('li');
  item.dataset.track = String(track.id);
  const title = document.createElement('strong');
  title.textContent = track.title;
  const description = document.createElement('div');
  description.textContent = track.description;
  const tags = document.createElement('div');
  tags.className = 'tags';
  for (const tag of track.tags) {
    const chip = document.createElement('span');
    chip.textContent = tag;
    tags.append(chip);
  }
  item.append(title, description, tags);
  if (track.words) {
    const words = document.createElement('div');
    words.className = 'status';
    words.textContent = `“${track.words}”`;
    item.append(words);
  }
  const audio = document.createElement('audio');
  audio.controls = true;
  audio.preload = 'metadata';
  audio.src = track.audioUrl;
  item.append(audio);
  return item;
}

$('find-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('find-status');
  show(status, 'searching…');
  try {
    const query = $('find-query').value;
    const answer = await getJson(`/api/library/find?q=${encodeURIComponent(query)}&k=5`);
    $('tracks').replaceChildren(...answer.tracks.map(trackEntry));
    const how =
      answer.mode === 'lexical'
        ? `by words${answer.note ? ` (${answer.note})` : ''}`
        : `by meaning (${answer.embedder})`;
    show(status, `${answer.tracks.length} track${answer.tracks.length === 1 ? '' : 's'}, found ${how}`);
  } catch (error) {
    show(status, error.message, true);
  }
});

$('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('add-status');
  const file = $('add-file').files?.[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('description', $('add-description').value);
  form.append('tags', $('add-tags').value);
  show(status, 'adding (transcribing its words when a transcriber is installed)…');
  try {
    const response = await fetch('/api/library/tracks', { method: 'POST', body: form });
    if (!response.ok) throw new Error(await errorMessage(response));
    const { track } = await response.json();
    show(status, `added "${track.title}" (${track.duration.toFixed(1)} s): ${track.wordsNote}`);
    $('add-form').reset();
  } catch (error) {
    show(status, error.message, true);
  }
});

await loadVoices();
await refreshJobs();
// Jobs move on their own: follow them while the page is open.
setInterval(refreshJobs, 2_000);

// accord workbench: the page's behaviour, in plain JavaScript. Every text that comes from a
// config, a file name, a manifest or a signature is set with textContent, never as markup.
'use strict';

const view = document.getElementById('view');
const statusBox = document.getElementById('status');
let running = 0;

// ---- helpers -------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    // Through the CSSOM: the page's policy refuses style attributes.
    else if (name === 'style') node.style.cssText = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function say(message, error) {
  statusBox.textContent = message || '';
  statusBox.className = error ? 'error' : '';
  if (message && !error) setTimeout(() => { if (statusBox.textContent === message) statusBox.textContent = ''; }, 4000);
}

async function call(method, url, body, raw) {
  running += 1;
  document.body.dataset.state = 'busy';
  try {
    const options = { method, headers: {} };
    if (raw) { options.body = raw; options.headers['Content-Type'] = 'application/pdf'; }
    else if (body !== undefined) { options.body = JSON.stringify(body); options.headers['Content-Type'] = 'application/json'; }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({ error: 'The workbench gave an answer that cannot be read.' }));
    if (!response.ok) { const e = new Error(data.error || ('HTTP ' + response.status)); e.status = response.status; throw e; }
    return data;
  } finally {
    running -= 1;
    if (running === 0) document.body.dataset.state = 'idle';
  }
}

function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

// ---- routing -------------------------------------------------------------------------
async function route() {
  const hash = location.hash || '#/';
  for (const a of document.querySelectorAll('[data-nav]')) a.removeAttribute('aria-current');
  try {
    if (hash.startsWith('#/session/')) {
      await openSession(decodeURIComponent(hash.slice('#/session/'.length)));
    } else if (hash === '#/check') {
      document.querySelector('[data-nav=check]').setAttribute('aria-current', 'page');
      await checkView();
    } else {
      document.querySelector('[data-nav=sessions]').setAttribute('aria-current', 'page');
      await sessionsView();
    }
  } catch (e) {
    view.replaceChildren(el('div', { class: 'card' }, el('h1', { text: 'Something went wrong' }), el('p', { class: 'problem', text: e.message })));
  }
}
window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', route);

// ---- sessions ------------------------------------------------------------------------
function sessionState(s) {
  if (s.error) return el('span', { class: 'badge bad', text: 'Cannot be read: ' + s.error });
  const parts = [];
  if (s.package && s.package.signed) {
    let text = 'Built, signed by ' + (s.package.signers.join(', ') || 'nobody');
    if (s.package.cosigners.length) text += '; co-signed by ' + s.package.cosigners.join(', ');
    parts.push(el('span', { class: 'badge signed', text }));
  } else if (s.package) {
    parts.push(el('span', { class: 'badge signed', text: 'Built, not signed' }));
  }
  if (s.problems === 0) { if (!s.package) parts.push(el('span', { class: 'badge ready', text: 'Ready to build' })); }
  else parts.push(el('span', { class: 'badge todo', text: plural(s.problems, 'thing', 'things') + ' to fill in or decide' }));
  return el('span', {}, ...parts.map((p, i) => i ? [' ', p] : p));
}

async function sessionsView() {
  const data = await call('GET', '/api/sessions');
  const rows = data.sessions.map(s => el('tr', {},
    el('td', {}, el('a', { href: '#/session/' + encodeURIComponent(s.name), 'data-session': s.name, text: s.name })),
    el('td', { text: s.id || '' }),
    el('td', {}, sessionState(s))));
  const input = el('input', { type: 'text', id: 'new-name', name: 'new-session', autocomplete: 'off', 'aria-describedby': 'new-help', placeholder: 'e.g. june-2016' });
  const problem = el('p', { class: 'problem', id: 'new-problem', role: 'alert' });
  const create = async (event) => {
    event.preventDefault();
    problem.textContent = '';
    const name = input.value.trim();
    try {
      await call('POST', '/api/sessions', { name });
      location.hash = '#/session/' + encodeURIComponent(name);
    } catch (e) { problem.textContent = e.message; input.focus(); }
  };
  view.replaceChildren(
    el('h1', { text: 'Sessions' }),
    el('p', { class: 'lead', text: 'Each session is one signing: its details, your decisions on the proposed changes, and the package of signed documents. The sessions are kept in the folder ' + data.dir + '.' }),
    el('div', { class: 'card' },
      rows.length ? el('table', { class: 'sessions' },
        el('thead', {}, el('tr', {}, el('th', { text: 'Session' }), el('th', { text: 'Package' }), el('th', { text: 'State' }))),
        el('tbody', {}, rows)) : el('p', { text: 'There is no session yet. Create the first one below.' })),
    el('form', { class: 'card', onsubmit: create },
      el('h2', { text: 'New session', style: 'margin-top:0' }),
      el('div', { class: 'new-session' },
        el('div', { class: 'field' },
          el('label', { for: 'new-name', text: 'Name of the new session' }),
          el('span', { class: 'help', id: 'new-help', text: 'Letters, digits, dots, hyphens and underscores, e.g. june-2016. It names the session\'s file.' }),
          input),
        el('button', { type: 'submit', 'data-action': 'create', text: 'Create session' })),
      problem));
}

// ---- one session ---------------------------------------------------------------------
let current = null;

async function openSession(name) {
  const data = await call('GET', '/api/sessions/' + encodeURIComponent(name));
  current = {
    name, form: data.form, documents: data.documents, amendments: data.amendments,
    snapshot: data.session, document: 0, shownRevision: 0, pages: [], queue: new Map(),
    sending: false, edits: 0, editStarted: new Map(), latencies: [],
  };
  window.accordLatencies = current.latencies;
  renderSession();
  showSnapshot(data.session);
  requestPreview(data.session.revision);
}

function fieldInput(field, value) {
  const id = 'f-' + field.key.replace(/[^a-z0-9]/gi, '-');
  const described = id + '-help';
  let input;
  if (field.kind === 'yesno') {
    input = el('select', { id, name: field.key, 'aria-describedby': described },
      el('option', { value: '', text: 'Choose…' }), el('option', { value: 'true', text: 'Yes' }), el('option', { value: 'false', text: 'No' }));
    input.value = value === true ? 'true' : value === false ? 'false' : '';
  } else if (field.kind === 'choice') {
    input = el('select', { id, name: field.key, 'aria-describedby': described },
      el('option', { value: '', text: 'Choose…' }), field.choices.map(c => el('option', { value: c, text: c })));
    input.value = value ?? '';
  } else if (field.kind === 'integer') {
    input = el('input', { id, name: field.key, type: 'number', min: field.min, max: field.max, step: 1, 'aria-describedby': described });
    input.value = value ?? '';
  } else {
    input = el('input', { id, name: field.key, type: 'text', autocomplete: 'off', spellcheck: field.kind === 'text' ? 'true' : 'false', 'aria-describedby': described });
    if (field.kind === 'date') input.setAttribute('inputmode', 'numeric');
    input.value = Array.isArray(value) ? value.join(', ') : (value ?? '');
    // The starter's placeholders (xx, xxxx-xx-xx) show as an empty field waiting to be filled,
    // with an example of what to type.
    if (/^[x ,-]+$/i.test(input.value)) input.value = '';
    const example = field.example || (field.kind === 'date' ? '2016-09-19' : '');
    if (example) input.placeholder = 'For example: ' + example;
  }
  input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', (event) => {
    let v = input.value;
    if (field.kind === 'yesno') v = v === '' ? null : v === 'true';
    else if (field.kind === 'integer') { const n = Number(v); if (v === '' || !Number.isInteger(n)) return; v = n; }
    else if (field.kind === 'list') v = v.split(',').map(s => s.trim()).filter(Boolean);
    edit(field.key, v, event.timeStamp);
  });
  let help = field.help;
  if (field.example && field.kind !== 'date') help += (help ? ' ' : '') + 'For example: ' + field.example + '.';
  if (field.kind === 'date') help += (help ? ' ' : '') + 'Write it as year-month-day, e.g. 2016-09-19.';
  if (field.kind === 'list') help += (help ? ' ' : '') + 'Separate several with commas' + (field.choices.length ? ' (one of: ' + field.choices.join(', ') + ')' : '') + '.';
  return el('div', { class: 'field' },
    el('label', { for: id, text: field.label }),
    el('span', { class: 'help', id: described, text: help }),
    field.kind === 'date' ? datePicker(field, input) : input,
    el('p', { class: 'problem', 'data-problem-for': field.key, role: 'alert' }));
}

// A date field: the text the user types (what is checked and saved, even a date no calendar
// has, so that its problem can be shown) beside a calendar to pick it from.
function datePicker(field, input) {
  const picker = el('input', { type: 'date', class: 'picker', 'data-picker-for': field.key, 'aria-label': 'Pick the ' + field.label.toLowerCase() + ' from a calendar' });
  // A date the browser cannot read (2016-02-30) leaves the calendar empty, never the text.
  const follow = () => { picker.value = /^\d{4}-\d{2}-\d{2}$/.test(input.value.trim()) ? input.value.trim() : ''; };
  follow();
  input.addEventListener('input', follow);
  picker.addEventListener('change', (event) => {
    if (!picker.value || picker.value === input.value) return;
    input.value = picker.value;
    edit(field.key, picker.value, event.timeStamp);
  });
  picker.addEventListener('click', () => { try { picker.showPicker(); } catch (e) { /* the browser opens it itself */ } });
  return el('div', { class: 'date-row' }, input, picker);
}

// What to do about a value still to fill in, in the words of the form: from the field's
// example (the field's help is shown above it already).
function unfilledHint(field) {
  if (field.kind === 'date') return 'Still to fill in: pick the date from the calendar, or type it as year-month-day, e.g. ' + (field.example || '2016-09-19') + '.';
  if (field.kind === 'choice') return 'Still to choose: pick one of the list.';
  if (field.kind === 'list') return 'Still to fill in' + (field.example ? ', e.g. ' + field.example : '') + (field.choices.length ? ' (one or more of: ' + field.choices.join(', ') + ')' : '') + '.';
  return 'Still to fill in' + (field.example ? ', e.g. ' + field.example : '') + '.';
}

// What the page calls the thing a config key is: its field's label, or its amendment's place.
function nameOf(key) {
  for (const group of current.form) for (const f of group.fields) if (f.key === key) return (group.table ? group.title + ': ' : '') + f.label;
  const a = current.amendments.find(a => 'amendments.' + a.id === key);
  if (a) return 'Proposed change, ' + (a.place || a.summary);
  return key;
}

function renderSession() {
  const s = current.snapshot;
  const save = el('button', { type: 'button', 'data-action': 'save', onclick: saveSession, text: 'Save' });
  const reload = el('button', { type: 'button', class: 'secondary', 'data-action': 'reload', onclick: reloadSession, text: 'Reload from disk' });
  const saved = el('span', { class: 'saved', id: 'saved' });
  const details = current.form.map(group => el('fieldset', {},
    el('legend', { text: group.title }),
    group.help ? el('p', { class: 'group-help', text: group.help }) : null,
    group.fields.map(f => fieldInput(f, s.values[f.key]))));
  const changes = current.amendments.map(a => {
    const key = 'amendments.' + a.id;
    const decision = s.values[key];
    const radio = (value, label) => el('label', {},
      el('input', { type: 'radio', name: key, value, checked: decision === value, onchange: (event) => { current.seekChange = true; edit(key, value, event.timeStamp); renderReads(a); } }), label);
    return el('fieldset', { class: 'amendment', 'data-amendment': a.id },
      el('legend', { text: a.place || a.summary }),
      a.struck || a.inserted
        ? el('p', { class: 'passage' }, a.before, a.struck ? el('del', { text: a.struck }) : null, a.struck && a.inserted ? ' ' : '', a.inserted ? el('ins', { text: a.inserted }) : null, a.after)
        : null,
      el('div', { class: 'choices' }, radio('accept', 'Accept the change'), radio('reject', 'Reject the change')),
      el('p', { class: 'reads', id: 'reads-' + a.id }),
      el('p', { class: 'problem', 'data-problem-for': key, role: 'alert' }));
  });
  const docTabs = current.documents.map((d, i) => el('button', {
    type: 'button', class: i === current.document ? '' : 'secondary', 'aria-pressed': String(i === current.document),
    onclick: () => { current.document = i; current.shownRevision = 0; renderSession(); showSnapshot(current.snapshot); requestPreview(current.snapshot.revision); },
    text: d.role.charAt(0).toUpperCase() + d.role.slice(1) }));
  view.replaceChildren(el('div', { class: 'session' },
    el('div', { class: 'form-column' },
      el('div', { class: 'toolbar' }, save, reload, saved),
      el('h1', {}, 'Session ', el('span', { text: current.name })),
      el('ol', { class: 'steps', 'aria-label': 'Steps' },
        el('li', {}, el('a', { href: '#details', onclick: jump, text: '1. Details' })),
        el('li', {}, el('a', { href: '#changes', onclick: jump, text: '2. Proposed changes' })),
        el('li', {}, el('a', { href: '#review', onclick: jump, text: '3. Review' })),
        el('li', {}, el('a', { href: '#build', onclick: jump, text: '4. Build and sign' }))),
      el('section', { class: 'card', id: 'details', 'aria-labelledby': 'details-h' },
        el('h2', { id: 'details-h', style: 'margin-top:0', text: '1. Details of the signing' }),
        el('p', { class: 'lead', text: 'Fill in every field. What is wrong or missing is said under the field as you type; the preview on the right shows the document as it will be signed.' }),
        el('p', { class: 'problem', 'data-problem-for': '', role: 'alert' }),
        details),
      el('section', { class: 'card', id: 'changes', 'aria-labelledby': 'changes-h' },
        el('h2', { id: 'changes-h', style: 'margin-top:0', text: '2. Proposed changes' }),
        el('p', { class: 'lead', text: 'The United Nations proposed these changes to the draft. Each is shown in its sentence as the Working Group draft shows it: struck words were proposed for deletion, underlined words for insertion. Accept or reject each one.' }),
        changes.length ? changes : el('p', { text: 'The proposed changes cannot be shown until the session\'s file can be read.' })),
      el('section', { class: 'card', id: 'review', 'aria-labelledby': 'review-h' },
        el('h2', { id: 'review-h', style: 'margin-top:0', text: '3. Review' }),
        el('div', { id: 'review-body' })),
      el('section', { class: 'card', id: 'build', 'aria-labelledby': 'build-h' },
        el('h2', { id: 'build-h', style: 'margin-top:0', text: '4. Build and sign' }),
        buildForm())),
    el('div', { class: 'preview-column' },
      el('div', { class: 'preview-head' }, docTabs, el('span', { class: 'note', id: 'preview-note', role: 'status' })),
      el('div', { class: 'preview-problems', id: 'preview-problems' }),
      el('div', { 'data-preview': '', 'data-revision': '0', 'aria-label': 'Preview of the document' }))));
  current.pages = [];
  for (const a of current.amendments) renderReads(a);
}

function jump(event) {
  event.preventDefault();
  const target = document.getElementById(event.currentTarget.getAttribute('href').slice(1));
  target.scrollIntoView({ block: 'start' });
  const first = target.querySelector('input, select, button');
  if (first) first.focus({ preventScroll: true });
}

function renderReads(a) {
  const p = document.getElementById('reads-' + a.id);
  if (!p) return;
  const decision = document.querySelector('input[name="amendments.' + a.id + '"]:checked');
  if (!decision) { p.replaceChildren('Not decided yet.'); return; }
  if (!a.struck && !a.inserted) { p.replaceChildren(decision.value === 'accept' ? 'Accepted.' : 'Rejected.'); return; }
  const words = decision.value === 'accept' ? a.inserted : a.struck;
  if (!words && !a.before.trim() && !a.after.trim()) { p.replaceChildren(el('strong', { text: 'The paragraph is removed; the other paragraphs keep their numbers.' })); return; }
  p.replaceChildren('Reads: ', a.before, words ? el('strong', { text: words }) : '', a.after);
}

function showSnapshot(s) {
  current.snapshot = s;
  const byKey = new Map();
  const fields = new Map(current.form.flatMap(g => g.fields).map(f => [f.key, f]));
  for (const p of s.problems) {
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    // A value still to fill in is said as the form says things, not with its placeholder.
    const field = fields.get(p.key);
    byKey.get(p.key).push(p.unfilled && field ? unfilledHint(field) : p.message);
  }
  for (const node of document.querySelectorAll('[data-problem-for]')) {
    const key = node.dataset.problemFor;
    const known = key === '' || document.querySelector('[name="' + CSS.escape(key) + '"]');
    const messages = byKey.get(key) || [];
    node.textContent = messages.join(' ');
    if (known) byKey.delete(key);
    const input = key && document.querySelector('[name="' + CSS.escape(key) + '"]');
    if (input && input.tagName !== 'FIELDSET') input.setAttribute('aria-invalid', messages.length ? 'true' : 'false');
  }
  // Problems of keys the form has no field for go to the top.
  const general = document.querySelector('[data-problem-for=""]');
  if (general) general.textContent = [general.textContent, ...[...byKey.entries()].map(([k, m]) => nameOf(k) + ': ' + m.join(' '))].filter(Boolean).join(' ');
  const saved = document.getElementById('saved');
  if (saved) {
    saved.textContent = s.unsaved ? 'Unsaved changes' : 'All changes saved';
    saved.className = 'saved' + (s.unsaved ? ' unsaved' : '');
  }
  const save = document.querySelector('[data-action=save]');
  if (save) save.disabled = !s.unsaved;
  renderReview();
}

function renderReview() {
  const box = document.getElementById('review-body');
  if (!box) return;
  const s = current.snapshot;
  const rows = [];
  for (const group of current.form) {
    for (const f of group.fields) {
      const v = s.values[f.key];
      const shown = v === undefined || v === '' ? (f.optional ? '(not given)' : '(empty)') : v === true ? 'Yes' : v === false ? 'No' : Array.isArray(v) ? v.join(', ') : String(v);
      rows.push(el('dt', { text: group.title + ' — ' + f.label }), el('dd', { text: shown }));
    }
  }
  for (const a of current.amendments) {
    const d = s.values['amendments.' + a.id];
    const cut = (t) => t.length > 60 ? t.slice(0, 57) + '…' : t;
    const what = !a.struck && !a.inserted ? a.summary : a.struck && a.inserted ? '“' + a.struck + '” → “' + a.inserted + '”'
      : a.inserted ? 'insert “' + a.inserted + '”' : 'delete “' + cut(a.struck) + '”';
    rows.push(el('dt', { text: a.place + ': ' + what }), el('dd', { text: d === 'accept' ? 'Accepted' : d === 'reject' ? 'Rejected' : 'Not decided' }));
  }
  const fields = new Map(current.form.flatMap(g => g.fields).map(f => [f.key, f]));
  const missing = s.problems.map(p => el('li', {}, p.key ? el('strong', { text: nameOf(p.key) + ': ' }) : '',
    p.unfilled && fields.get(p.key) ? unfilledHint(fields.get(p.key)) : p.message));
  box.replaceChildren(
    missing.length
      ? el('div', {}, el('p', { text: 'Still missing before the documents can be built and signed:' }), el('ul', { class: 'missing' }, missing))
      : el('p', { class: 'badge ready', text: 'Nothing is missing: the session is ready to build and sign.' }),
    el('dl', { class: 'review' }, rows,
      el('dt', { text: 'Fingerprint of this session\'s file (SHA-256, recorded in the package)' }), el('dd', {}, el('code', { class: 'hash', text: s.sha256 })),
      el('dt', { text: 'Saved' }), el('dd', { text: s.unsaved ? 'No: save before you build' : 'Yes' })));
}

// Pixels per point the preview's pictures need on this screen: the page's width on screen,
// in device pixels, over its width in points (595 for A4).
function previewScale() {
  const box = document.querySelector('[data-preview]');
  const width = box ? box.clientWidth - 24 : 800;
  return Math.max(0.5, Math.min(4, width * (window.devicePixelRatio || 1) / 595));
}

// Edits go to the server one at a time, in order; edits made while one is under way are
// merged (the newest value of each field) and sent next.
function edit(key, value, timeStamp) {
  current.queue.set(key, value);
  current.edits += 1;
  current.editStarted.set(current.edits, timeStamp || performance.now());
  pump();
}

async function pump() {
  if (current.sending || current.queue.size === 0) return;
  current.sending = true;
  const session = current;
  const started = performance.now();
  try {
    while (session.queue.size) {
      const [key, value] = session.queue.entries().next().value;
      session.queue.delete(key);
      const snapshot = await call('POST', '/api/sessions/' + encodeURIComponent(session.name) + '/edit', { key, value, document: session.document, scale: previewScale() });
      if (session !== current) return;
      session.inputAt = session.inputAt || new Map();
      session.inputAt.set(snapshot.revision, { input: session.editStarted.get(session.edits) || started, edited: performance.now() });
      // The preview is asked for first: the server lays it out while the form shows the
      // edit's problems.
      requestPreview(snapshot.revision);
      showSnapshot(snapshot);
    }
  } catch (e) {
    say(e.message, true);
  } finally {
    session.sending = false;
  }
}

async function requestPreview(revision) {
  const session = current;
  let shown;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const have = session.pages.map(p => p.hash);
      shown = await call('POST', '/api/sessions/' + encodeURIComponent(session.name) + '/preview', { revision, document: session.document, scale: previewScale(), have });
      break;
    } catch (e) {
      // A preview that took too long is asked for again, once.
      if (e.status !== 503 || attempt > 0 || session !== current) { say(e.message, true); return; }
    }
  }
  if (session !== current || shown.revision <= session.shownRevision || shown.document !== session.document) return;
  await showPreview(shown, performance.now());
}

// A page's picture, decoded (off the page's main thread) and ready to show: from the bytes
// the preview's answer carried, or else fetched.
async function picture(shown, hash) {
  let blob;
  const inline = shown.pictures && shown.pictures[hash];
  if (inline) {
    const text = atob(inline);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    blob = new Blob([bytes], { type: 'image/png' });
  } else {
    const response = await fetch('/api/pages/' + hash + '.png');
    if (!response.ok) return null;
    blob = await response.blob();
  }
  const img = new Image();
  img.alt = '';
  img.src = URL.createObjectURL(blob);
  try { await img.decode(); } catch (e) { return null; }
  return img;
}

async function showPreview(shown, answeredAt) {
  const session = current;
  const box = document.querySelector('[data-preview]');
  const note = document.getElementById('preview-note');
  const problems = document.getElementById('preview-problems');
  problems.replaceChildren(...shown.problems.map(p => el('p', { class: 'problem', text: p })));
  // The pictures of the pages that changed, all at once.
  const pictures = await Promise.all(shown.pages.map((page, i) => {
    const old = session.pages[i];
    return old && old.hash === page.hash ? null : picture(shown, page.hash);
  }));
  if (session !== current || shown.revision <= session.shownRevision) return;
  const decodedAt = performance.now();
  const replaced = [];
  shown.pages.forEach((page, i) => {
    let node = box.querySelector('[data-page="' + i + '"]');
    if (!node) {
      node = el('div', { 'data-page': String(i) }, el('img', { alt: '' }), el('div', { class: 'page-text' }));
      box.append(node);
    }
    node.querySelector('.page-text').textContent = page.text;
    node.style.aspectRatio = page.width + ' / ' + page.height;
    const img = pictures[i];
    if (img) {
      const old = node.querySelector('img');
      replaced[i] = old;
      img.alt = 'Page ' + (i + 1) + ' of ' + shown.pages.length;
      old.replaceWith(img);
      node.dataset.hash = page.hash;
      if (old.src.startsWith('blob:')) URL.revokeObjectURL(old.src);
    } else {
      node.querySelector('img').alt = 'Page ' + (i + 1) + ' of ' + shown.pages.length;
    }
    for (const b of node.querySelectorAll('.value')) b.remove();
    for (const v of page.values) {
      const field = current.form.flatMap(g => g.fields).find(f => f.key === v.key);
      node.append(el('button', {
        type: 'button', class: 'value', tabindex: '-1', 'data-key': v.key,
        title: 'Edit ' + (field ? field.label : v.key),
        style: 'left:' + (100 * v.x / page.width) + '%;top:' + (100 * v.y / page.height) + '%;width:' + (100 * v.w / page.width) + '%;height:' + (100 * v.h / page.height) + '%',
        onclick: () => focusField(v.key),
      }));
    }
  });
  for (const extra of [...box.querySelectorAll('[data-page]')].slice(shown.pages.length)) extra.remove();
  const first = session.pages.length > 0 && pictures.findIndex(Boolean);
  session.pages = shown.pages;
  // Bring the first page that changed into view, as an editor follows the cursor; after a
  // decision on an amendment, the very place it changed.
  if (first !== false && first >= 0) {
    if (session.seekChange) showChange(first, replaced[first], pictures[first]);
    else showPage(first);
  }
  session.seekChange = false;
  session.shownRevision = shown.revision;
  box.dataset.revision = String(shown.revision);
  const started = session.inputAt && session.inputAt.get(shown.revision);
  if (started !== undefined) {
    // Shown: the frame with the new picture is being painted.
    requestAnimationFrame(() => {
      const now = performance.now();
      session.latencies.push({
        revision: shown.revision, ms: now - started.input, server_ms: shown.server_ms, layout_ms: shown.layout_ms,
        drawn: shown.drawn, edit_ms: started.edited - started.input, answer_ms: answeredAt - started.input,
        decode_ms: decodedAt - answeredAt, show_ms: now - decodedAt,
      });
    });
  }
  const missing = current.snapshot.problems.length;
  note.textContent = shown.exact
    ? 'Exactly as it will be signed · ' + plural(shown.pages.length, 'page', 'pages')
    : 'Draft view: ' + plural(missing, 'thing', 'things') + ' still to fill in or decide (highlighted) · ' + plural(shown.pages.length, 'page', 'pages');
  note.className = 'note' + (shown.exact ? ' exact' : '');
}

// The first row of pixels, as a fraction of the height, where picture `after` differs from
// `before` (0 when they cannot be compared).
function changedRow(before, after) {
  const w = after.naturalWidth, h = after.naturalHeight;
  if (!before || !before.complete || before.naturalWidth !== w || before.naturalHeight !== h || !w) return 0;
  const canvas = document.createElement('canvas');
  canvas.width = w; canvas.height = h;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(before, 0, 0);
  const a = context.getImageData(0, 0, w, h).data;
  context.drawImage(after, 0, 0);
  const b = context.getImageData(0, 0, w, h).data;
  for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) return Math.floor(i / 4 / w) / h;
  return 0;
}

// Scrolls the preview to where page `index` changed (from picture `before` to `after`), unless
// that place is in view already; marks the place for a moment.
function showChange(index, before, after) {
  const box = document.querySelector('[data-preview]');
  const page = box && box.querySelector('[data-page="' + index + '"]');
  if (!page) return;
  const row = changedRow(before, after);
  const y = page.offsetTop + row * page.offsetHeight;
  if (y < box.scrollTop + 16 || y > box.scrollTop + box.clientHeight - 48) box.scrollTo({ top: Math.max(0, y - box.clientHeight / 3) });
  for (const old of box.querySelectorAll('.changed')) old.remove();
  page.append(el('div', { class: 'changed', 'aria-hidden': 'true', style: 'top:' + (100 * row) + '%' }));
}

// Scrolls the preview to page `index` when it is out of view (never to the top otherwise).
function showPage(index) {
  const box = document.querySelector('[data-preview]');
  const page = box && box.querySelector('[data-page="' + index + '"]');
  if (!page) return;
  const top = page.offsetTop, bottom = top + page.offsetHeight;
  if (top > box.scrollTop + box.clientHeight || bottom < box.scrollTop) box.scrollTo({ top: top - 8 });
}

function focusField(key) {
  const input = document.querySelector('[name="' + CSS.escape(key) + '"]');
  if (!input) return;
  input.scrollIntoView({ block: 'center' });
  input.focus({ preventScroll: true });
}

async function saveSession() {
  try {
    const s = await call('POST', '/api/sessions/' + encodeURIComponent(current.name) + '/save');
    showSnapshot(s);
    say('Saved.');
  } catch (e) {
    say(e.message, true);
  }
}

async function reloadSession() {
  if (current.snapshot.unsaved && !confirm('Drop your unsaved changes and read the file again?')) return;
  await call('POST', '/api/sessions/' + encodeURIComponent(current.name) + '/reload');
  await openSession(current.name);
  say('Reloaded from disk.');
}

function buildForm() {
  const result = el('div', { id: 'build-result' });
  const keyInput = el('input', { type: 'text', id: 'key-file', name: 'key-file', autocomplete: 'off', 'aria-describedby': 'key-help' });
  const signer = el('input', { type: 'text', id: 'signer', name: 'signer', autocomplete: 'off', 'aria-describedby': 'signer-help' });
  const pass = el('input', { type: 'password', id: 'passphrase', name: 'passphrase', autocomplete: 'off' });
  const run = async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const body = { key_file: keyInput.value, signer: signer.value || null, passphrase: pass.value };
    pass.value = '';
    try {
      const built = await call('POST', '/api/sessions/' + encodeURIComponent(current.name) + '/build', body);
      result.replaceChildren(packageView(built));
      say('The package is built and signed.');
    } catch (e) {
      result.replaceChildren(el('p', { class: 'problem', role: 'alert', text: e.message }));
    }
  };
  return el('form', { onsubmit: run },
    el('p', { class: 'lead', text: 'When nothing is missing and the session is saved, build the package: the documents are typeset exactly as the preview shows them and signed with your key.' }),
    el('div', { class: 'field' }, el('label', { for: 'key-file', text: 'Your secret key file' }), el('span', { class: 'help', id: 'key-help', text: 'The path of the .key file on this computer, e.g. /home/you/keys/secretariat.key.' }), keyInput),
    el('div', { class: 'field' }, el('label', { for: 'signer', text: 'Signer name (optional)' }), el('span', { class: 'help', id: 'signer-help', text: 'Recorded in the signatures; the key file\'s name when left empty.' }), signer),
    el('div', { class: 'field' }, el('label', { for: 'passphrase', text: 'Passphrase of the key' }), el('span', { class: 'help', text: 'Sent only to this workbench on this computer; never stored.' }), pass),
    el('button', { type: 'submit', 'data-action': 'build', text: 'Build and sign' }),
    result,
    cosignForm());
}

function cosignForm() {
  const result = el('div', { id: 'cosign-result' });
  const key = el('input', { type: 'text', id: 'co-key', name: 'cosign-key-file', autocomplete: 'off' });
  const signer = el('input', { type: 'text', id: 'co-signer', name: 'cosign-signer', autocomplete: 'off' });
  const pass = el('input', { type: 'password', id: 'co-pass', name: 'cosign-passphrase', autocomplete: 'off' });
  const trusted = el('textarea', { id: 'co-trusted', name: 'cosign-trusted', rows: 2, placeholder: 'RW… or ssh-ed25519 AAAA…', 'aria-describedby': 'co-trusted-help' });
  const run = async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const body = { key_file: key.value, signer: signer.value || null, passphrase: pass.value, trusted: trusted.value.split('\n') };
    pass.value = '';
    try {
      const done = await call('POST', '/api/packages/' + encodeURIComponent(current.snapshot.id) + '/cosign', body);
      result.replaceChildren(el('div', { class: 'package', 'data-cosigned': done.signer },
        el('h3', { text: 'Co-signed by ' + done.signer }),
        el('p', { text: 'Added to the package:' }), el('ul', {}, done.written.map(w => el('li', { text: w }))),
        el('p', { text: 'Public key to publish, with the package fingerprint (unchanged by co-signing):' }), fingerprintView(done.fingerprint),
        el('ul', { class: 'keys' }, done.keys.map(k => el('li', {}, el('code', { text: k }))))));
      say('The package is co-signed by ' + done.signer + '.');
    } catch (e) {
      result.replaceChildren(el('p', { class: 'problem', role: 'alert', text: e.message }));
    }
  };
  return el('details', { class: 'cosign' }, el('summary', { text: 'Co-sign the package (for the other signatory)' }),
    el('form', { onsubmit: run },
      el('p', { class: 'lead', text: 'The other party adds its signatures to the package, without changing the documents, once the package verifies with the keys its signers published.' }),
      el('div', { class: 'field' }, el('label', { for: 'co-trusted', text: 'Published public keys of the signers already in the package' }), el('span', { class: 'help', id: 'co-trusted-help', text: 'One per line, as the signers published them.' }), trusted),
      el('div', { class: 'field' }, el('label', { for: 'co-key', text: 'Your secret key file' }), key),
      el('div', { class: 'field' }, el('label', { for: 'co-signer', text: 'Your name as a signer (optional)' }), signer),
      el('div', { class: 'field' }, el('label', { for: 'co-pass', text: 'Passphrase of the key' }), pass),
      el('button', { type: 'submit', 'data-action': 'cosign', text: 'Co-sign' }),
      result));
}

function packageView(built) {
  const base = '/packages/' + encodeURIComponent(built.id) + '/';
  return el('div', { class: 'package', 'data-package': built.id },
    el('h3', { text: 'Package ' + built.id + ': built and signed' }),
    el('p', { text: 'The signed documents, in the folder out/' + built.id + ':' }),
    el('ul', {}, built.files.map(f => el('li', {},
      el('a', { href: base + encodeURIComponent(f.name), text: f.name }),
      ' — ' + f.role + ', ' + plural(f.pages, 'page', 'pages')))),
    el('p', {}, 'Recipients check a copy with the package\'s page: ',
      el('a', { href: base + built.page, target: '_blank', rel: 'noopener', text: 'open ' + built.page }), '.'),
    el('p', { text: 'Publish your public key and the package fingerprint (on your web site, in a letter) so that recipients can trust the signatures and know this signing from any other:' }),
    fingerprintView(built.fingerprint),
    el('ul', { class: 'keys' }, built.keys.map(k => el('li', {}, el('code', { text: k })))));
}

function fingerprintView(fingerprint) {
  return el('p', { class: 'fingerprint' }, 'Package fingerprint: ', el('code', { 'data-fingerprint': fingerprint, text: fingerprint }));
}

// ---- check a copy --------------------------------------------------------------------
// The words of `after` with those not in `before` marked inserted and those of `before` not
// in `after` marked struck (a longest common subsequence of words).
function wordDiff(before, after) {
  const a = before.split(' '), b = after.split(' ');
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  const word = (node) => { if (out.length) out.push(' '); out.push(node); };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { word(a[i]); i++; j++; }
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { word(el('ins', { text: b[j] })); j++; }
    else { word(el('del', { text: a[i] })); i++; }
  }
  return out;
}

// The copy's changed pages beside the signed ones, the words that differ boxed.
function sideBySide(checked, closest) {
  if (!checked.side_by_side || !checked.side_by_side.length) return null;
  const page = (side, who, kind) => {
    const bytes = Uint8Array.from(atob(side.png), c => c.charCodeAt(0));
    const img = el('img', { alt: who + ', page ' + side.page });
    img.src = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
    const sheet = el('div', { class: 'sheet', style: 'aspect-ratio:' + side.width + ' / ' + side.height }, img,
      side.marks.map(m => el('span', { class: 'mark ' + kind, 'aria-hidden': 'true',
        style: 'left:' + (100 * m[0] - 0.4) + '%;top:' + (100 * m[1] - 0.3) + '%;width:' + (100 * m[2] + 0.8) + '%;height:' + (100 * m[3] + 0.6) + '%' })));
    return el('figure', { 'data-side': kind }, el('figcaption', { text: who + ', page ' + side.page }), sheet);
  };
  return el('section', { class: 'side-by-side', 'aria-label': 'The pages that differ' },
    el('h3', { text: 'Where the words differ, page beside page' }),
    el('p', { class: 'help', text: 'On the left the signed ' + closest.document + ', on the right this copy. Words boxed in red on the left were changed or removed in the copy; words boxed in blue on the right are what the copy has instead.' }),
    checked.side_by_side.map(pair => el('div', { class: 'pair' },
      page(pair.signed, 'Signed ' + closest.document, 'signed'),
      page(pair.copy, 'This copy (' + checked.file + ')', 'copy'))));
}

async function checkView() {
  const data = await call('GET', '/api/packages');
  const select = el('select', { id: 'package', name: 'package' }, data.packages.map(p => el('option', { value: p, text: p })));
  const keys = el('textarea', { id: 'keys', name: 'keys', rows: 3, 'aria-describedby': 'keys-help', placeholder: 'RW… or ssh-ed25519 AAAA…' });
  const known = data.keys.map(k => el('label', {},
    el('input', { type: 'checkbox', value: k.key, name: 'known-key' }), el('span', {}, k.name + ' ', el('code', { text: k.key }))));
  const result = el('div', { id: 'check-result', 'aria-live': 'polite' });
  const file = el('input', { type: 'file', id: 'copy', accept: 'application/pdf,.pdf', 'data-action': 'check-copy' });
  const drop = el('div', { class: 'drop' }, el('p', {}, el('label', { for: 'copy', text: 'Drop the PDF here, or choose it: ' }), file));
  const check = async (f) => {
    if (!f) return;
    result.replaceChildren(el('p', { text: 'Checking ' + f.name + '…' }));
    const chosen = [...document.querySelectorAll('input[name=known-key]:checked')].map(c => c.value);
    const entered = keys.value.split('\n').map(s => s.trim()).filter(Boolean);
    const params = new URLSearchParams({ package: select.value, name: f.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'copy.pdf' });
    for (const k of [...chosen, ...entered]) params.append('key', k);
    try {
      const checked = await call('POST', '/api/check?' + params, undefined, await f.arrayBuffer());
      const title = { match: 'MATCH', no_match: 'NO MATCH', invalid: 'NOT VERIFIED' }[checked.status];
      const doc = checked.report.files[0] || {};
      const what = checked.status === 'match' ? 'This copy is exactly ' + (doc.document || '') + ' (' + (doc.role || '') + '), signed by every key you entered.'
        : checked.status === 'no_match' ? 'This copy is not a signed document of the package. What it is, in the words of accord verify, is below.' : 'This copy could not be verified with the keys you entered. Why, in the words of accord verify, is below.';
      const closest = doc.closest;
      const changes = closest && closest.differences.length
        ? el('div', {}, el('p', { text: 'The words that differ from the signed ' + closest.document + ' (' + closest.role + '):' }),
          el('ul', { class: 'changes' }, closest.differences.map(d => el('li', {},
            el('strong', { text: d.where + ': ' }), el('span', { class: 'passage' }, wordDiff(d.before, d.after))))))
        : null;
      result.replaceChildren(el('div', { class: 'verdict', 'data-status': checked.status, 'data-file': checked.file },
        el('h2', { text: title + ': ' + checked.file }), el('p', { text: what }),
        el('section', { 'aria-label': 'What accord verify says' },
          el('h3', { text: 'What accord verify says about this copy' }),
          el('pre', { class: 'explanation', text: checked.text })),
        sideBySide(checked, closest), changes));
      result.scrollIntoView({ block: 'start' });
    } catch (e) {
      result.replaceChildren(el('p', { class: 'problem', role: 'alert', text: e.message }));
    }
  };
  file.addEventListener('change', () => check(file.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); check(e.dataTransfer.files[0]); });
  view.replaceChildren(
    el('h1', { text: 'Check a copy' }),
    el('p', { class: 'lead', text: 'Someone sent back a PDF that should be one of the signed documents. Check whether it is exactly the signed original, and if not, what it is.' }),
    el('div', { class: 'card' },
      el('div', { class: 'field' }, el('label', { for: 'package', text: '1. The package it should belong to' }), data.packages.length ? select : el('p', { text: 'No package has been built yet.' })),
      el('div', { class: 'field keys' }, el('label', { for: 'keys', text: '2. The signers\' published public keys' }),
        el('span', { class: 'help', id: 'keys-help', text: 'Only keys you trust make a copy pass: paste the keys the signers published (one per line), or tick the ones kept with the sessions.' }),
        known, keys),
      el('div', { class: 'field' }, el('span', { class: 'label', text: '3. The copy' }), drop)),
    result);
}

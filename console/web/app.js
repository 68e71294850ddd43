// The console's pages, routed by the URL's hash:
//   #/                          state machines
//   #/machine/<arn>             one state machine: graph, executions, start
//   #/execution/<arn>[/<state>] one execution: graph with its path, states, events
// Any page shows the sign-in form instead when the server refuses the
// call for want of (valid) credentials.

import * as api from './api.js';
import { canSign } from './sigv4.js';
import { analyze, details } from './history.js';
import { renderGraph, legend } from './graph.js';

const REFRESH_MS = 2000;
const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
const refreshNote = document.getElementById('refresh');
const signOutLink = document.getElementById('signout');
let timer = 0; // the running execution's refresh
let generation = 0; // bumps on navigation; stale loads are dropped

/** h builds an element: h('a', {href}, 'text', child). */
function h(tag, props = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) if (k !== undefined && k !== null && k !== false) e.append(k);
  return e;
}

const link = (hash, text) => h('a', { href: hash }, text);
const machineHash = (arn) => `#/machine/${encodeURIComponent(arn)}`;
const executionHash = (arn, state) =>
  `#/execution/${encodeURIComponent(arn)}${state ? '/' + encodeURIComponent(state) : ''}`;

/** toDate accepts the API's epoch seconds (or an ISO string). */
function toDate(t) {
  if (t === undefined || t === null || t === '') return null;
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}
const fmtTime = (t) => { const d = toDate(t); return d ? d.toLocaleString() : '–'; };
function fmtDuration(a, b) {
  const s = toDate(a);
  const e = toDate(b) || new Date();
  if (!s) return '–';
  const ms = e - s;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60000);
  return m < 60 ? `${m} min ${Math.round((ms % 60000) / 1000)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** pretty shows JSON text (or a decoded value) indented. */
function pretty(v) {
  if (v === undefined) return '';
  if (typeof v === 'string') {
    try { return JSON.stringify(JSON.parse(v), null, 2); } catch { return v; }
  }
  return JSON.stringify(v, null, 2);
}
const codeBlock = (v, empty = '(none)') => h('pre', { class: 'json' }, v === undefined || v === null ? empty : pretty(v));
const badge = (status) => h('span', { class: `badge badge-${String(status).toLowerCase()}` }, status);

function setCrumbs(...items) {
  crumbs.replaceChildren(...items.flatMap((it, i) => (i ? [h('span', { class: 'sep' }, '/'), it] : [it])));
}
function showError(err) {
  main.replaceChildren(h('div', { class: 'error' }, h('strong', {}, 'Error: '), String(err.message || err)));
}
function nameOf(arn) { return String(arn).split(':').pop(); }

// ---- state machines --------------------------------------------------------

async function machinesPage(gen) {
  setCrumbs(h('span', {}, 'State machines'));
  const list = await api.listStateMachines();
  if (gen !== generation) return;
  list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  main.replaceChildren(
    h('h1', {}, 'State machines'),
    list.length
      ? h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Created'))),
        h('tbody', {}, list.map((m) => h('tr', {},
          h('td', {}, link(machineHash(m.stateMachineArn), m.name)), h('td', {}, m.type || ''),
          h('td', {}, fmtTime(m.creationDate))))))
      : h('p', { class: 'muted' }, 'No state machines yet. Create one with the AWS CLI or an SDK (see the README).'),
  );
}

// ---- one state machine -----------------------------------------------------

async function machinePage(gen, arn, filter) {
  const sm = await api.describeStateMachine(arn);
  if (gen !== generation) return;
  setCrumbs(link('#/', 'State machines'), h('span', {}, sm.name));
  let definition = {};
  try { definition = JSON.parse(sm.definition); } catch { /* shown raw below */ }

  const execs = h('div', {}, h('p', { class: 'muted' }, 'Loading executions…'));
  const select = h('select', { 'aria-label': 'Status filter' },
    ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].map((s) =>
      h('option', { value: s, selected: s === filter }, s || 'All statuses')));
  const loadExecutions = async () => {
    try {
      const out = await api.listExecutions(arn, select.value || undefined);
      const rows = out.executions || [];
      execs.replaceChildren(rows.length
        ? h('table', { class: 'list' },
          h('thead', {}, h('tr', {}, ['Name', 'Status', 'Started', 'Ended', 'Duration'].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows.map((x) => h('tr', {},
            h('td', {}, link(executionHash(x.executionArn), x.name)), h('td', {}, badge(x.status)),
            h('td', {}, fmtTime(x.startDate)), h('td', {}, fmtTime(x.stopDate)),
            h('td', {}, fmtDuration(x.startDate, x.stopDate))))))
        : h('p', { class: 'muted' }, 'No executions.'),
      out.nextToken ? h('p', { class: 'muted' }, 'Showing the newest 100.') : '');
    } catch (err) {
      execs.replaceChildren(h('div', { class: 'error' }, String(err.message)));
    }
  };
  select.addEventListener('change', loadExecutions);

  const input = h('textarea', { rows: 6, spellcheck: 'false', 'aria-label': 'Input JSON' }, '{}');
  const execName = h('input', { type: 'text', placeholder: 'name (optional, generated if empty)', 'aria-label': 'Execution name' });
  const startMsg = h('div', { class: 'form-msg', role: 'status' });
  const form = h('form', {
    class: 'start',
    onsubmit: async (ev) => {
      ev.preventDefault();
      try { JSON.parse(input.value); } catch (err) { startMsg.textContent = `Input is not JSON: ${err.message}`; return; }
      startMsg.textContent = 'Starting…';
      try {
        const out = await api.startExecution(arn, input.value, execName.value.trim() || undefined);
        location.hash = executionHash(out.executionArn);
      } catch (err) { startMsg.textContent = err.message; }
    },
  }, h('h2', {}, 'Start an execution'), execName, input, h('button', { type: 'submit' }, 'Start execution'), startMsg);

  main.replaceChildren(
    h('h1', {}, sm.name, ' ', h('span', { class: 'muted small' }, sm.type || '')),
    h('dl', { class: 'facts' },
      h('dt', {}, 'ARN'), h('dd', { class: 'mono' }, sm.stateMachineArn),
      h('dt', {}, 'Status'), h('dd', {}, sm.status || ''),
      h('dt', {}, 'Created'), h('dd', {}, fmtTime(sm.creationDate)),
      sm.roleArn ? [h('dt', {}, 'Role'), h('dd', { class: 'mono' }, sm.roleArn)] : ''),
    h('div', { class: 'columns' },
      h('section', { class: 'panel graph-panel' }, h('h2', {}, 'Definition'),
        h('div', { class: 'graph-wrap' }, renderGraph(definition)),
        h('details', {}, h('summary', {}, 'Definition JSON'), codeBlock(sm.definition))),
      h('section', { class: 'panel side' }, form)),
    h('section', { class: 'panel' }, h('div', { class: 'row' }, h('h2', {}, 'Executions'), select,
      h('button', { type: 'button', onclick: loadExecutions }, 'Refresh')), execs),
  );
  await loadExecutions();
}

// ---- one execution ---------------------------------------------------------

// View state kept across refreshes of the same execution.
const view = { arn: '', opened: new Set(), runs: new Map(), definition: null };

async function executionPage(gen, arn, selected) {
  if (view.arn !== arn) Object.assign(view, { arn, opened: new Set(), runs: new Map(), definition: null });
  const [ex, events] = await Promise.all([api.describeExecution(arn), api.history(arn)]);
  if (!view.definition) {
    let sm;
    try { sm = await api.describeStateMachineForExecution(arn); } catch { sm = await api.describeStateMachine(ex.stateMachineArn); }
    try { view.definition = JSON.parse(sm.definition); } catch { view.definition = {}; }
  }
  if (gen !== generation) return;
  const result = analyze(events, ex.status === 'RUNNING' ? 'RUNNING' : undefined);
  const smName = nameOf(ex.stateMachineArn);
  setCrumbs(link('#/', 'State machines'), link(machineHash(ex.stateMachineArn), smName), h('span', {}, ex.name));

  const select = (name) => { location.hash = executionHash(arn, name === selected ? '' : name); };
  const graph = renderGraph(view.definition, { statuses: result.states, selected, onSelect: select });

  const stopBtn = ex.status === 'RUNNING'
    ? h('button', {
      type: 'button', class: 'danger',
      onclick: async () => {
        if (!confirm(`Stop execution ${ex.name}?`)) return;
        try { await api.stopExecution(arn); route(); } catch (err) { alert(err.message); }
      },
    }, 'Stop execution')
    : '';

  const scrollY = window.scrollY;
  main.replaceChildren(
    h('div', { class: 'row' }, h('h1', {}, ex.name), badge(ex.status), stopBtn),
    h('dl', { class: 'facts' },
      h('dt', {}, 'ARN'), h('dd', { class: 'mono' }, ex.executionArn),
      h('dt', {}, 'Started'), h('dd', {}, fmtTime(ex.startDate)),
      h('dt', {}, 'Ended'), h('dd', {}, fmtTime(ex.stopDate)),
      h('dt', {}, 'Duration'), h('dd', {}, fmtDuration(ex.startDate, ex.stopDate)),
      ex.error !== undefined ? [h('dt', {}, 'Error'), h('dd', { class: 'mono bad' }, ex.error)] : '',
      ex.cause !== undefined ? [h('dt', {}, 'Cause'), h('dd', { class: 'mono bad' }, ex.cause)] : ''),
    h('div', { class: 'columns' },
      h('section', { class: 'panel graph-panel' }, h('h2', {}, 'Graph'), legend(), h('div', { class: 'graph-wrap' }, graph)),
      h('section', { class: 'panel side' }, selected ? statePanel(selected, result, events) : ioPanel(ex))),
    h('section', { class: 'panel' }, h('h2', {}, `Events (${events.length})`), eventsTable(events, result.owner, ex.startDate)),
  );
  window.scrollTo(0, scrollY);

  clearTimeout(timer);
  if (ex.status === 'RUNNING') {
    refreshNote.textContent = 'Running: refreshing every 2 s';
    timer = setTimeout(() => { if (gen === generation) load(gen, () => executionPage(gen, arn, selected)); }, REFRESH_MS);
  } else refreshNote.textContent = '';
}

function ioPanel(ex) {
  return h('div', {},
    h('p', { class: 'muted' }, 'Select a state in the graph to see its input and output.'),
    h('h3', {}, 'Execution input'), codeBlock(ex.input),
    h('h3', {}, 'Execution output'), codeBlock(ex.output, ex.status === 'RUNNING' ? '(running)' : '(none)'));
}

function statePanel(name, result, events) {
  const s = result.states.get(name);
  if (!s) return h('div', {}, h('h2', {}, name), h('p', { class: 'muted' }, 'Not reached in this execution.'));
  const byId = new Map(events.map((e) => [e.id, e]));
  // A state entered more than once (a loop, Map iterations) shows one run
  // at a time, the last by default; the choice survives refreshes.
  const key = `${view.arn}\u0000${name}`;
  let pick = view.runs.get(key);
  if (pick === undefined || pick >= s.runs.length) pick = s.runs.length - 1;
  const body = h('div', {});
  const show = (i) => {
    const r = s.runs[i];
    body.replaceChildren(
      s.runs.length > 1 ? h('div', { class: 'row' }, badge(r.status.toUpperCase()),
        r.retries ? h('span', { class: 'muted' }, `retried ${r.retries}×`) : '') : '',
      r.error !== undefined || r.cause !== undefined
        ? h('div', { class: 'error' }, h('strong', {}, r.error ?? ''), r.cause !== undefined ? h('pre', { class: 'json' }, pretty(r.cause)) : '')
        : '',
      h('h3', {}, 'Input'), codeBlock(r.input),
      h('h3', {}, 'Output'), codeBlock(r.output, r.status === 'running' ? '(running)' : '(none)'),
      h('h3', {}, 'Events'),
      h('ul', { class: 'state-events' }, r.events.slice(-200).map((id) => {
        const e = byId.get(id);
        return h('li', {}, h('a', { href: `#event-${id}`, onclick: (ev) => { ev.preventDefault(); openEvent(id); } }, `#${id}`),
          ' ', e ? e.type : '');
      })));
  };
  const chooser = s.runs.length > 1
    ? h('select', {
      'aria-label': 'Which entry',
      onchange: (ev) => { view.runs.set(key, Number(ev.target.value)); show(Number(ev.target.value)); },
    }, s.runs.map((r, i) => h('option', { value: i, selected: i === pick },
      `Entry ${i + 1} of ${s.runs.length} (event #${r.entered}) ${r.status}`)))
    : '';
  show(pick);
  return h('div', {},
    h('div', { class: 'row' }, h('h2', {}, name), badge(s.status.toUpperCase())),
    h('p', { class: 'muted' }, `${s.type} state` + (s.runs.length > 1 ? `, entered ${s.runs.length} times` : '')
      + (s.retries ? `, retried ${s.retries} time${s.retries > 1 ? 's' : ''}` : '')),
    chooser, body);
}

function openEvent(id) {
  const row = document.getElementById(`event-${id}`);
  if (!row) return;
  const d = row.querySelector('details');
  if (d) d.open = true;
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1200);
}

function eventsTable(events, owner, start) {
  return h('table', { class: 'list events' },
    h('thead', {}, h('tr', {}, ['ID', 'Type', 'State', 'Time', 'Details'].map((t) => h('th', {}, t)))),
    h('tbody', {}, events.map((e, i) => {
      const d = details(e);
      const summary = d.error !== undefined ? `${d.error}` : d.name !== undefined ? d.name
        : d.resource !== undefined ? `${d.resourceType ? d.resourceType + ' ' : ''}${d.resource}`
          : Object.keys(d).filter((k) => !k.endsWith('Details')).join(', ') || '…';
      const det = Object.keys(d).length
        ? h('details', {
          open: view.opened.has(e.id),
          ontoggle: (ev) => { if (ev.target.open) view.opened.add(e.id); else view.opened.delete(e.id); },
        }, h('summary', {}, summary), h('pre', { class: 'json' }, pretty(d)))
        : '';
      const failed = /(Failed|TimedOut|Aborted)$/.test(e.type);
      return h('tr', { id: `event-${e.id}`, class: failed ? 'bad-row' : '' },
        h('td', {}, String(e.id)), h('td', {}, e.type),
        h('td', {}, owner[i] ? h('a', { href: executionHash(view.arn, owner[i]) }, owner[i]) : ''),
        h('td', { title: fmtTime(e.timestamp) }, `+${fmtDuration(start, e.timestamp)}`), h('td', {}, det));
    })));
}

// ---- sign-in ---------------------------------------------------------------

/** signInPage asks for a key when the server refused err for want of one. */
function signInPage(err) {
  clearTimeout(timer);
  refreshNote.textContent = '';
  setCrumbs(h('span', {}, 'Sign in'));
  const had = api.credentials();
  const field = (label, props) => h('label', { class: 'field' }, h('span', {}, label), h('input', { type: 'text', ...props }));
  const form = h('form', {
    class: 'panel signin',
    onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(form);
      api.signIn({
        accessKeyId: f.get('accessKeyId'), secretAccessKey: f.get('secretAccessKey'),
        sessionToken: f.get('sessionToken'), region: f.get('region'),
      });
      route();
    },
  },
  h('h2', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'This Cairn server checks AWS Signature V4 on every call: sign in with a key from its ',
    h('code', {}, '--credentials'), ' file. The key is kept in this tab\'s session storage until you sign out or close the tab.'),
  had ? h('div', { class: 'error' }, h('strong', {}, 'Refused: '), String(err.message || err)) : '',
  canSign() ? '' : h('div', { class: 'error' }, 'This browser offers the cryptography needed to sign only to pages served over ',
    h('code', {}, 'https://'), ' or from ', h('code', {}, 'localhost'), ': open the console that way (e.g. a TLS proxy in front of Cairn).'),
  field('Access key ID', { name: 'accessKeyId', required: true, autocomplete: 'username', spellcheck: 'false', value: had?.accessKeyId }),
  field('Secret access key', { name: 'secretAccessKey', type: 'password', required: true, autocomplete: 'current-password' }),
  field('Session token (optional)', { name: 'sessionToken', autocomplete: 'off', spellcheck: 'false' }),
  field('Region', { name: 'region', value: had?.region || 'us-east-1', spellcheck: 'false' }),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Sign in')));
  main.replaceChildren(form);
  form.querySelector(had ? '[name=secretAccessKey]' : '[name=accessKeyId]').focus();
}

signOutLink.addEventListener('click', (e) => {
  e.preventDefault();
  api.signOut();
  route();
});

// ---- routing ---------------------------------------------------------------

async function load(gen, fn) {
  try {
    await fn();
  } catch (err) {
    if (gen !== generation) return;
    if (api.needsSignIn(err)) signInPage(err);
    else showError(err);
  }
}

function route() {
  clearTimeout(timer);
  refreshNote.textContent = '';
  const gen = ++generation;
  signOutLink.hidden = !api.credentials();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [page, arn, extra] = parts;
  if (page === 'machine' && arn) {
    if (view.arn) view.arn = '';
    return load(gen, () => machinePage(gen, arn, extra));
  }
  if (page === 'execution' && arn) return load(gen, () => executionPage(gen, arn, extra || ''));
  view.arn = '';
  return load(gen, () => machinesPage(gen));
}

window.addEventListener('hashchange', route);
route();

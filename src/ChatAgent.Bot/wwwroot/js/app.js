// The web chat: who you are, the agents, what awaits you, the thread list with status filters, the open thread and reliability.
import { api } from './api.js';
import { badge, h, time, toast } from './dom.js';
import { initialName, isValidName, saveName, sessionId } from './identity.js';
import { Inbox } from './inbox.js';
import { ThreadView } from './thread.js';

const $ = (id) => document.getElementById(id);
let name = initialName();
let agents = [];
let statusFilter = '';
let listTimer = null;

const view = new ThreadView(() => name, () => refreshList());
const inbox = new Inbox(() => name);

function threadFromHash() {
  const match = /^#thread=([\w-]+)$/.exec(location.hash);
  return match ? match[1] : null;
}

function openFromHash() {
  const id = threadFromHash();
  if (id) view.open(id); else view.close();
  markCurrent();
}

function setupIdentity() {
  const input = $('whoami');
  input.value = name;
  $('whoami-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = input.value.trim();
    if (!isValidName(next)) { toast('A name is 1 to 40 letters, digits, ".", "_" or "-".', true); return; }
    const changed = next !== name;
    name = next;
    saveName(name);
    toast(`You are ${name}.`);
    if (view.state) view.render();
    if (changed) inbox.reset();
  });
}

async function loadAgents() {
  const result = await api.agents();
  if (!result.ok) { toast(result.message, true); return; }
  agents = result.body; // in the order people meet them: the first (deploy) is selected
  const select = $('agent');
  select.replaceChildren(...agents.map((a) => h('option', { value: a.name, text: a.name })));
  // The list helps with the box: picking an agent starts its command there.
  select.addEventListener('change', () => {
    describeAgent();
    const box = $('command');
    box.value = `${select.value} `;
    box.focus();
  });
  describeAgent();
}

function describeAgent() {
  const agent = agents.find((a) => a.name === $('agent').value);
  if (!agent) return;
  $('agent-help').textContent = `${agent.description} Usage: ${agent.usage}`;
  $('command').placeholder = agent.name === 'deploy' ? 'deploy api to production' : agent.usage;
}

function showReply(text) {
  const reply = $('command-reply');
  reply.textContent = text || '';
  reply.hidden = !text;
}

function setupLaunch() {
  $('launch-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const error = $('launch-error');
    error.hidden = true;
    showReply('');
    if (!name) {
      error.textContent = 'Say who you are first: type your name in the header.';
      error.hidden = false;
      $('whoami').focus();
      return;
    }
    const button = $('launch');
    button.disabled = true;
    // The line as typed; the picked agent is only the default for a line that names no agent.
    const result = await api.command($('command').value, $('agent').value, name, sessionId());
    button.disabled = false;
    if (!result.ok) {
      error.textContent = result.message;
      error.hidden = false;
      return;
    }
    const reply = result.body;
    if (reply.kind === 'refused') {
      // Kept in the box, to fix and send again.
      error.textContent = reply.text;
      error.hidden = false;
      return;
    }
    $('command').value = '';
    if (reply.kind === 'launched') {
      location.hash = `thread=${reply.threadId}`;
    } else {
      showReply([reply.text, ...(reply.lines || [])].join('\n'));
      if (reply.threadId) location.hash = `thread=${reply.threadId}`;
    }
    refreshList();
  });
}

function setupFilters() {
  for (const chip of document.querySelectorAll('.chip')) {
    chip.addEventListener('click', () => {
      statusFilter = chip.dataset.status;
      for (const c of document.querySelectorAll('.chip')) c.setAttribute('aria-pressed', String(c === chip));
      refreshList();
    });
  }
}

async function refreshList() {
  clearTimeout(listTimer);
  // The inbox is looked at with the list: every two seconds, and whenever a thread moves on.
  inbox.refresh();
  const result = await api.threads(statusFilter);
  listTimer = setTimeout(refreshList, 2000);
  if (!result.ok) return;
  const list = $('thread-list');
  list.replaceChildren(...result.body.map((t) => h('li', {},
    h('button.thread-item', { type: 'button', 'data-thread': t.id, onclick: () => { location.hash = `thread=${t.id}`; } },
      h('strong', { text: t.agent }), badge(t.status),
      h('span.who', { text: `${t.id} · ${t.requestedBy.replace(/^web:/, '')} · ${time(t.updatedAt)}` })))));
  $('thread-list-empty').hidden = result.body.length > 0;
  markCurrent();
}

function markCurrent() {
  const id = threadFromHash();
  for (const b of document.querySelectorAll('.thread-item')) b.setAttribute('aria-current', String(b.dataset.thread === id));
}

function setupViews() {
  for (const tab of document.querySelectorAll('.view-tab')) {
    tab.addEventListener('click', () => {
      for (const t of document.querySelectorAll('.view-tab')) t.setAttribute('aria-pressed', String(t === tab));
      $('view-threads').hidden = tab.dataset.view !== 'threads';
      $('view-reliability').hidden = tab.dataset.view !== 'reliability';
      if (tab.dataset.view === 'reliability') loadReliability();
    });
  }
  $('reliability-refresh').addEventListener('click', loadReliability);
}

const percent = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

function bar(x) {
  if (x === null || x === undefined) return null;
  const level = x >= 0.95 ? '' : x >= 0.8 ? '.mid' : '.low';
  const fill = h('span');
  fill.style.width = `${Math.round(x * 100)}%`;
  return h(`div.bar${level}`, { 'aria-hidden': 'true' }, fill);
}

async function loadReliability() {
  const result = await api.reliability();
  if (!result.ok) { toast(result.message, true); return; }
  const r = result.body;
  const days = Math.round((Date.parse(r.to) - Date.parse(r.from)) / 86400000);
  $('reliability-scope').textContent = `Measured over the last ${days} days: ${r.threads} threads started. A run is a tool call; a success is a result not failed by a later verification (a question: answered; a final step: the thread completed).`;
  $('agents-table').tBodies[0].replaceChildren(...r.agents.map((a) => h('tr', { 'data-agent': a.agent },
    h('td', {}, h('strong', { text: a.agent }), a.kind === 'workflow' ? h('div.hint', { text: 'workflow' }) : null),
    h('td', { text: a.steps.join(' → ') + (a.unmeasuredSteps ? ` (${a.unmeasuredSteps} not measured yet, counted at 95%)` : '') }),
    h('td', {}, percent(a.estimate), bar(a.estimate)),
    h('td', { text: percent(a.chapterEstimate) }),
    h('td', {}, `${percent(a.observedCompletion)}`, h('div.hint', { text: `${a.completed} of ${a.ended} ended` })),
    h('td', { text: a.threads }))));
  $('tools-table').tBodies[0].replaceChildren(...r.tools.map((t) => h('tr', { 'data-tool': t.tool },
    h('td', {}, h('code', { text: t.tool })), h('td', { text: t.runs }), h('td', { text: t.succeeded }), h('td', { text: t.failed }),
    h('td', {}, percent(t.successRate), bar(t.successRate)))));
  if (!r.tools.length) $('tools-table').tBodies[0].append(h('tr', {}, h('td', { colspan: '5', class: 'empty', text: 'No tool has run in this window.' })));
}

setupIdentity();
setupLaunch();
setupFilters();
setupViews();
window.addEventListener('hashchange', openFromHash);
await loadAgents();
openFromHash();
refreshList();

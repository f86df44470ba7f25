// One open thread: its live feed (server-sent events, resumed by the browser with Last-Event-ID), the timeline,
// the actions (approve, deny, answer, retry, abort) and the inspector with time travel.
import { api } from './api.js';
import { h, setBadge, time, toast } from './dom.js';
import { buildEntries, renderEntries } from './timeline.js';

const $ = (id) => document.getElementById(id);

export class ThreadView {
  constructor(getName, onChange) {
    this.getName = getName;
    this.onChange = onChange;
    this.id = null;
    this.source = null;
    this.events = [];
    this.state = null;
    this.cache = new Map();
    this.refusals = new Map();
    this.busy = new Set();
    this.travelSeq = null; // null: follow the live end
    this.travelTimer = null;
    $('travel').addEventListener('input', () => this.travel(Number($('travel').value)));
  }

  open(id) {
    if (this.id === id) return;
    this.close();
    this.id = id;
    this.events = [];
    this.state = null;
    this.cache.clear();
    this.refusals.clear();
    this.busy.clear();
    this.travelSeq = null;
    $('timeline').replaceChildren();
    $('events').replaceChildren();
    $('thread-empty').hidden = true;
    $('thread-body').hidden = false;
    $('inspector').hidden = false;
    $('thread-title').textContent = 'Loading…';
    this.source = new EventSource(api.streamUrl(id));
    this.source.addEventListener('thread-event', (m) => this.onEvent(JSON.parse(m.data)));
    this.source.addEventListener('state', (m) => this.onState(JSON.parse(m.data)));
  }

  close() {
    if (this.source) this.source.close();
    this.source = null;
    this.id = null;
    $('thread-empty').hidden = false;
    $('thread-body').hidden = true;
    $('inspector').hidden = true;
  }

  onEvent(e) {
    // A reconnect resumes after the last id the browser saw; this guard only protects against a replayed seq.
    if (this.events.length && e.seq <= this.events[this.events.length - 1].seq) return;
    this.events.push(e);
    this.appendInspectorEvent(e);
  }

  onState(state) {
    if (state.id !== this.id) return;
    const before = this.state && this.state.status;
    this.state = state;
    this.render();
    if (before !== state.status) this.onChange();
  }

  ui() {
    return {
      name: this.getName(),
      threadId: this.id,
      refusals: this.refusals,
      busy: this.busy,
      decide: (approvalId, decision, comment, extra) => this.act(approvalId, () => api.decide(this.id, approvalId, decision, comment, this.user(), extra)),
      answer: (requestId, text) => {
        if (!text.trim()) { this.refusals.set(requestId, 'Type an answer first.'); this.render(); return; }
        this.act(requestId, () => api.answer(this.id, text, this.user()));
      },
      resume: (hint) => this.act('pause', () => api.resume(this.id, hint, this.user())),
      abort: (reason) => this.act('pause', () => api.abort(this.id, reason, this.user())),
    };
  }

  user() { return this.getName() ? `web:${this.getName()}` : ''; }

  async act(key, send) {
    if (!this.getName()) {
      this.refusals.set(key, 'Say who you are first: type your name in the header.');
      this.render();
      document.getElementById('whoami').focus();
      return;
    }
    this.busy.add(key);
    this.refusals.delete(key);
    this.render();
    const result = await send();
    this.busy.delete(key);
    if (!result.ok) this.refusals.set(key, result.message);
    this.render();
  }

  render() {
    const s = this.state;
    if (!s) return;
    $('thread-title').textContent = `${s.agent} ${s.input ? `— ${s.input}` : ''}`;
    $('thread-meta').textContent = `${s.id} · started by ${(s.requestedBy || '').replace(/^web:/, '')} from ${s.origin.platform} at ${time(s.startedAt)} · step ${s.step} of ${s.maxSteps}`;
    setBadge($('thread-status'), s.status);
    $('status-line').textContent = s.statusLine || '';
    this.renderFork(s.forkedFrom);
    renderEntries($('timeline'), buildEntries(this.events, s, this.ui()), this.cache);
    this.renderTravel();
  }

  /** A fork says what it is and links to its origin. */
  renderFork(fork) {
    const note = $('thread-fork');
    note.hidden = !fork;
    if (!fork) return;
    note.replaceChildren(
      fork.dryRun ? 'Dry run of ' : 'Fork of ',
      h('a', { href: `#thread=${fork.threadId}`, 'data-testid': 'fork-origin', text: fork.threadId }),
      ` from event ${fork.seq}` + (fork.dryRun ? ': no tool with side effects runs and nobody is asked.' : '.'));
  }

  appendInspectorEvent(e) {
    const fork = h('button.btn.btn-quiet.btn-fork', {
      type: 'button', 'data-testid': 'fork-from-here', title: `Start a dry run of this thread from the state right after event ${e.seq}`,
      onclick: () => this.fork(e.seq, fork),
    }, 'Fork from here');
    const item = h('li', { 'data-seq': e.seq },
      h('details', {},
        h('summary', {}, h('span.seq', { text: e.seq }), h('span.type', { text: e.type }), h('span.actor', { text: e.actor.name || e.actor.id })),
        h('div.event-actions', {}, fork, h('span.hint', { text: 'a dry run: recorded results are reused, nothing else runs' })),
        h('pre.json', { text: JSON.stringify(e, null, 2) })));
    $('events').append(item);
  }

  /** Forks as a dry run from right after `seq`, then opens the new thread. */
  async fork(seq, button) {
    const id = this.id;
    button.disabled = true;
    const result = await api.fork(id, seq);
    button.disabled = false;
    if (!result.ok) { toast(result.message, true); return; }
    toast(`Dry run of ${id} from event ${seq} started.`);
    location.hash = `thread=${result.body.id}`;
  }

  renderTravel() {
    const slider = $('travel');
    const max = this.state.version;
    slider.max = String(max);
    if (this.travelSeq === null) {
      slider.value = String(max);
      this.showTravel(max, this.state, true);
    }
  }

  travel(seq) {
    const max = this.state ? this.state.version : seq;
    this.travelSeq = seq >= max ? null : seq;
    $('travel-seq').textContent = String(seq);
    clearTimeout(this.travelTimer);
    if (this.travelSeq === null) { this.showTravel(max, this.state, true); return; }
    const id = this.id;
    this.travelTimer = setTimeout(async () => {
      const result = await api.stateAt(id, seq);
      if (id !== this.id || Number($('travel').value) !== seq) return;
      if (result.ok) this.showTravel(seq, result.body, false);
      else toast(result.message, true);
    }, 80);
  }

  showTravel(seq, state, live) {
    $('travel-seq').textContent = String(seq);
    setBadge($('travel-status'), state.status);
    $('travel-live').hidden = !live;
    $('travel-json').textContent = JSON.stringify(state, null, 2);
    for (const li of $('events').children) li.classList.toggle('at-or-before', !live && Number(li.dataset.seq) <= seq);
  }
}

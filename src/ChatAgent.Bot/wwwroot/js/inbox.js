// "Awaiting you": every approval waiting for the person this page acts as (GET /api/approvals?user=web:<name>), each
// with the same buttons as the thread's card. Deciding posts to the approval route as the card does; the entry then
// goes. Refreshed with the thread list and whenever the name changes.
import { api } from './api.js';
import { approvalSummary, decisionControls } from './approval.js';
import { h, time } from './dom.js';
import { renderEntries } from './timeline.js';

const $ = (id) => document.getElementById(id);

export class Inbox {
  constructor(getName) {
    this.getName = getName;
    this.items = null; // null: not loaded yet for this name
    this.cache = new Map();
    this.busy = new Set();
    this.refusals = new Map();
    this.request = 0; // only the latest look is shown: an older answer may arrive after a decision or a name change
  }

  /** Another name: nothing of the previous person's inbox stays on screen. */
  reset() {
    this.request++;
    this.items = null;
    this.busy.clear();
    this.refusals.clear();
    this.render();
    this.refresh();
  }

  async refresh() {
    const name = this.getName();
    const request = ++this.request;
    if (!name) { this.items = null; this.render(); return; }
    const result = await api.approvals(`web:${name}`);
    if (request !== this.request) return;
    if (!result.ok) { this.show(result.message); return; }
    this.items = result.body;
    // A refusal stays on its entry until the entry goes.
    const listed = new Set(this.items.map((i) => i.approval.id));
    for (const id of this.refusals.keys()) if (!listed.has(id)) this.refusals.delete(id);
    this.render();
  }

  ui(item) {
    return {
      name: this.getName(),
      busy: this.busy,
      refusals: this.refusals,
      decide: (approvalId, decision, comment, extra) => this.decide(item, approvalId, decision, comment, extra),
    };
  }

  async decide(item, approvalId, decision, comment, extra) {
    const name = this.getName();
    this.busy.add(approvalId);
    this.refusals.delete(approvalId);
    this.render();
    const result = await api.decide(item.threadId, approvalId, decision, comment, `web:${name}`, extra);
    this.busy.delete(approvalId);
    if (name !== this.getName()) return;
    if (result.ok) {
      // Decided: the entry goes now, not at the next look (which could still be an older answer).
      this.request++;
      this.items = (this.items || []).filter((i) => i.approval.id !== approvalId);
      this.render();
      this.refresh();
      return;
    }
    this.refusals.set(approvalId, result.message);
    this.render();
  }

  render() {
    const items = this.items || [];
    renderEntries($('inbox-list'), items.map((item) => this.entry(item)), this.cache);
    $('inbox-count').textContent = items.length ? String(items.length) : '';
    if (!this.getName()) this.show('Say who you are (in the header) to see what awaits you.');
    else if (this.items === null) this.show('');
    else this.show(items.length ? '' : 'Nothing is waiting for your approval.');
  }

  show(text) {
    const empty = $('inbox-empty');
    empty.textContent = text;
    empty.hidden = !text;
  }

  entry(item) {
    const a = item.approval;
    const ui = this.ui(item);
    const refusal = this.refusals.get(a.id) || '';
    return {
      key: a.id,
      sig: JSON.stringify([a.votes.length, a.amendments.length, a.parameters, a.expiresAt, refusal, ui.name, this.busy.has(a.id)]),
      build: () => h('li.entry.card.approval.inbox-item', { 'data-testid': 'inbox-item', 'data-approval': a.id, 'data-thread': item.threadId },
        h('div.head', {}, h('span.title', {}, h('code', { text: a.tool })), h('span.when', { text: time(a.requestedAt) })),
        h('div.body', {},
          h('button.link', { type: 'button', 'data-testid': 'inbox-thread', title: 'Open the thread', onclick: () => { location.hash = `thread=${item.threadId}`; } },
            `${item.threadId} · ${item.agent}`),
          approvalSummary(a, a.checks || []),
          decisionControls(a, ui),
          refusal ? h('p.refusal', { role: 'alert', 'data-testid': 'refusal', text: refusal }) : null)),
    };
  }
}

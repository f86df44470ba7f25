// The parts of an approval that the thread's card and the "Awaiting you" inbox both show: what is asked, the
// decision buttons (Approve, Approve and allow for …, Deny, Edit…) and how it ended. Both read an ApprovalView
// (docs/API.md) and a `ui` of { name, busy: Set, refusals: Map, decide(approvalId, decision, comment, extra) }.
import { h, kv, time } from './dom.js';

export const voteBy = (v) => v.byName || (v.by || '').replace(/^web:/, '');
const personOf = (id) => (id || '').replace(/^web:/, '');

const UNITS = { ms: null, s: 's', m: 'min', h: 'h', d: 'd' };

/** A duration as the API writes it (`1h`, `30m`, `2d`) as people read it: `1 h`, `30 min`, `2 d` (as on the Slack button). */
export function describeDuration(text) {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text || '');
  if (!match) return text;
  const [, n, unit] = match;
  return unit === 'ms' ? `${Number(n) / 1000} s` : `${n} ${UNITS[unit]}`;
}

/** What is asked: why, the parameters, who asked, who may approve, when it expires, the checks, the edits so far. */
export function approvalSummary(a, preconditions) {
  const approvers = (a.approvers || []).length ? a.approvers.join(', ') : 'anyone but the requester';
  const parts = [
    a.reason ? h('p', { text: a.reason }) : null,
    kv(a.parameters),
    h('p.hint', { 'data-testid': 'approval-request', text: `Requested by ${personOf(a.requestedBy)} · approvers: ${approvers}` +
      (a.quorum > 1 ? ` · needs ${a.quorum}` : '') + ` · expires ${time(a.expiresAt)}` }),
  ];
  if (preconditions.length) parts.push(checkList('Checked before asking', preconditions));
  if ((a.amendments || []).length) parts.push(h('p.changes', { 'data-testid': 'approval-changes', text: a.amendments.map(describeAmendment).join(' · ') }));
  return parts;
}

/** A pending approval's votes so far and its buttons, each posting to the approval route through `ui.decide`. */
export function decisionControls(a, ui) {
  const parts = [];
  if ((a.votes || []).length) parts.push(h('p.hint', { text: `Votes so far: ${a.votes.map((v) => `${voteBy(v)} (${v.granted ? 'approve' : 'deny'})`).join(', ')}` }));
  const comment = h('textarea', { 'aria-label': 'Comment (optional)', placeholder: 'Comment (optional)' });
  const disabled = ui.busy.has(a.id);
  parts.push(h('div.actions', {},
    comment,
    h('button.btn.btn-approve', { type: 'button', 'data-testid': 'approve', disabled, onclick: () => ui.decide(a.id, 'approve', comment.value) }, 'Approve'),
    // Offered only when the tool is grantable: the server names the duration (the policy's longest grant, at most 1 h).
    a.allowFor ? h('button.btn.btn-approve', {
      type: 'button', 'data-testid': 'approve-allow', disabled,
      title: 'Approve, and let later calls with the same values run without asking for this long',
      onclick: () => ui.decide(a.id, 'approve', comment.value, { allowFor: a.allowFor }),
    }, `Approve and allow for ${describeDuration(a.allowFor)}`) : null,
    h('button.btn.btn-deny', { type: 'button', 'data-testid': 'deny', disabled, onclick: () => ui.decide(a.id, 'deny', comment.value) }, 'Deny')));
  if (a.editable) parts.push(editForm(a.id, a.parameters, comment, disabled, ui));
  return parts;
}

/**
 * How a settled approval ended, from its last vote: "Approved by bob: “ship it”", "Approved with changes by …",
 * "Approved by bob's standing grant gr_…" (nobody clicked), "Denied by …", "Expired: nothing was run.".
 */
export function outcomeText(settled) {
  if (settled.outcome === 'expired') return 'Expired: nothing was run.';
  const vote = settled.votes && settled.votes.length ? settled.votes[settled.votes.length - 1] : null;
  const verb = settled.outcome !== 'granted' ? 'Denied' : (settled.amendments || []).length ? 'Approved with changes' : 'Approved';
  if (vote && vote.grant) return `${verb} by ${voteBy(vote)}’s standing grant ${vote.grant}: nobody was asked`;
  return `${verb} by ${vote ? voteBy(vote) : 'someone'}` + (vote && vote.comment ? `: “${vote.comment}”` : '');
}

/** The standing grant a decision made (its `grant_created` event), and its revocation if any. */
export function grantText(created, revoked) {
  const d = created.data;
  const on = Object.entries(d.constraints || {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  return `Also allowed such calls${on ? ` (${on})` : ''} until ${time(d.expiresAt)}` +
    (revoked ? `; revoked by ${revoked.actor.name || personOf(revoked.actor.id)}` + (revoked.data.reason ? `: “${revoked.data.reason}”` : '') : '') + '.';
}

/** "Edit…": one field per parameter (strings as typed, anything else as JSON); the server checks the schema. */
function editForm(approvalId, parameters, comment, disabled, ui) {
  const fields = Object.entries(parameters || {}).map(([name, value]) => {
    const input = h('input', { name, 'data-testid': `edit-${name}`, 'aria-label': name, value: typeof value === 'string' ? value : JSON.stringify(value) });
    input.dataset.kind = typeof value === 'string' ? 'string' : 'json';
    return h('label.field', {}, h('span', { text: name }), input);
  });
  const collect = () => Object.fromEntries(fields.map((f) => f.querySelector('input')).map((i) => [i.name, parse(i)]));
  return h('details.edit', { 'data-testid': 'edit' },
    h('summary', { text: 'Edit…' }),
    ...fields,
    h('button.btn.btn-approve', { type: 'button', 'data-testid': 'approve-edited', disabled, onclick: () => ui.decide(approvalId, 'approve', comment.value, { parameters: collect() }) }, 'Approve with changes'));
}

function parse(input) {
  if (input.dataset.kind === 'string') return input.value;
  try { return JSON.parse(input.value); } catch { return input.value; }
}

const show = (v) => (v === undefined ? '(none)' : JSON.stringify(v));
const describeAmendment = (a) => `${a.byName || personOf(a.by)} changed ` +
  a.changes.map((c) => `${c.name}: ${show(c.from)} → ${show(c.to)}`).join('; ') + (a.reason ? ` (“${a.reason}”)` : '');

/** Checks as the Slack and Teams cards show them: ✓ passed, ✗ failed with why. */
export function checkList(heading, checks) {
  return h('div.checks', { 'data-testid': 'approval-checks' },
    h('p.hint', { text: heading }),
    h('ul', {}, checks.map((c) => h(`li.${c.passed ? 'passed' : 'failed'}`, { text: (c.passed ? '✓ ' : '✗ ') + c.check + (!c.passed && c.message ? `: ${c.message}` : '') }))));
}

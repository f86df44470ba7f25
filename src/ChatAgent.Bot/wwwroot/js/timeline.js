// Turns a thread's events and live state into timeline entries: { key, sig, build() }.
// An entry is rebuilt only when its signature changes, so a comment being typed survives unrelated updates.
import { h, kv, time } from './dom.js';

const who = (actor) => (actor && (actor.name || actor.id)) || 'someone';
const voteBy = (v) => v.byName || (v.by || '').replace(/^web:/, '');

export function buildEntries(events, state, ui) {
  const outcomes = new Map(); // toolCallId -> tool_result / error event
  const answers = new Map(); // requestId -> human_response event
  for (const e of events) {
    if ((e.type === 'tool_result' || e.type === 'error') && e.data.toolCallId) outcomes.set(e.data.toolCallId, e);
    if (e.type === 'human_response') answers.set(e.data.requestId, e);
  }
  const lastPause = [...events].reverse().find((e) => e.type === 'thread_paused');
  const entries = [];
  for (const e of events) {
    const d = e.data;
    switch (e.type) {
      case 'thread_started':
        entries.push(simple('start', 'entry.user', `${who(e.actor)} ran ${d.agent}`, e.at, d.input ? h('code', { text: d.input }) : null));
        break;
      case 'model_decision':
        if (d.reason) entries.push({ key: `reason:${d.toolCallId}`, sig: d.reason, build: () => h('li.entry.reason', { text: d.reason }) });
        break;
      case 'tool_call': {
        if (d.kind === 'terminal' || d.kind === 'human') break;
        const out = outcomes.get(d.toolCallId);
        const cls = !out ? 'pending' : out.type === 'tool_result' ? 'ok' : 'bad';
        const label = !out ? 'running…' : out.type === 'error' ? 'failed'
          : out.data.dryRun === 'not_run' ? 'not run (dry run)' : out.data.dryRun === 'recorded' ? 'recorded result reused (dry run)' : 'succeeded';
        entries.push({
          key: `tool:${d.toolCallId}:${d.attempt || 1}`,
          sig: `${cls}|${label}`,
          build: () => h(`li.entry.tool.${cls}`, { 'data-testid': `tool-${d.tool}` },
            h('div.head', {}, h('span.title', {}, h('code', { text: d.tool }), ` ${label}`), h('span.when', { text: time(e.at) })),
            h('div.body.io', {}, labelled('Input', kv(d.parameters)),
              out && out.type === 'tool_result' ? labelled('Output', kv(out.data.result)) : null,
              out && out.type === 'error' ? h('p.refusal', { text: out.data.message + (out.data.detail ? ` — ${out.data.detail}` : '') }) : null)),
        });
        break;
      }
      case 'error':
        if (!d.toolCallId || !events.some((x) => x.type === 'tool_call' && x.data.toolCallId === d.toolCallId))
          entries.push(simple(`error:${e.seq}`, 'entry.error', `Error (${d.source}): ${d.message}`, e.at, d.detail));
        break;
      case 'approval_requested':
        entries.push(approvalEntry(e, state, ui));
        break;
      case 'approval_expired':
      case 'approval_escalated':
      case 'approval_reminded':
        entries.push(simple(`notice:${e.seq}`, 'entry.notice', noticeText(e), e.at));
        break;
      case 'human_contacted':
        entries.push(questionEntry(e, state, answers.get(d.requestId), ui));
        break;
      case 'thread_paused':
        entries.push(pauseEntry(e, state, e === lastPause, ui));
        break;
      case 'thread_resumed':
        entries.push(simple(`resumed:${e.seq}`, 'entry.notice', `Resumed by ${who(e.actor)}`, e.at, d.feedback ? `Hint: ${d.feedback}` : null));
        break;
      case 'thread_completed':
        entries.push(simple('final', 'entry.final.completed', 'Completed', e.at, d.summary, 'final'));
        break;
      case 'thread_failed':
        entries.push(simple('final', 'entry.final.failed', d.reason === 'aborted' ? 'Aborted' : `Failed: ${d.reason}`, e.at, d.detail, 'final'));
        break;
      default:
        break;
    }
  }
  return entries;
}

function labelled(label, content) {
  return content ? h('div.io-part', {}, h('span.io-label', { text: label }), content) : null;
}

function simple(key, cls, title, at, body, testid) {
  return {
    key,
    sig: `${title}|${body instanceof Node ? body.textContent : body || ''}`,
    build: () => h(`li.${cls}`, { 'data-testid': testid },
      h('div.head', {}, h('span.title', { text: title }), h('span.when', { text: time(at) })),
      body ? h('div.body', {}, body instanceof Node ? body : String(body)) : null),
  };
}

function noticeText(e) {
  switch (e.type) {
    case 'approval_expired': return 'The approval expired; nothing was run.';
    case 'approval_escalated': return `Escalated to ${(e.data.to || []).join(', ')}`;
    default: return 'Reminder sent: the approval is still waiting.';
  }
}

function approvalEntry(e, state, ui) {
  const d = e.data;
  const pending = (state.pendingApprovals || []).find((a) => a.id === d.approvalId);
  const settled = (state.settledApprovals || []).find((a) => a.id === d.approvalId);
  const refusal = ui.refusals.get(d.approvalId) || '';
  const votes = (pending || settled || {}).votes || [];
  // The call's checks: the preconditions that ran before the approval was asked, and its verification once it ran.
  const checks = (state.checks || []).filter((c) => c.toolCallId === d.toolCallId);
  const amendments = (pending || settled || {}).amendments || [];
  const sig = JSON.stringify([!!pending, settled && settled.outcome, votes.length, checks.length, refusal, ui.name, ui.busy.has(d.approvalId), amendments.length]);
  return {
    key: `approval:${d.approvalId}`,
    sig,
    build: () => {
      const approvers = (d.policy.approvers || []).length ? d.policy.approvers.join(', ') : 'anyone but the requester';
      const mine = ui.name && `web:${ui.name}`.toLowerCase() === (d.requestedBy || '').toLowerCase();
      const body = [
        d.reason ? h('p', { text: d.reason }) : null,
        kv(pending ? pending.parameters : d.parameters),
        h('p.hint', { text: `Requested by ${d.requestedBy.replace(/^web:/, '')} · approvers: ${approvers}` +
          (d.policy.quorum > 1 ? ` · needs ${d.policy.quorum}` : '') + ` · expires ${time(d.expiresAt)}` }),
      ];
      const pre = checks.filter((c) => c.phase === 'precondition');
      if (pre.length) body.push(checkList('Checked before asking', pre));
      if (amendments.length) body.push(h('p.changes', { 'data-testid': 'approval-changes', text: amendments.map(describeAmendment).join(' · ') }));
      if (votes.length && pending) body.push(h('p.hint', { text: `Votes so far: ${votes.map((v) => `${voteBy(v)} (${v.granted ? 'approve' : 'deny'})`).join(', ')}` }));
      if (settled) {
        const vote = settled.votes && settled.votes.length ? settled.votes[settled.votes.length - 1] : null;
        const text = settled.outcome === 'expired' ? 'Expired: nothing was run.'
          : `${settled.outcome === 'granted' ? 'Approved' : 'Denied'} by ${vote ? voteBy(vote) : 'someone'}` + (vote && vote.comment ? `: “${vote.comment}”` : '');
        body.push(h(`p.outcome.${settled.outcome}`, { 'data-testid': 'approval-outcome', text: amendments.length && settled.outcome === 'granted' ? text.replace(/^Approved/, 'Approved with changes') : text }));
        const post = checks.filter((c) => c.phase === 'verify');
        if (post.length) body.push(checkList(post.some((c) => !c.passed) ? 'Verification FAILED' : 'Verified after it ran', post));
      } else if (pending) {
        const comment = h('textarea', { id: `comment-${d.approvalId}`, 'aria-label': 'Comment (optional)', placeholder: 'Comment (optional)' });
        const disabled = ui.busy.has(d.approvalId);
        body.push(h('div.actions', {},
          comment,
          h('button.btn.btn-approve', { type: 'button', 'data-testid': 'approve', disabled, onclick: () => ui.decide(d.approvalId, 'approve', comment.value) }, 'Approve'),
          h('button.btn.btn-deny', { type: 'button', 'data-testid': 'deny', disabled, onclick: () => ui.decide(d.approvalId, 'deny', comment.value) }, 'Deny')));
        if (pending.editable) body.push(editForm(d.approvalId, pending.parameters, comment, disabled, ui));
        if (mine && !d.policy.allowSelfApproval) body.push(h('p.hint', { text: 'You asked for this, so someone else has to approve it. Share this page: ' + shareLink(ui.threadId) }));
      }
      if (refusal) body.push(h('p.refusal', { role: 'alert', 'data-testid': 'refusal', text: refusal }));
      return h('li.entry.card.approval', { 'data-testid': 'approval-card', 'data-approval': d.approvalId },
        h('div.head', {}, h('span.title', {}, 'Approval needed: ', h('code', { text: d.tool })), h('span.when', { text: time(e.at) })),
        h('div.body', {}, body));
    },
  };
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
    h('button.btn.btn-approve', { type: 'button', 'data-testid': 'approve-edited', disabled, onclick: () => ui.decide(approvalId, 'approve', comment.value, collect()) }, 'Approve with changes'));
}

function parse(input) {
  if (input.dataset.kind === 'string') return input.value;
  try { return JSON.parse(input.value); } catch { return input.value; }
}

const show = (v) => (v === undefined ? '(none)' : JSON.stringify(v));
const describeAmendment = (a) => `${a.byName || (a.by || '').replace(/^web:/, '')} changed ` +
  a.changes.map((c) => `${c.name}: ${show(c.from)} → ${show(c.to)}`).join('; ') + (a.reason ? ` (“${a.reason}”)` : '');

/** Checks as the Slack and Teams cards show them: ✓ passed, ✗ failed with why. */
function checkList(heading, checks) {
  return h('div.checks', { 'data-testid': 'approval-checks' },
    h('p.hint', { text: heading }),
    h('ul', {}, checks.map((c) => h(`li.${c.passed ? 'passed' : 'failed'}`, { text: (c.passed ? '✓ ' : '✗ ') + c.check + (!c.passed && c.message ? `: ${c.message}` : '') }))));
}

function shareLink(threadId) {
  return `${location.origin}/?as=<name>#thread=${threadId}`;
}

function questionEntry(e, state, answer, ui) {
  const d = e.data;
  const pending = state.pendingQuestion && state.pendingQuestion.id === d.requestId;
  const refusal = ui.refusals.get(d.requestId) || '';
  return {
    key: `question:${d.requestId}`,
    sig: JSON.stringify([pending, answer && answer.seq, refusal, ui.busy.has(d.requestId)]),
    build: () => {
      const body = [h('p', { text: d.question })];
      if (answer) body.push(h('p.outcome.granted', { text: `Answered by ${who(answer.actor)}: ${answer.data.text}` }));
      else if (pending) {
        const text = h('textarea', { 'aria-label': 'Your answer', placeholder: 'Your answer' });
        body.push(h('div.actions', {}, text,
          h('button.btn.btn-primary', { type: 'button', 'data-testid': 'answer', disabled: ui.busy.has(d.requestId), onclick: () => ui.answer(d.requestId, text.value) }, 'Answer')));
      }
      if (refusal) body.push(h('p.refusal', { role: 'alert', text: refusal }));
      return h('li.entry.card.question', { 'data-testid': 'question-card' },
        h('div.head', {}, h('span.title', { text: 'The agent asks' }), h('span.when', { text: time(e.at) })), h('div.body', {}, body));
    },
  };
}

function pauseEntry(e, state, isLast, ui) {
  const d = e.data;
  const current = isLast && state.status === 'paused';
  const refusal = ui.refusals.get('pause') || '';
  return {
    key: `paused:${e.seq}`,
    sig: JSON.stringify([current, refusal, ui.busy.has('pause')]),
    build: () => {
      const body = [];
      if (d.detail) body.push(h('p', { text: d.detail }));
      if (current) {
        const hint = h('textarea', { 'aria-label': 'Hint for the agent (optional)', placeholder: 'Hint for the agent (optional)' });
        const busy = ui.busy.has('pause');
        body.push(h('div.actions', {}, hint,
          h('button.btn.btn-primary', { type: 'button', 'data-testid': 'retry', disabled: busy, onclick: () => ui.resume(hint.value) }, d.escalated ? 'Retry' : 'Resume'),
          h('button.btn.btn-deny', { type: 'button', 'data-testid': 'abort', disabled: busy, onclick: () => ui.abort(hint.value) }, 'Abort')));
      }
      if (refusal) body.push(h('p.refusal', { role: 'alert', text: refusal }));
      const title = d.escalated ? `Stuck (${d.reason.replace(/_/g, ' ')}): the agent needs a person` : `Paused by ${who(e.actor)}`;
      return h(`li.entry.${d.escalated ? 'card.stuck' : 'notice'}`, { 'data-testid': d.escalated ? 'stuck-card' : 'paused' },
        h('div.head', {}, h('span.title', { text: title }), h('span.when', { text: time(e.at) })),
        body.length ? h('div.body', {}, body) : null);
    },
  };
}

/** Keyed reconciliation: keeps unchanged entries (and anything typed into them) in place. */
export function renderEntries(list, entries, cache) {
  const keep = new Set();
  entries.forEach((entry, i) => {
    keep.add(entry.key);
    let cached = cache.get(entry.key);
    if (!cached || cached.sig !== entry.sig) {
      const el = entry.build();
      if (cached) cached.el.replaceWith(el);
      cached = { sig: entry.sig, el };
      cache.set(entry.key, cached);
    }
    if (list.children[i] !== cached.el) list.insertBefore(cached.el, list.children[i] || null);
  });
  for (const [key, cached] of cache) {
    if (!keep.has(key)) { cached.el.remove(); cache.delete(key); }
  }
}

// Turns a thread's events and live state into timeline entries: { key, sig, build() }.
// An entry is rebuilt only when its signature changes, so a comment being typed survives unrelated updates.
import { approvalSummary, checkList, decisionControls, grantText, outcomeText } from './approval.js';
import { h, kv, time } from './dom.js';

const who = (actor) => (actor && (actor.name || actor.id)) || 'someone';

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
        entries.push(approvalEntry(e, state, ui, events));
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

function approvalEntry(e, state, ui, events) {
  const d = e.data;
  const pending = (state.pendingApprovals || []).find((a) => a.id === d.approvalId);
  const settled = (state.settledApprovals || []).find((a) => a.id === d.approvalId);
  const refusal = ui.refusals.get(d.approvalId) || '';
  const votes = (pending || settled || {}).votes || [];
  // The call's checks: the preconditions that ran before the approval was asked, and its verification once it ran.
  const checks = (state.checks || []).filter((c) => c.toolCallId === d.toolCallId);
  const amendments = (pending || settled || {}).amendments || [];
  // A standing grant this decision made ("Approve and allow for …"), and whether it was revoked since.
  const grant = events.find((x) => x.type === 'grant_created' && x.data.approvalId === d.approvalId);
  const revoked = grant && events.find((x) => x.type === 'grant_revoked' && x.data.grantId === grant.data.grantId);
  const sig = JSON.stringify([!!pending, settled && settled.outcome, votes.length, checks.length, refusal, ui.name, ui.busy.has(d.approvalId),
    amendments.length, grant && grant.seq, revoked && revoked.seq]);
  return {
    key: `approval:${d.approvalId}`,
    sig,
    build: () => {
      const mine = ui.name && `web:${ui.name}`.toLowerCase() === (d.requestedBy || '').toLowerCase();
      // The card reads the request as it was asked; the live view adds the edits, votes and what the buttons offer.
      const approval = {
        id: d.approvalId, reason: d.reason, parameters: pending ? pending.parameters : d.parameters, requestedBy: d.requestedBy,
        approvers: d.policy.approvers, quorum: d.policy.quorum, expiresAt: d.expiresAt, amendments, votes,
        editable: !!(pending && pending.editable), allowFor: pending ? pending.allowFor : null,
      };
      const body = approvalSummary(approval, checks.filter((c) => c.phase === 'precondition'));
      if (settled) {
        body.push(h(`p.outcome.${settled.outcome}`, { 'data-testid': 'approval-outcome', text: outcomeText(settled) }));
        if (grant) body.push(h('p.hint.grant', { 'data-testid': 'approval-grant', text: grantText(grant, revoked) }));
        const post = checks.filter((c) => c.phase === 'verify');
        if (post.length) body.push(checkList(post.some((c) => !c.passed) ? 'Verification FAILED' : 'Verified after it ran', post));
      } else if (pending) {
        body.push(...decisionControls(approval, ui));
        if (mine && !d.policy.allowSelfApproval) body.push(h('p.hint', { text: 'You asked for this, so someone else has to approve it. Share this page: ' + shareLink(ui.threadId) }));
      }
      if (refusal) body.push(h('p.refusal', { role: 'alert', 'data-testid': 'refusal', text: refusal }));
      return h('li.entry.card.approval', { 'data-testid': 'approval-card', 'data-approval': d.approvalId },
        h('div.head', {}, h('span.title', {}, 'Approval needed: ', h('code', { text: d.tool })), h('span.when', { text: time(e.at) })),
        h('div.body', {}, body));
    },
  };
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

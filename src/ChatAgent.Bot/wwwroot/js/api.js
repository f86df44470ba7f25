// Talks to the bot: the REST API (/api/...) and the web chat's own endpoints (/webchat/...).
// Every call resolves to { ok, status, body }; a refusal (4xx) carries the server's problem detail, never throws.

async function call(method, url, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    return { ok: false, status: 0, body: null, message: 'The bot is not reachable. Is it still running?' };
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  const message = response.ok ? null : (parsed && (parsed.detail || parsed.title)) || `The bot answered ${response.status}.`;
  return { ok: response.ok, status: response.status, body: parsed, message };
}

const enc = encodeURIComponent;

export const api = {
  agents: () => call('GET', '/api/agents'),
  threads: (status) => call('GET', `/api/threads?limit=60${status ? `&status=${enc(status)}` : ''}`),
  thread: (id) => call('GET', `/api/threads/${enc(id)}`),
  stateAt: (id, seq) => call('GET', `/api/threads/${enc(id)}/state?at=${seq}`),
  command: (line, agent, user, session) => call('POST', '/webchat/commands', { line, agent, user, session }),
  // extra: { parameters } (approve with changes) or { allowFor } (approve and allow for a while).
  decide: (id, approvalId, decision, comment, user, extra) =>
    call('POST', `/api/threads/${enc(id)}/approvals/${enc(approvalId)}`, { decision, comment, user, ...extra }),
  // What awaits a person: every pending approval they may decide now, with its thread.
  approvals: (user) => call('GET', `/api/approvals?user=${enc(user)}`),
  answer: (id, text, user) => call('POST', `/api/threads/${enc(id)}/answer`, { text, user }),
  resume: (id, feedback, user) => call('POST', `/api/threads/${enc(id)}/resume`, { feedback, user }),
  pause: (id, user) => call('POST', `/api/threads/${enc(id)}/pause`, { user }),
  abort: (id, reason, user) => call('POST', `/api/threads/${enc(id)}/abort`, { reason, user }),
  // A dry run from the state right after event `seq`; the fork is made by the caller (this page: api:local).
  fork: (id, seq) => call('POST', `/api/threads/${enc(id)}/fork`, { at: seq, dryRun: true }),
  reliability: () => call('GET', '/api/reliability'),
  streamUrl: (id) => `/webchat/threads/${enc(id)}/stream`,
};

// Tiny DOM helpers: h('div.cls', {attrs}, ...children). Text is always set as text, never as HTML.

export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function badge(status) {
  return h(`span.badge.${status}`, { text: (status || '').replace('_', ' ') });
}

export function setBadge(el, status) {
  el.className = `badge ${status || ''}`;
  el.textContent = (status || '').replace('_', ' ');
}

/** A JSON object as a definition list (one level; nested values as compact JSON). */
export function kv(obj) {
  if (obj === null || obj === undefined) return null;
  if (typeof obj !== 'object') return h('div.mono', { text: String(obj) });
  const entries = Object.entries(obj);
  if (!entries.length) return null;
  return h('dl.kv', {}, entries.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: typeof v === 'string' ? v : JSON.stringify(v) })]));
}

export function toast(message, bad = false) {
  const box = document.getElementById('toasts');
  const el = h(`div.toast${bad ? '.bad' : ''}`, { text: message });
  box.append(el);
  setTimeout(() => el.remove(), 5000);
}

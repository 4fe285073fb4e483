// Small DOM and text helpers shared by every page.
//
// Offsets from the API are Unicode code points of the document's cleaned text,
// while JS strings index UTF-16 code units; everything here that cuts text by an
// API offset goes through Array.from (which splits by code point), so a
// supplementary-plane character (e.g. 𠀀) counts as one, as the server counts it.

// h('a', {href: '/', class: 'x', onclick: fn}, 'text', child, [more]) -> Element.
// Attributes starting with "on" become listeners; null/false attributes are skipped;
// children may be strings, nodes, arrays, null or false.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// Text with <mark> (or `tag`) around the code point ranges [s, e) of `highlights`
// (sorted or not, possibly overlapping; out-of-range parts are clipped).
export function highlighted(text, highlights, tag = 'mark') {
  const cps = Array.from(text);
  const ranges = (highlights || [])
    .map(([s, e]) => [Math.max(0, s), Math.min(cps.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [s, e] of ranges) {
    const from = Math.max(s, at);
    if (from >= e) continue;  // fully inside the previous mark
    if (from > at) frag.append(cps.slice(at, from).join(''));
    frag.append(h(tag, tag === 'mark' ? null : { class: 'run-in' }, cps.slice(from, e).join('')));
    at = e;
  }
  if (at < cps.length) frag.append(cps.slice(at).join(''));
  return frag;
}

export function codePointLength(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return '';
}

// Copies text; the async Clipboard API needs a secure context (localhost is one),
// so plain-http deployments fall back to a hidden textarea and execCommand.
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) { /* permission denied: try the old way */ }
  }
  const ta = h('textarea', {readonly: true, 'aria-hidden': 'true', class: 'offscreen'});
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
  ta.remove();
  return ok;
}

let toastTimer = 0;
export function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 2200);
}

export const TIER_NAMES = {
  anonymous: '游客', free: '免费用户', vip: 'VIP 会员', svip: 'SVIP 会员', admin: '管理员',
};

export function formatNumber(n) {
  return Number(n).toLocaleString('zh-CN');
}

// "2026-11-29T05:06:16Z" or unix seconds -> "2026-11-29 05:06".
export function formatTime(t) {
  if (t === null || t === undefined || t === '') return '';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function setTitle(part) {
  document.title = part ? `${part} · 文渊` : '文渊 · 公文精准检索';
}

// Shows the thin progress bar under the header only while some promise passed
// here has been pending for more than `delay` ms, so fast answers never flash
// a loading state.
let pending = 0;
export function withLoading(promise, delay = 300) {
  const bar = document.querySelector('.loading-bar');
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    if (pending++ === 0 && bar) bar.classList.add('active');
  }, delay);
  const done = () => {
    clearTimeout(timer);
    if (shown && --pending === 0 && bar) bar.classList.remove('active');
  };
  promise.then(done, done);
  return promise;
}

// A padlock drawn inline (emoji fonts are not everywhere; the 🔒 of the spec).
export function lockIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon lock');
  svg.setAttribute('aria-hidden', 'true');
  const rect = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ x: 4, y: 11, width: 16, height: 10, rx: 2 })) rect.setAttribute(k, v);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M8 11V7a4 4 0 0 1 8 0v4');
  svg.append(rect, path);
  return svg;
}

// The citation line under copied text: ——《标题》，发文机关，年份。
// Only public fields of the document (title, issuer or source, year).
export function citation(d) {
  const parts = [d.issuer || d.source_name || d.source, d.year].filter((x) => x !== null && x !== undefined && x !== '');
  return `——《${d.title || '无标题'}》${parts.length ? '，' + parts.join('，') : ''}`;
}

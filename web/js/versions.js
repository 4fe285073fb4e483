// "其他版本" on the document page: the document's duplicates (the same text
// imported again, reposts, with their similarity) and the versions of its
// title at other dates, in date order (GET /api/docs/{id}/versions,
// docs/check.md), each with 对比: the sentence diff against this document
// (GET /api/docs/{id}/diff?with=OTHER; only the parts the reader may read take
// part). Filled in after the page is shown; nothing when there are none.
// Also the search results' note for a folded duplicate cluster (foldedNote).
import { api, describe } from './api.js';
import { h } from './util.js';

// Long unchanged stretches are shown by their ends only: a diff is for the changes.
const KEEP = 60;

function renderDiff(r) {
  const parts = r.ops.map((op) => {
    if (op.op === 'inserted') return h('ins', { class: 'diff-ins' }, op.text);
    if (op.op === 'deleted') return h('del', { class: 'diff-del' }, op.text);
    const t = [...op.text];
    if (t.length <= 2 * KEEP) return h('span', { class: 'diff-same' }, op.text);
    return h('span', { class: 'diff-same' }, t.slice(0, KEEP).join(''),
      h('span', { class: 'diff-skip' }, ` ……（${op.sentences} 句相同）…… `), t.slice(-KEEP).join(''));
  });
  const changed = r.ops.filter((op) => op.op !== 'same').reduce((n, op) => n + op.sentences, 0);
  const notes = [];
  if (!r.complete) notes.push('差异过多，中间部分整体列为删除和新增。');
  if (r.a.locked || r.b.locked) notes.push('会员专享部分未参与对比。');
  return h('div', { class: 'diff-view', id: 'doc-diff' },
    h('h3', null, `对比：${r.a.title || '本文'}（${r.a.date || '日期不详'}）→ ${r.b.title || '另一版本'}（${r.b.date || '日期不详'}）`),
    h('p', { class: 'meta' }, h('span', { class: 'diff-legend-del' }, '删除'), ' ', h('span', { class: 'diff-legend-ins' }, '新增'),
      ` · 改动 ${changed} 句`, notes.length ? ` · ${notes.join(' ')}` : ''),
    h('div', { class: 'diff-body' }, parts));
}

async function showDiff(panel, id, other) {
  panel.hidden = false;
  panel.replaceChildren(h('p', { class: 'meta' }, '正在对比……'));
  try {
    const r = await api.get(`/api/docs/${encodeURIComponent(id)}/diff?with=${encodeURIComponent(other)}`);
    panel.replaceChildren(renderDiff(r));
  } catch (err) {
    panel.replaceChildren(h('p', { class: 'error' }, `无法对比：${describe(err)}`));
  }
}

export async function fillVersions(box, id) {
  let r;
  try {
    r = await api.get(`/api/docs/${encodeURIComponent(id)}/versions`);
  } catch (_) {
    return;  // the document itself is shown; the links are a bonus
  }
  const panel = h('div', { class: 'diff-panel', hidden: true });
  const link = (d) => h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）');
  const compare = (d) => h('button', {
    type: 'button', class: 'link-button diff-button', 'aria-label': `与本文对比：${d.title || d.id}`,
    onclick: () => showDiff(panel, id, d.id),
  }, '对比');
  const parts = [];
  if (r.versions && r.versions.length > 1) {
    parts.push(h('div', { class: 'versions-list', id: 'doc-versions' }, h('h2', null, '各版本（按日期）'),
      h('ol', null, r.versions.map((d) => h('li', { class: d.current ? 'current' : null, dataset: { id: d.id } },
        d.current ? h('strong', null, d.title || '（本文）') : link(d), ' ', h('span', { class: 'meta' }, d.date || '日期不详'),
        d.current ? h('span', { class: 'meta' }, '（本文）') : [' ', compare(d)])))));
  }
  if (r.similar && r.similar.length) {
    parts.push(h('div', { class: 'versions-list', id: 'doc-similar' }, h('h2', null, `相似文档（${r.similar.length}）`),
      h('ul', null, r.similar.map((d) => h('li', { dataset: { id: d.id } }, link(d), ' ',
        h('span', { class: 'meta' }, d.exact ? '内容相同' : `相似度约 ${Math.round(d.similarity * 100)}%`), ' ', compare(d))))));
  }
  if (parts.length) parts.push(panel);
  box.replaceChildren(...parts);
  box.hidden = parts.length === 0;
  if (location.hash === '#doc-similar' || location.hash === '#doc-versions') {
    const target = box.querySelector(location.hash);
    if (target) target.scrollIntoView();
  }
}

// Under a search hit that stands for a duplicate cluster: how many matching
// documents were folded into it, with a link to the list on its page.
export function foldedNote(hit) {
  const n = hit.similar ? hit.similar.count : 0;
  if (!n) return null;
  return h('p', { class: 'folded-note' }, `另有 ${n} 个相似版本已折叠 · `,
    h('a', { href: `/doc/${encodeURIComponent(hit.id)}#doc-similar` }, '查看全部版本'));
}

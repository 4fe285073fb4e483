// "其他版本" on the document page: the document's duplicates (the same text
// imported again, reposts, with their similarity) and the versions of its
// title at other dates, in date order (GET /api/docs/{id}/versions,
// docs/check.md). Filled in after the page is shown; nothing when there are none.
import { api } from './api.js';
import { h } from './util.js';

export async function fillVersions(box, id) {
  let r;
  try {
    r = await api.get(`/api/docs/${encodeURIComponent(id)}/versions`);
  } catch (_) {
    return;  // the document itself is shown; the links are a bonus
  }
  const link = (d) => h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）');
  const parts = [];
  if (r.versions && r.versions.length > 1) {
    parts.push(h('div', { class: 'versions-list', id: 'doc-versions' }, h('h2', null, '各版本（按日期）'),
      h('ol', null, r.versions.map((d) => h('li', { class: d.current ? 'current' : null, dataset: { id: d.id } },
        d.current ? h('strong', null, d.title || '（本文）') : link(d), ' ', h('span', { class: 'meta' }, d.date || '日期不详'),
        d.current ? h('span', { class: 'meta' }, '（本文）') : null)))));
  }
  if (r.similar && r.similar.length) {
    parts.push(h('div', { class: 'versions-list', id: 'doc-similar' }, h('h2', null, `相似文档（${r.similar.length}）`),
      h('ul', null, r.similar.map((d) => h('li', { dataset: { id: d.id } }, link(d), ' ',
        h('span', { class: 'meta' }, d.exact ? '内容相同' : `相似度 ${Math.round(d.similarity * 100)}%`))))));
  }
  box.replaceChildren(...parts);
  box.hidden = parts.length === 0;
}

// 我的文库 on the account page: 素材篮 (reorder, remove, export .docx), 收藏 by
// folder, 浏览历史 with 阅读进度 ("继续阅读" opens the document where the reader
// was), 下载记录. All from /api/me/* (api_me.cc); every control is a button or
// link with a label, so the lists work from the keyboard.
import { api, describe, errorFrom } from './api.js';
import { h, formatTime, toast, cookie, withLoading } from './util.js';

export function mineSections() {
  const root = h('div', { class: 'mine' });
  const basket = h('section', { class: 'card', 'aria-labelledby': 'basket-title', id: 'basket' });
  const favs = h('section', { class: 'card', 'aria-labelledby': 'fav-title', id: 'favorites' });
  const hist = h('section', { class: 'card', 'aria-labelledby': 'hist-title', id: 'history' });
  const dls = h('section', { class: 'card', 'aria-labelledby': 'dl-title', id: 'downloads' });
  root.append(basket, favs, hist, dls);
  loadBasket(basket);
  loadFavorites(favs);
  loadHistory(hist);
  loadDownloads(dls);
  return root;
}

const docLink = (d, extra = '') => d.title
  ? h('a', { href: `/doc/${encodeURIComponent(d.id)}${extra}` }, d.title)
  : h('span', { class: 'muted' }, '（文档已删除）');

async function loadBasket(box) {
  const head = h('h2', { id: 'basket-title' }, '素材篮');
  let r;
  try {
    r = await api.get('/api/me/basket');
  } catch (err) {
    box.replaceChildren(head, h('p', { class: 'notice error' }, describe(err)));
    return;
  }
  const items = r.items || [];
  if (!items.length) {
    box.replaceChildren(head, h('p', { class: 'hint' }, '阅读文档时点段落旁的“加入素材篮”，把要用的段落收集到这里，排好顺序后导出为一个 Word 文件，每段附出处。'));
    return;
  }
  const order = items.map((i) => i.item);
  const move = async (i, delta) => {
    const j = i + delta;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    try {
      await api.post('/api/me/basket/order', { order });
    } catch (err) { toast(describe(err)); }
    await loadBasket(box);
    const again = box.querySelectorAll('.basket-item')[j];
    if (again) again.querySelector(delta < 0 ? '.up' : '.down')?.focus();
  };
  const list = h('ol', { class: 'basket-list' }, items.map((it, i) => h('li', { class: 'basket-item' },
    it.locked
      ? h('p', { class: 'snippet locked' }, '此段位于会员专享部分，当前身份不能查看（导出时略去）。')
      : h('p', { class: 'basket-text' }, it.text),
    h('p', { class: 'meta' }, it.citation || docLink(it)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'small up', disabled: i === 0, 'aria-label': `上移第 ${i + 1} 段`, onclick: () => move(i, -1) }, '上移'),
      h('button', { type: 'button', class: 'small down', disabled: i === items.length - 1, 'aria-label': `下移第 ${i + 1} 段`, onclick: () => move(i, 1) }, '下移'),
      h('a', { class: 'button small', href: `/doc/${encodeURIComponent(it.id)}?at=${it.start}` }, '查看原文'),
      h('button', { type: 'button', class: 'small danger', 'aria-label': `移出第 ${i + 1} 段`, onclick: async () => {
        try { await api.del(`/api/me/basket?item=${it.item}`); } catch (err) { toast(describe(err)); }
        loadBasket(box);
      } }, '移出')))));
  const exportButton = h('button', { type: 'button', class: 'primary', onclick: () => exportBasket(exportButton) }, '导出 Word（每段附出处）');
  box.replaceChildren(head, h('p', { class: 'hint' }, `共 ${items.length} 段，按此顺序导出。`), list,
    h('div', { class: 'actions' }, exportButton,
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirm('清空素材篮？')) return;
        try { await api.del('/api/me/basket'); } catch (err) { toast(describe(err)); }
        loadBasket(box);
      } }, '清空')));
}

async function exportBasket(button) {
  button.disabled = true;
  try {
    const headers = {};
    const csrf = cookie('wy_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const res = await withLoading(fetch('/api/me/basket/export', { method: 'POST', headers, credentials: 'same-origin' }));
    if (!res.ok) throw await errorFrom(res);
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: '素材篮.docx', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    toast(describe(err));
  } finally {
    button.disabled = false;
  }
}

async function loadFavorites(box) {
  const head = h('h2', { id: 'fav-title' }, '我的收藏');
  let r;
  try {
    r = await api.get('/api/me/favorites');
  } catch (err) {
    box.replaceChildren(head, h('p', { class: 'notice error' }, describe(err)));
    return;
  }
  const favs = r.favorites || [];
  if (!favs.length) {
    box.replaceChildren(head, h('p', { class: 'hint' }, '在文档页点“收藏”，可以放进不同的收藏夹。'));
    return;
  }
  const folders = [...new Set(favs.map((f) => f.folder))].sort();
  box.replaceChildren(head, ...folders.map((folder) => h('div', { class: 'fav-folder' },
    h('h3', null, folder || '默认收藏夹', h('span', { class: 'chip-count' }, ` ${favs.filter((f) => f.folder === folder).length}`)),
    h('ul', { class: 'mine-list' }, favs.filter((f) => f.folder === folder).map((f) => h('li', null,
      docLink(f), h('span', { class: 'meta' }, [f.year, f.source].filter(Boolean).join(' · ')),
      h('button', { type: 'button', class: 'small', 'aria-label': `取消收藏 ${f.title || ''}`, onclick: async () => {
        try { await api.del(`/api/me/favorites?${new URLSearchParams({ doc: f.id, folder: f.folder })}`); } catch (err) { toast(describe(err)); }
        loadFavorites(box);
      } }, '取消收藏')))))));
}

async function loadHistory(box) {
  const head = h('h2', { id: 'hist-title' }, '浏览历史与阅读进度');
  let r;
  try {
    r = await api.get('/api/me/history');
  } catch (err) {
    box.replaceChildren(head, h('p', { class: 'notice error' }, describe(err)));
    return;
  }
  const list = r.history || [];
  if (!list.length) {
    box.replaceChildren(head, h('p', { class: 'hint' }, '还没有浏览记录。'));
    return;
  }
  box.replaceChildren(head, h('ul', { class: 'mine-list' }, list.map((e) => h('li', null,
    docLink(e),
    h('span', { class: 'meta' }, `${formatTime(e.last_seen)} · 看过 ${e.views} 次${e.characters && e.position ? ` · 读到 ${Math.min(100, Math.round((e.position / e.characters) * 100))}%` : ''}`),
    e.position > 0 && e.title ? h('a', { class: 'button small', href: `/doc/${encodeURIComponent(e.id)}?at=${e.position}` }, '继续阅读') : null))),
  h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small', onclick: async () => {
    try { await api.del('/api/me/history'); } catch (err) { toast(describe(err)); }
    loadHistory(box);
  } }, '清除浏览历史')));
}

async function loadDownloads(box) {
  const head = h('h2', { id: 'dl-title' }, '下载记录');
  let r;
  try {
    r = await api.get('/api/me/downloads');
  } catch (err) {
    box.replaceChildren(head, h('p', { class: 'notice error' }, describe(err)));
    return;
  }
  const list = r.downloads || [];
  box.replaceChildren(head, list.length
    ? h('ul', { class: 'mine-list' }, list.map((e) => h('li', null, docLink(e),
      h('span', { class: 'meta' }, `${formatTime(e.at)} · ${e.format === 'txt' ? 'TXT' : 'Word'}`))))
    : h('p', { class: 'hint' }, '还没有下载过文档。'));
}

// 文档: one document, as the API's `blocks` (already cut to what this user may
// read: a paid part the user may not see arrives as one {"kind":"locked"} block
// with only its length, so no hidden text ever reaches the browser).
// ?at=N scrolls to the block containing code point offset N (search results in
// 金句 mode and outline clicks use it).
import { api, getMe, refreshMe, describe, errorFrom } from './api.js';
import { fillVersions } from './versions.js';
import { h, copyText, toast, formatNumber, setTitle, TIER_NAMES, withLoading, lockIcon, highlighted, cookie, citation } from './util.js';
import { searchWords, findWords } from './terms.js';

export async function mount(main, route) {
  const view = new DocPage(main);
  await view.update(route);
  return view;
}

class DocPage {
  constructor(main) {
    this.main = main;
    this.id = null;
  }

  unmount() {
    if (this.onScroll) window.removeEventListener('scroll', this.onScroll);
    if (this.onProgress) window.removeEventListener('scroll', this.onProgress);
  }

  async update(route) {
    const id = route.params[0];
    const at = parseInt(route.url.searchParams.get('at') || '', 10);
    this.words = searchWords(route.url.searchParams.get('q') || '');
    if (id === this.id && this.doc) {  // same document: only the position changed
      if (!Number.isNaN(at)) this.jumpTo(at, false);
      return;
    }
    this.id = id;
    this.doc = null;
    let doc;
    let me;
    try {
      [doc, me] = await Promise.all([api.get(`/api/docs/${encodeURIComponent(id)}`), getMe()]);
    } catch (err) {
      setTitle('文档');
      this.main.replaceChildren(h('section', { class: 'page narrow' },
        h('h1', null, err.status === 404 ? '文档不存在' : '无法打开文档'),
        h('p', { class: 'notice error', role: 'alert' }, describe(err)),
        h('p', null, h('a', { href: backHref() }, '← 返回搜索'))));
      return;
    }
    if (id !== this.id) return;  // navigated elsewhere meanwhile
    this.doc = doc;
    this.firstMark = null;
    trimPreview(doc.blocks);
    this.me = me;
    setTitle(doc.title);
    this.render();
    if (!Number.isNaN(at)) requestAnimationFrame(() => this.jumpTo(at, false));
    else if (this.firstMark) requestAnimationFrame(() => this.firstMark && this.firstMark.scrollIntoView({ block: 'center' }));
  }

  render() {
    const d = this.doc;
    this.blockEls = [];
    this.headings = flatten(d.outline || []);
    const body = h('div', { class: 'doc-body' }, d.blocks.map((b) => this.renderBlock(b)));
    const hasOutline = d.outline && d.outline.length > 0;
    const wide = matchMedia('(min-width: 900px)').matches;
    const outline = hasOutline
      ? h('nav', { class: 'outline', 'aria-label': '目录' },
        h('details', { open: wide },
          h('summary', null, '目录'),
          this.renderOutline(d.outline)))
      : null;
    this.main.replaceChildren(h('article', { class: 'page doc-page' + (hasOutline ? '' : ' no-outline') },
      h('header', { class: 'doc-head' },
        h('p', { class: 'crumbs' }, h('a', { href: backHref() }, '← 返回搜索')),
        h('h1', { class: 'doc-title' }, d.title || '（无标题）'),
        this.renderMeta(),
        this.renderDownloads(),
        this.renderReadingTools()),
      h('div', { class: 'doc-layout' }, outline, body),
      this.versionsBox(),
      this.relatedBox()));
    this.applyReading();
    this.followReading(hasOutline);
    this.offerResume();
  }

  versionsBox() {
    const box = h('section', { class: 'doc-versions', hidden: true, 'aria-label': '其他版本' });
    fillVersions(box, this.id);
    return box;
  }

  // 相关文档: the same 文种 and topic (GET /api/docs/{id}/related: the rarest
  // terms of the title and visible headings, searched with OR). Filled in
  // after the page is shown; nothing when there are none.
  relatedBox() {
    const box = h('section', { class: 'doc-related', hidden: true, 'aria-labelledby': 'related-title' });
    api.get(`/api/docs/${encodeURIComponent(this.id)}/related`).then((r) => {
      if (!r.related || !r.related.length) return;
      box.replaceChildren(h('h2', { id: 'related-title' }, '相关文档'),
        h('ul', { class: 'related-list' }, r.related.map((d) => h('li', { dataset: { id: d.id } },
          h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）'),
          d.access === 'paid' ? h('span', { class: 'badge paid', title: '含会员专享内容' }, '会员') : null,
          h('span', { class: 'meta' }, [d.year, d.source_name || d.source, d.type].filter((x) => x !== null && x !== undefined && x !== '').join(' · '))))));
      box.hidden = false;
    }, () => {});
    return box;
  }

  // 收藏: into a folder (the reader's own names; empty = 默认收藏夹).
  renderFavorite() {
    if (!this.me || !this.me.user) return null;
    const button = h('button', {
      type: 'button', class: 'small', 'aria-haspopup': 'dialog',
      onclick: async () => {
        const folder = prompt('收藏到哪个收藏夹？（留空为默认收藏夹）', localStorage.getItem('wy_folder') || '');
        if (folder === null) return;
        localStorage.setItem('wy_folder', folder.trim());
        try {
          await api.post('/api/me/favorites', { id: this.id, folder: folder.trim() });
          button.textContent = '已收藏';
          toast(`已收藏到“${folder.trim() || '默认收藏夹'}”`);
        } catch (err) { toast(describe(err)); }
      },
    }, '收藏');
    return button;
  }

  // 阅读进度: where the reader is (the first block under the header), sent at
  // most every 3 s while scrolling; offered back as "继续阅读" next time.
  async offerResume() {
    if (!this.me || !this.me.user) return;
    const here = this.id;
    let last = -1;
    let timer = 0;
    this.onProgress = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (this.id !== here || !this.blockEls) return;
        const el = this.blockEls.find(([, e]) => e.getBoundingClientRect().bottom > 80);
        if (!el || el[0].start === last) return;
        last = el[0].start;
        api.post('/api/me/history', { id: here, position: last }).catch(() => {});
      }, 3000);
    };
    window.addEventListener('scroll', this.onProgress, { passive: true });
    if (new URLSearchParams(location.search).has('at')) return;
    try {
      const r = await api.get('/api/me/history');
      const e = (r.history || []).find((x) => x.id === here);
      if (!e || !(e.position > 0) || this.id !== here) return;
      const button = h('button', { type: 'button', class: 'small resume', onclick: () => { this.jumpTo(e.position, true); button.remove(); } },
        e.characters ? `继续阅读（上次读到 ${Math.min(100, Math.round((e.position / e.characters) * 100))}%）` : '继续阅读');
      this.main.querySelector('.reading-tools')?.prepend(button);
    } catch (_) { /* no history: nothing to offer */ }
  }

  // 阅读模式 (interface chrome hidden, wider measure) and the font size, kept
  // in localStorage for the next document.
  renderReadingTools() {
    const size = (delta) => () => {
      const now = parseInt(localStorage.getItem('wy_font') || '17', 10);
      localStorage.setItem('wy_font', String(Math.max(14, Math.min(26, now + delta))));
      this.applyReading();
    };
    this.readingButton = h('button', {
      type: 'button', class: 'small', 'aria-pressed': 'false',
      onclick: () => {
        localStorage.setItem('wy_reading', localStorage.getItem('wy_reading') === '1' ? '0' : '1');
        this.applyReading();
      },
    }, '阅读模式');
    if (this.onProgress) window.removeEventListener('scroll', this.onProgress);
    this.onProgress = null;
    return h('div', { class: 'reading-tools', role: 'toolbar', 'aria-label': '阅读设置' },
      this.renderFavorite(),
      h('button', { type: 'button', class: 'small', 'aria-label': '缩小字号', onclick: size(-1) }, 'A−'),
      h('button', { type: 'button', class: 'small', 'aria-label': '放大字号', onclick: size(1) }, 'A＋'),
      this.readingButton,
      h('button', { type: 'button', class: 'small', 'aria-label': '打印本文', onclick: () => window.print() }, '打印'));
  }

  applyReading() {
    const font = parseInt(localStorage.getItem('wy_font') || '17', 10);
    const reading = localStorage.getItem('wy_reading') === '1';
    document.documentElement.style.setProperty('--doc-font', `${font}px`);
    document.body.classList.toggle('reading-mode', reading);
    if (this.readingButton) {
      this.readingButton.setAttribute('aria-pressed', String(reading));
      this.readingButton.textContent = reading ? '退出阅读模式' : '阅读模式';
    }
  }

  // The outline follows the reading position: the entry of the first block
  // below the sticky header is marked (once a frame at most).
  followReading(hasOutline) {
    if (this.onScroll) window.removeEventListener('scroll', this.onScroll);
    this.onScroll = null;
    if (!hasOutline) return;
    let queued = false;
    this.onScroll = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        const top = 80;
        for (const [b, el] of this.blockEls) {
          if (el.getBoundingClientRect().bottom > top) { this.markOutline(b.start); break; }
        }
      });
    };
    window.addEventListener('scroll', this.onScroll, { passive: true });
  }

  renderMeta() {
    const d = this.doc;
    const items = [
      ['年份', d.date || d.year],
      ['来源', d.source],
      ['发文机关', d.issuer],
      ['类别', d.category],
      ['字数', d.characters ? `${formatNumber(d.characters)} 字` : ''],
      ['权限', d.access === 'paid' ? '含会员专享内容' : ''],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');
    return h('dl', { class: 'doc-meta' }, items.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, String(v)))));
  }

  renderDownloads() {
    const dl = this.doc.downloads || {};
    this.quota = h('span', { class: 'quota', 'aria-live': 'polite' }, quotaText(dl, this.doc.locked, this.doc.access));
    const button = (format, label) => h('button', {
      type: 'button', class: 'download', dataset: { format },
      onclick: (e) => this.download(format, e.currentTarget),
    }, label);
    return h('div', { class: 'downloads' }, button('docx', '下载 Word'), button('txt', '下载 TXT'), this.quota);
  }

  renderBlock(b) {
    if (b.kind === 'locked') {
      const me = this.me || {};
      const action = me.user
        ? h('a', { class: 'button primary', href: '/account' }, '升级 VIP')
        : h('a', { class: 'button primary', href: `/login?next=${encodeURIComponent(location.pathname)}` }, '登录 / 注册');
      const el = h('div', { class: 'block locked-block', role: 'note', id: `b-${b.start}` },
        h('p', null, lockIcon(), ' ',
          // A non-member is not told how long the paid part is (characters is null).
          b.characters == null ? '以下为会员专享内容，升级 VIP 查看全文'
            : `以下 ${formatNumber(b.characters)} 字为会员专享内容，升级 VIP 查看全文`),
        me.user ? h('p', { class: 'hint' }, `当前身份：${TIER_NAMES[me.tier] || me.tier}`) : null,
        action);
      this.blockEls.push([b, el]);
      return el;
    }
    // 公文 often run a heading into its paragraph ("一、聚焦…。一是扎实开展…"):
    // the outline's marker+title is set in bold where it starts, and only a
    // block that is nothing but its heading becomes a heading element.
    // An item of an enumeration ("（一）制定内部管理制度；") is no heading, though the
    // outline lists it: it ends like a clause, so it stays a plain paragraph.
    const listItem = /[；;，,、]$/.test(b.text.trim());
    const heads = listItem ? [] : runInHeads(b, this.headings);
    const cps = Array.from(b.text);
    const level = b.heading_level || 0;
    const wholeHeading = level > 0 && !listItem && (heads.length
      ? heads[0][0] === 0 && heads[0][1] >= cps.length - 1
      : cps.length <= 40);
    const isTitle = b.start === 0 && level === 0 && b.text.trim() === (this.doc.title || '').trim();
    let textEl;
    const shown = b.text;
    const marks = findWords(shown, this.words);
    if (wholeHeading) textEl = h(`h${Math.min(level + 1, 5)}`, { class: 'text' }, highlighted(shown, marks));
    else if (isTitle) textEl = h('p', { class: 'text own-title' }, highlighted(shown, marks));
    else textEl = h('p', { class: 'text' }, withMarks(shown, heads, marks));
    if (marks.length && !this.firstMark) this.firstMark = textEl.querySelector('mark');
    const copy = h('button', {
      type: 'button', class: 'copy', 'aria-label': '复制此段及出处', title: '复制此段（附出处）',
      onclick: async (e) => {
        const btn = e.currentTarget;
        const ok = await copyText(`${b.text.trim()}\n${citation(this.doc)}`);
        btn.textContent = ok ? '已复制' : '复制失败';
        btn.classList.toggle('done', ok);
        toast(ok ? '已复制到剪贴板' : '复制失败，请手动选择文字');
        clearTimeout(btn._t);
        btn._t = setTimeout(() => { btn.textContent = '复制'; btn.classList.remove('done'); }, 1600);
      },
    }, '复制');
    const el = h('div', { class: `block${wholeHeading ? ' heading' : ''}`, id: `b-${b.start}`, tabindex: '-1' },
      textEl);
    // Inside the text element: on a phone it then sits at the end of the last
    // line instead of taking a line of its own (CSS places it on desktop).
    textEl.append(copy);
    // 素材篮: only what this reader can read arrives here, and the server checks again.
    if (this.me && this.me.user && !wholeHeading) {
      textEl.append(h('button', {
        type: 'button', class: 'copy basket-add', 'aria-label': '加入素材篮', title: '加入素材篮',
        onclick: async (e) => {
          const btn = e.currentTarget;
          try {
            await api.post('/api/me/basket', { id: this.id, start: b.start, end: b.end });
            btn.textContent = '已加入';
            btn.classList.add('done');
            toast('已加入素材篮（在“账户”页整理和导出）');
          } catch (err) { toast(describe(err)); }
        },
      }, '素材篮'));
    }
    this.blockEls.push([b, el]);
    return el;
  }

  renderOutline(nodes) {
    return h('ol', null, nodes.map((n) => {
      if (n.locked) {
        return h('li', { class: 'locked' }, h('a', { href: `?at=${n.start}`, onclick: (e) => this.outlineClick(e, n.start) },
          lockIcon(), ' ', n.title || '会员专享内容'));
      }
      // 一、聚焦 and （一）加强 take no space after the numeral; 第一章 总则 does.
      const sep = /[、）)．.]$/.test(n.marker || '') ? '' : ' ';
      const label = n.marker && !(n.title || '').startsWith(n.marker) ? `${n.marker}${n.title ? sep + n.title : ''}` : n.title;
      return h('li', null,
        h('a', { href: `?at=${n.start}`, onclick: (e) => this.outlineClick(e, n.start) }, label || '（无题）'),
        n.children && n.children.length ? this.renderOutline(n.children) : null);
    }));
  }

  outlineClick(e, start) {
    e.preventDefault();
    history.replaceState(history.state, '', `${location.pathname}?at=${start}`);
    // On a phone the outline sits above the text: fold it away after a choice,
    // and only then scroll — folding first shortens the page above the target,
    // so a scroll computed before it overshot by the outline's height.
    const details = e.currentTarget.closest('details');
    if (details && !matchMedia('(min-width: 900px)').matches && details.open) {
      details.open = false;
      requestAnimationFrame(() => this.jumpTo(start, true, 'auto'));
      return;
    }
    this.jumpTo(start, true);
  }

  // Scrolls to the block that contains offset `at` (or the first one after it).
  jumpTo(at, focus, behavior) {
    if (!this.blockEls) return;
    let target = null;
    for (const [b, el] of this.blockEls) {
      if (b.start <= at && at < b.end) { target = el; break; }
      if (b.start >= at) { target = el; break; }
    }
    if (!target) return;
    this.markOutline(at);
    target.scrollIntoView({ block: 'start', behavior: behavior || (focus ? 'smooth' : 'auto') });
    target.classList.remove('flash');
    void target.offsetWidth;  // restart the animation
    target.classList.add('flash');
    if (focus) target.focus({ preventScroll: true });
  }

  // The outline entry for `at` (the last one starting at or before it) is the current one.
  markOutline(at) {
    let best = null;
    for (const a of this.main.querySelectorAll('.outline a')) {
      a.removeAttribute('aria-current');
      const start = parseInt(new URLSearchParams(a.getAttribute('href').slice(1)).get('at'), 10);
      if (start <= at) best = a;
    }
    if (best) {
      best.setAttribute('aria-current', 'location');
      const list = best.closest('details > ol');
      if (list) {
        const r = best.getBoundingClientRect();
        const lr = list.getBoundingClientRect();
        if (r.top < lr.top || r.bottom > lr.bottom) list.scrollTop += r.top - lr.top - lr.height / 3;
      }
    }
  }

  async download(format, button) {
    button.disabled = true;
    try {
      // POST with the CSRF token: only this page can spend a download of the
      // quota (a GET from a link on another site never does).
      const headers = {};
      const csrf = cookie('wy_csrf');
      if (csrf) headers['X-CSRF-Token'] = csrf;
      const res = await withLoading(fetch(`/api/docs/${encodeURIComponent(this.id)}/download?format=${format}`,
        { method: 'POST', headers, credentials: 'same-origin' }));
      if (!res.ok) throw await errorFrom(res);
      const blob = await res.blob();
      const name = filenameFrom(res.headers.get('Content-Disposition')) || `${this.doc.title || this.id}.${format}`;
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: name, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      const me = await refreshMe();
      const dl = { ...this.doc.downloads };
      if (me.quotas && 'downloads_left' in me.quotas) dl.left = me.quotas.downloads_left;
      this.doc.downloads = dl;
      this.quota.textContent = quotaText(dl, this.doc.locked, this.doc.access);
    } catch (err) {
      toast(describe(err));
      this.quota.textContent = describe(err);
    } finally {
      button.disabled = false;
    }
  }
}

// Bold run-in headings and <mark>ed search words in one paragraph: the marks
// go inside (or beside) the bold runs, computed on code points.
function withMarks(text, heads, marks) {
  if (!marks.length) return highlighted(text, heads, 'strong');
  if (!heads.length) return highlighted(text, marks);
  const cps = Array.from(text);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [s, e] of heads) {
    if (s > at) frag.append(highlighted(cps.slice(at, s).join(''), shift(marks, at)));
    frag.append(h('strong', { class: 'run-in' }, highlighted(cps.slice(s, e).join(''), shift(marks, s))));
    at = e;
  }
  if (at < cps.length) frag.append(highlighted(cps.slice(at).join(''), shift(marks, at)));
  return frag;
}

function shift(ranges, by) {
  return ranges.map(([a, b]) => [a - by, b - by]);
}

// The last readable paragraph before a locked part ends where the free preview
// was cut, often in mid-sentence: show it up to its last full sentence, with an
// ellipsis, so the preview never stops in the middle of a word.
function trimPreview(blocks) {
  for (let i = 0; i + 1 < blocks.length; i++) {
    const b = blocks[i];
    if (b.kind === 'locked' || blocks[i + 1].kind !== 'locked') continue;
    const text = b.text.replace(/\s+$/, '');
    if (/[。！？；…”」]$/.test(text)) continue;
    const cut = Math.max(...['。', '！', '？', '；'].map((m) => text.lastIndexOf(m)));
    b.text = cut > 0 ? `${text.slice(0, cut + 1)}……` : `${text}……`;
  }
}

function flatten(nodes, out = []) {
  for (const n of nodes) {
    if (n.locked) continue;
    out.push(n);
    if (n.children) flatten(n.children, out);
  }
  return out;
}

// Code point ranges (relative to the block) of the outline headings that start
// inside block `b`: the marker, up to two spaces, the title and one closing
// punctuation mark (or the bare marker when there is no title), but only where
// the text really reads so.
function runInHeads(b, headings) {
  const cps = Array.from(b.text);
  const out = [];
  for (const n of headings) {
    if (n.start < b.start || n.start >= b.end || !n.marker) continue;
    const rel = n.start - b.start;
    const marker = Array.from(n.marker || '');
    if (cps.slice(rel, rel + marker.length).join('') !== marker.join('')) continue;
    let i = rel + marker.length;
    while (i < cps.length && i < rel + marker.length + 2 && /\s/.test(cps[i])) i++;
    // A law's article ("第五十一条 …") has a marker and no title: bold the marker.
    const title = Array.from(n.title || '');
    if (cps.slice(i, i + title.length).join('') !== (n.title || '')) continue;
    let end = title.length ? i + title.length : rel + marker.length;
    if (/[。．.：:；;]/.test(cps[end] || '')) end++;
    out.push([rel, end]);
  }
  return out;
}

// Only full downloads of paid documents count against the daily quota.
function quotaText(dl, locked, access) {
  if (access !== 'paid') return '公开文档，下载不计次数';
  if (locked) return '非会员下载为试读版';
  if (dl.per_day === null || dl.per_day === undefined) return '全文下载不限次数';
  return `今日全文下载剩余 ${dl.left ?? dl.per_day} / ${dl.per_day} 次`;
}

// RFC 6266/5987: prefer filename*=UTF-8''…, else filename="…".
function filenameFrom(cd) {
  if (!cd) return '';
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(cd);
  if (star) {
    try { return decodeURIComponent(star[2].trim()); } catch (_) { /* fall through */ }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(cd);
  return plain ? (plain[1] || plain[2] || '').trim() : '';
}

function backHref() {
  return sessionStorage.getItem('wy_last_search') || '/';
}

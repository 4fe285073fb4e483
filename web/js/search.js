// 搜索: the search page. The URL (?q=&page=&sort=&year=&source=&category=&type=&unit=&collapse=false)
// is the whole state (without q but with type= or category=: 按文种/类别浏览): submitting or paging pushes a new URL and back/forward
// re-run the search from it. Results render from the API's code point
// highlight offsets (util.highlighted), never by re-finding the words in JS,
// so what is marked is exactly what the engine matched.
import { foldedNote } from './versions.js';
import { api, describe, ApiError } from './api.js';
import { h, highlighted, formatNumber, setTitle, lockIcon, copyText, toast, citation } from './util.js';
import { queryError } from './messages.js';

const PAGE_SIZE = 10;
const HELP = '空格或 AND/与 = 并且，"…" 精确短语，- 排除，A | B 或者，(…) 分组，title: heading: year:2019..2023 source: type:通知';
const EXAMPLES = ['高质量发展', '"个人信息" 同意', 'title:政府工作报告 year:2024..2026', '党建 -廉政', '国旗 | 国徽'];

function paramsOf(url) {
  const p = url.searchParams;
  return {
    q: p.get('q') || '',
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    sort: p.get('sort') === 'date' ? 'date' : 'relevance',
    year: p.get('year') || '',
    source: p.get('source') || '',
    category: p.get('category') || '',
    type: p.get('type') || '',
    unit: p.get('unit') === 'paragraph' ? 'paragraph' : 'document',
    all: p.get('collapse') === 'false',  // 显示全部版本: duplicate clusters not folded
  };
}

function urlOf(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.year) p.set('year', s.year);
  if (s.source) p.set('source', s.source);
  if (s.category) p.set('category', s.category);
  if (s.type) p.set('type', s.type);
  if (s.unit !== 'document') p.set('unit', s.unit);
  if (s.all) p.set('collapse', 'false');
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}

export async function mount(main, route, ctx) {
  const page = new SearchPage(main, ctx);
  await page.update(route);
  return page;
}

class SearchPage {
  constructor(main, ctx) {
    this.ctx = ctx;
    this.facets = null;
    this.controller = null;
    this.build(main);
    this.loadFacets();
  }

  build(main) {
    const f = (this.fields = {});
    f.q = h('input', {
      id: 'q', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search',
      placeholder: '输入关键词，精准匹配原文', 'aria-describedby': 'search-help',
      role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'suggestions',
    });
    this.suggestBox = h('ul', { id: 'suggestions', class: 'suggestions', role: 'listbox', 'aria-label': '搜索建议', hidden: true });
    this.wireSuggestions(f.q);
    // Text, not type=number: a number box lets the wheel and arrow keys change the
    // year under the reader's hand. Either box may stay empty (an open range).
    const yearBox = (id, label) => h('input', {
      id, type: 'text', inputmode: 'numeric', maxlength: '4', pattern: '[0-9]{4}', autocomplete: 'off', placeholder: label === '起始年份' ? '起' : '止', 'aria-label': label,
    });
    f.yearFrom = yearBox('year-from', '起始年份');
    f.yearTo = yearBox('year-to', '截止年份');
    f.source = h('select', { id: 'source' }, h('option', { value: '' }, '全部来源'));
    f.category = h('select', { id: 'category' }, h('option', { value: '' }, '全部类别'));
    f.type = h('select', { id: 'type' }, h('option', { value: '' }, '全部文种'));
    f.sort = h('select', { id: 'sort' }, h('option', { value: 'relevance' }, '相关度'), h('option', { value: 'date' }, '时间'));
    f.unit = h('input', { id: 'unit', type: 'checkbox', role: 'switch' });

    this.error = h('div', { class: 'query-error', role: 'alert', hidden: true });
    this.form = h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); this.submit(1); } },
      h('label', { for: 'q', class: 'visually-hidden' }, '搜索公文'),
      h('div', { class: 'search-row' }, h('div', { class: 'q-wrap' }, f.q, this.suggestBox), h('button', { type: 'submit', class: 'primary' }, '搜索')),
      h('p', { id: 'search-help', class: 'search-help' }, HELP),
      this.error,
      // Collapsible: on a phone the filters would push the first hit off the screen.
      (this.filterBox = h('details', { class: 'filter-box', open: matchMedia('(min-width: 700px)').matches },
        (this.filterSummary = h('summary', { class: 'filter-summary' }, '筛选')),
      h('div', { class: 'filters' },
        h('div', { class: 'filter year-filter' },
          h('span', { class: 'filter-label', id: 'year-label' }, '年份'),
          h('span', { class: 'year-inputs', role: 'group', 'aria-labelledby': 'year-label' }, f.yearFrom, h('span', { 'aria-hidden': 'true' }, '–'), f.yearTo)),
        h('div', { class: 'filter' }, h('label', { for: 'source', class: 'filter-label' }, '来源'), f.source),
        h('div', { class: 'filter' }, h('label', { for: 'category', class: 'filter-label' }, '类别'), f.category),
        h('div', { class: 'filter' }, h('label', { for: 'type', class: 'filter-label' }, '文种'), f.type),
        h('div', { class: 'filter' }, h('label', { for: 'sort', class: 'filter-label' }, '排序'), f.sort),
        h('div', { class: 'filter toggle' },
          f.unit,
          h('label', { for: 'unit', title: '按段落返回结果，适合查找可引用的原句' }, '金句', h('span', { class: 'hint' }, '（按段落）')))))));
    // Filters apply at once when there is a query; years on change (not each keystroke).
    for (const el of [f.source, f.category, f.type, f.sort, f.unit, f.yearFrom, f.yearTo]) {
      el.addEventListener('change', () => { if (f.q.value.trim()) this.submit(1); });
    }
    // Full-width digits from a Chinese IME become ASCII as they are typed.
    for (const el of [f.yearFrom, f.yearTo]) {
      el.addEventListener('input', () => {
        const v = el.value.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\D/g, '').slice(0, 4);
        if (v !== el.value) el.value = v;
      });
    }
    this.results = h('div', { class: 'results' });
    // Screen readers hear only the count, not every snippet, when results change.
    this.status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.root = h('section', { class: 'page search-page' }, this.form, this.status, this.results);
    main.append(this.root);
  }

  // 搜索建议 as you type (titles and frequent queries, /api/suggest): arrow keys
  // move through them, Enter takes one, Escape closes the list.
  wireSuggestions(box) {
    let timer = 0;
    let active = -1;
    let items = [];
    const close = () => {
      this.suggestBox.hidden = true;
      box.setAttribute('aria-expanded', 'false');
      box.removeAttribute('aria-activedescendant');
      active = -1;
    };
    const mark = () => {
      [...this.suggestBox.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
      if (active >= 0) box.setAttribute('aria-activedescendant', `sug-${active}`);
      else box.removeAttribute('aria-activedescendant');
    };
    const choose = (text) => {
      box.value = text;
      close();
      this.submit(1);
    };
    box.addEventListener('input', () => {
      clearTimeout(timer);
      const q = box.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(async () => {
        try {
          const r = await api.get(`/api/suggest?q=${encodeURIComponent(q)}`);
          if (box.value.trim() !== q) return;
          items = (r.suggestions || []).filter((x) => x.text !== q).slice(0, 8);
          if (!items.length || document.activeElement !== box) { close(); return; }
          this.suggestBox.replaceChildren(...items.map((x, i) => h('li', {
            id: `sug-${i}`, role: 'option', 'aria-selected': 'false', class: `suggestion ${x.kind}`,
            onmousedown: (e) => { e.preventDefault(); choose(x.text); },
          }, x.kind === 'popular' ? h('span', { class: 'sug-kind' }, '热搜') : h('span', { class: 'sug-kind' }, '标题'), x.text)));
          active = -1;
          this.suggestBox.hidden = false;
          box.setAttribute('aria-expanded', 'true');
        } catch (_) { close(); }
      }, 80);
    });
    box.addEventListener('keydown', (e) => {
      if (this.suggestBox.hidden) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        active = (active + (e.key === 'ArrowDown' ? 1 : -1) + items.length + 1) % (items.length + 1);
        if (active === items.length) active = -1;
        mark();
      } else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        choose(items[active].text);
      } else if (e.key === 'Escape') {
        e.preventDefault();  // close the list only: Escape in a search box would also clear the words
        close();
      } else if (e.key === 'Enter') {
        close();
      }
    });
    box.addEventListener('blur', () => setTimeout(close, 100));
  }

  async loadFacets() {
    try {
      this.facets = await api.get('/api/facets');
    } catch (_) {
      return;  // filters still work by typing; no list to choose from
    }
    const { source, category, type, yearFrom, yearTo } = this.fields;
    // The number of documents beside each option (source_counts, category_counts).
    const option = (name, counts) => h('option', { value: name },
      counts && counts[name] != null ? `${name}（${formatNumber(counts[name])}）` : name);
    for (const s of this.facets.sources || []) source.append(option(s, this.facets.source_counts));
    for (const c of this.facets.categories || []) category.append(option(c, this.facets.category_counts));
    for (const t of Object.keys(this.facets.type_counts || {})) type.append(option(t, this.facets.type_counts));
    if (Array.isArray(this.facets.years) && this.facets.years.length === 2) {
      yearFrom.placeholder = String(this.facets.years[0]);
      yearTo.placeholder = String(this.facets.years[1]);
    }
    this.syncForm();  // a ?source= from the URL can be selected now that the option exists
    if (this.home) this.renderHome();
  }

  // Form -> URL. Page 1 unless paging.
  submit(pageNo) {
    const f = this.fields;
    const bad = [f.yearFrom, f.yearTo].find((el) => el.value && !/^\d{4}$/.test(el.value));
    if (bad) {
      this.error.replaceChildren(h('strong', null, '年份有误：'),
        `“${bad.value}”不是四位数字年份。请在“起”“止”中填写如 2019、2023，或留空不限。`);
      this.error.hidden = false;
      bad.focus();
      return;
    }
    const s = {
      q: f.q.value.trim(),
      page: pageNo,
      sort: f.sort.value,
      year: this.yearParam(),
      source: f.source.value,
      category: f.category.value,
      type: f.type.value,
      unit: f.unit.checked ? 'paragraph' : 'document',
      all: Boolean(this.state && this.state.all),  // 显示全部版本 stays on for the next query
    };
    const target = urlOf(s);
    if (target === location.pathname + location.search) this.run(s);  // same URL: search again anyway
    else this.ctx.navigate(target);
  }

  // "2020", "2020..2023", or an open range "2020.." / "..2023": an empty box
  // stays empty (filling it with the library's last year made the next digits
  // typed there read "20262023").
  yearParam() {
    const from = parseInt(this.fields.yearFrom.value, 10) || 0;
    const to = parseInt(this.fields.yearTo.value, 10) || 0;
    if (!from && !to) return '';
    if (from && to) {
      if (from === to) return `${from}..${to}`;
      return `${Math.min(from, to)}..${Math.max(from, to)}`;
    }
    return from ? `${from}..` : `..${to}`;
  }

  // URL -> form (back/forward must show what is being searched).
  syncForm() {
    const s = this.state;
    if (!s) return;
    const f = this.fields;
    if (document.activeElement !== f.q || f.q.value.trim() !== s.q) f.q.value = s.q;
    f.sort.value = s.sort;
    f.unit.checked = s.unit === 'paragraph';
    ensureOption(f.source, s.source);
    ensureOption(f.category, s.category);
    ensureOption(f.type, s.type);
    const [a, b] = s.year.split('..');
    f.yearFrom.value = a || '';
    f.yearTo.value = s.year.includes('..') ? b || '' : a || '';
    const active = [s.year, s.source, s.category, s.type].filter(Boolean).length + (s.sort !== 'relevance') + (s.unit !== 'document');
    this.filterSummary.textContent = active ? `筛选（已选 ${active} 项）` : '筛选';
  }

  async update(route) {
    this.state = paramsOf(route.url);
    this.syncForm();
    await this.run(this.state);
  }

  async run(s) {
    if (this.controller) this.controller.abort();
    this.error.hidden = true;
    if (!s.q && (s.type || s.category)) {
      this.home = false;
      await this.renderBrowse(s);
      return;
    }
    if (!s.q) {
      setTitle('');
      this.home = true;
      this.renderHome();
      if (!matchMedia('(hover: none)').matches) this.fields.q.focus();
      return;
    }
    this.home = false;
    setTitle(s.q);
    sessionStorage.setItem('wy_last_search', urlOf(s));
    const controller = (this.controller = new AbortController());
    const p = new URLSearchParams({ q: s.q, page: String(s.page), size: String(PAGE_SIZE), sort: s.sort, unit: s.unit });
    if (s.year) p.set('year', s.year);
    if (s.source) p.set('source', s.source);
    if (s.category) p.set('category', s.category);
    if (s.type) p.set('type', s.type);
    if (s.all) p.set('collapse', 'false');
    // Dim the old results only if the answer is slow; fast answers just replace them.
    const busy = setTimeout(() => this.results.classList.add('busy'), 300);
    try {
      const r = await api.get(`/api/search?${p}`, { signal: controller.signal });
      if (controller !== this.controller) return;
      this.renderResults(s, r);
      this.loadQueryCounts(s, controller);
    } catch (err) {
      if (controller !== this.controller || err.name === 'AbortError') return;
      this.renderError(s, err);
    } finally {
      clearTimeout(busy);
      if (controller === this.controller) this.results.classList.remove('busy');
    }
  }

  renderHome() {
    const fa = this.facets;
    const examples = h('p', { class: 'examples' }, '试试：',
      EXAMPLES.map((q) => h('a', { href: urlOf({ ...paramsOf(new URL('/', location.href)), q }), class: 'example' }, q)));
    const stats = fa
      ? h('p', { class: 'library-stats' },
        `文库共收录 ${formatNumber(fa.documents)} 篇文档`,
        fa.years && fa.years.length === 2 ? `，年份 ${fa.years[0]}–${fa.years[1]}` : '',
        fa.sources && fa.sources.length ? `，来源 ${fa.sources.length} 个` : '', '。')
      : null;
    const fresh = h('section', { class: 'fresh', 'aria-labelledby': 'fresh-title' });
    const hot = h('p', { class: 'examples hot', hidden: true });
    this.results.replaceChildren(h('div', { class: 'home' }, stats, examples, hot, browseSection(fa), fresh));
    api.get('/api/suggest').then((r) => {
      const list = (r.suggestions || []).slice(0, 8);
      if (!this.home || !list.length) return;
      hot.append('热门搜索：', ...list.map((x) => h('a', { href: urlOf({ ...paramsOf(new URL('/', location.href)), q: x.text }), class: 'example' }, x.text)));
      hot.hidden = false;
    }, () => {});
    api.get('/api/new?days=36500&limit=8').then((r) => {
      if (!this.home || !r.documents || !r.documents.length) return;
      fresh.append(h('h2', { id: 'fresh-title' }, '最新收录'),
        h('ul', { class: 'fresh-list' }, r.documents.map((d) =>
          h('li', null, h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）'),
            h('span', { class: 'meta' }, [d.year, d.source].filter(Boolean).join(' · '))))));
    }, () => {});
  }

  // 按文种/类别浏览: the documents of one 文种 or category, newest first (/api/browse).
  async renderBrowse(s) {
    const label = [s.type, s.category].filter(Boolean).join(' · ');
    setTitle(label);
    const p = new URLSearchParams({ page: String(s.page), size: String(PAGE_SIZE) });
    if (s.type) p.set('type', s.type);
    if (s.category) p.set('category', s.category);
    let r;
    try {
      r = await api.get(`/api/browse?${p}`);
    } catch (err) {
      this.results.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, describe(err)));
      return;
    }
    const summary = h('p', { class: 'summary' }, `${label}：共 `, h('strong', null, formatNumber(r.total)), ' 篇，按时间排列');
    this.status.textContent = summary.textContent;
    const list = h('ol', { class: 'hits browse-list', start: String((s.page - 1) * PAGE_SIZE + 1) }, r.documents.map((d) => h('li', { class: 'hit' },
      h('h2', { class: 'hit-title' }, h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）'), accessBadge(d.access)),
      h('p', { class: 'meta' }, [d.year, d.source_name || d.source, d.type, d.category].filter((x) => x !== null && x !== undefined && x !== '').join(' · ')))));
    this.results.replaceChildren(h('h1', { class: 'browse-title' }, `按${s.type ? '文种' : '类别'}浏览：${label}`), summary, list, pager(s, r.total) || '');
  }

  // The counts beside every filter option for this query (/api/search/facets):
  // how many hits each 文种, category and source would leave. Kept apart from
  // renderResults so the results rendering can change without touching this.
  async loadQueryCounts(s, controller) {
    let r;
    try {
      r = await api.get(`/api/search/facets?q=${encodeURIComponent(s.q)}`, { signal: controller.signal });
    } catch (_) {
      return;  // the options keep their library-wide counts
    }
    if (controller !== this.controller) return;
    const f = this.fields;
    const mark = (select, counts) => {
      for (const o of select.options) {
        if (!o.value) continue;
        const n = counts[o.value] || 0;
        o.textContent = `${o.value}（${formatNumber(n)}${r.complete ? '' : '+'}）`;
      }
    };
    mark(f.type, r.type_counts || {});
    mark(f.category, r.category_counts || {});
    mark(f.source, r.source_counts || {});
  }

  renderError(s, err) {
    this.results.replaceChildren();
    const msg = describe(err);
    if (err instanceof ApiError && err.code === 'bad_request') {
      const qe = queryError(err.message);
      this.error.replaceChildren(h('strong', null, '查询语法有误：'), qe.text, caret(s.q, qe.column) || '');
      this.status.textContent = '';
      this.error.hidden = false;
    } else {
      this.results.append(h('p', { class: 'notice error', role: 'alert' }, msg));
    }
  }

  renderResults(s, r) {
    const total = r.total || 0;
    const took = (r.took_us || 0) / 1000;
    const noun = s.unit === 'paragraph' ? ' 个段落' : ' 篇文档';
    // With folding a page lists fewer hits than `total` counts: say both, so
    // 「共 N 篇」 never disagrees with what the pages hold (shown_total: the
    // hits folding leaves, null when the server did not count them).
    const shown = r.collapsed ? r.shown_total : total;
    const foldedHere = (r.hits || []).reduce((n, hit) => n + ((hit.similar && hit.similar.count) || 0), 0);
    let count = '没有结果';
    if (total) {
      count = ['共 ', h('strong', null, formatNumber(total)), noun];
      if (s.all) count.push('（含全部版本）');
      else if (shown != null && shown < total) count.push('，合并相似版本后 ', h('strong', null, formatNumber(shown)), ' 条');
      else if (shown == null && foldedHere) count.push('（相似版本已合并）');
    }
    // 显示全部版本 (collapse=false, in the URL): offered where folding changes something.
    const foldSwitch = s.all || foldedHere || (shown != null && shown < total)
      ? h('label', { class: 'fold-switch', title: '转载、重复导入的相似文档默认合并为一条；打开后逐篇列出' },
        h('input', { id: 'all-versions', type: 'checkbox', role: 'switch', checked: s.all,
          onchange: (e) => this.ctx.navigate(urlOf({ ...s, all: e.target.checked, page: 1 })) }), '显示全部版本')
      : null;
    const summary = h('p', { class: 'summary' }, count,
      h('span', { class: 'took' }, ` · 用时 ${took < 10 ? took.toFixed(1) : Math.round(took)} 毫秒`), foldSwitch);
    this.status.textContent = summary.textContent;
    if (!total) {
      this.results.replaceChildren(summary, h('div', { class: 'empty' },
        h('p', null, '没有找到与“', h('strong', null, s.q), '”精准匹配的文档。'),
        h('ul', null,
          h('li', null, '检查错别字，或换一个更短的词；'),
          h('li', null, '去掉年份、来源、类别等筛选条件；'),
          h('li', null, '用 A | B 表示“或者”。'))));
      return;
    }
    const list = h('ol', { class: 'hits', start: String((s.page - 1) * PAGE_SIZE + 1) },
      r.hits.map((hit) => this.renderHit(s, hit)));
    this.results.replaceChildren(summary, list, pager(s, shown != null ? shown : total) || '');
  }

  // One hit: title, a line of metadata, one short snippet; the document's other
  // matches behind a button (a results page is for choosing, not reading).
  renderHit(s, hit) {
    const p = new URLSearchParams();
    if (hit.paragraph) p.set('at', String(hit.paragraph.start));
    p.set('q', s.q);  // the document page marks the search words
    const href = `/doc/${encodeURIComponent(hit.id)}?${p}`;
    const meta = [hit.year, hit.source_name || hit.source, hit.type, hit.category].filter((x) => x !== null && x !== undefined && x !== '');
    const badge = accessBadge(hit.access);
    const snippets = hit.snippets || [];
    const renderSnippet = (sn) => sn.locked
      ? h('p', { class: 'snippet locked' }, lockIcon(), ' 匹配内容位于会员专享部分')
      : h('p', { class: 'snippet' }, snippetBody(sn, hit.paragraph));
    const more = snippets.slice(1);
    const moreBox = more.length ? h('div', { class: 'more-snippets', hidden: true, id: `more-${hit.id}` }, more.map(renderSnippet)) : null;
    const moreButton = more.length ? h('button', {
      type: 'button', class: 'link-button more-button', 'aria-expanded': 'false', 'aria-controls': `more-${hit.id}`,
      onclick: (e) => {
        const open = moreBox.hidden;
        moreBox.hidden = !open;
        e.currentTarget.setAttribute('aria-expanded', String(open));
        e.currentTarget.textContent = open ? '收起' : `本文其他匹配（${more.length} 处）`;
      },
    }, `本文其他匹配（${more.length} 处）`) : null;
    // 金句: a copy button per paragraph, with the citation line.
    const first = snippets[0];
    const copy = s.unit === 'paragraph' && first && !first.locked ? h('button', {
      type: 'button', class: 'copy-quote', 'aria-label': `复制这段原文及出处：${hit.title || ''}`,
      onclick: async (e) => {
        const btn = e.currentTarget;  // null once the handler awaits
        const ok = await copyText(`${first.text}\n${citation(hit)}`);
        btn.textContent = ok ? '已复制' : '复制失败';
        toast(ok ? '已复制原文及出处' : '复制失败，请手动选择文字');
      },
    }, '复制') : null;
    // The actions share the metadata line: a row less per hit, more hits a screen.
    return h('li', { class: 'hit' },
      h('h2', { class: 'hit-title' }, h('a', { href }, hit.title || '（无标题）'), badge),
      h('div', { class: 'hit-line' },
        h('p', { class: 'meta' }, meta.join(' · ')),
        moreButton || copy ? h('div', { class: 'hit-actions' }, copy, moreButton) : null),
      first ? renderSnippet(first) : null,
      moreBox,
      foldedNote(hit));
  }
}

// 免费 / 会员 beside a title.
function accessBadge(access) {
  return access === 'paid'
    ? h('span', { class: 'badge paid', title: '含会员专享内容' }, '会员')
    : access === 'free' ? h('span', { class: 'badge free', title: '全文公开' }, '免费') : null;
}

// 按文种浏览 and 按类别浏览 on the home page, with the number of documents.
function browseSection(fa) {
  if (!fa) return null;
  const group = (title, id, key, counts) => {
    const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]);
    if (!entries.length) return null;
    return h('section', { class: 'browse-group', 'aria-labelledby': id },
      h('h2', { id }, title),
      h('ul', { class: 'chips' }, entries.map(([name, n]) => h('li', null,
        h('a', { class: 'chip', href: urlOf({ ...paramsOf(new URL('/', location.href)), [key]: name }) },
          name, h('span', { class: 'count' }, formatNumber(n)))))));
  };
  return h('div', { class: 'browse' },
    group('按文种浏览', 'browse-type', 'type', fa.type_counts),
    group('按类别浏览', 'browse-category', 'category', fa.category_counts));
}

// In 金句 mode a snippet may run past its paragraph into the sentences around
// it; those parts (from the snippet's start/end offsets) are shown muted so the
// matched paragraph stands out.
function snippetBody(sn, paragraph) {
  const n = Array.from(sn.text).length;
  if (!paragraph || typeof sn.start !== 'number') return highlighted(sn.text, sn.highlights);
  const from = Math.max(0, Math.min(n, paragraph.start - sn.start));
  const to = Math.max(from, Math.min(n, paragraph.end - sn.start));
  if (from === 0 && to === n) return highlighted(sn.text, sn.highlights);
  const cps = Array.from(sn.text);
  const part = (a, b) => highlighted(cps.slice(a, b).join(''),
    sn.highlights.map(([x, y]) => [x - a, y - a]));
  const frag = document.createDocumentFragment();
  if (from > 0) frag.append(h('span', { class: 'context' }, part(0, from)));
  frag.append(part(from, to));
  if (to < n) frag.append(h('span', { class: 'context' }, part(to, n)));
  return frag;
}

function ensureOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) select.append(h('option', { value }, value));
  select.value = value;
}

function pager(s, total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) return null;
  const cur = Math.min(s.page, pages);
  const link = (n, label, extra = {}) => h('a', { href: urlOf({ ...s, page: n }), class: 'page-link', ...extra }, label);
  const items = [];
  items.push(cur > 1 ? link(cur - 1, '上一页', { rel: 'prev' }) : h('span', { class: 'page-link disabled', 'aria-disabled': 'true' }, '上一页'));
  const show = new Set([1, pages, cur - 2, cur - 1, cur, cur + 1, cur + 2].filter((n) => n >= 1 && n <= pages));
  let last = 0;
  for (const n of [...show].sort((a, b) => a - b)) {
    if (n - last > 1) items.push(h('span', { class: 'gap', 'aria-hidden': 'true' }, '…'));
    items.push(n === cur
      ? h('span', { class: 'page-link current', 'aria-current': 'page' }, String(n))
      : link(n, String(n), { 'aria-label': `第 ${n} 页` }));
    last = n;
  }
  items.push(cur < pages ? link(cur + 1, '下一页', { rel: 'next' }) : h('span', { class: 'page-link disabled', 'aria-disabled': 'true' }, '下一页'));
  return h('nav', { class: 'pager', 'aria-label': '分页' }, items);
}

// The query with a ^ under the column the parser complained about.
function caret(q, col) {
  if (!col) return null;
  const cps = Array.from(q);
  if (col < 1 || col > cps.length + 1) return null;
  // Wide (CJK) characters take two columns in a monospace font.
  const pad = cps.slice(0, col - 1).map((c) => (/[\u1100-\uffff]|[\u{20000}-\u{3ffff}]/u.test(c) && !/[\uff61-\uff9f]/.test(c) ? '　' : ' ')).join('');
  return h('pre', { class: 'caret', 'aria-hidden': 'true' }, q, '\n', pad, '^');
}

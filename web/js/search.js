// 搜索: the search page. The URL (?q=&page=&sort=&year=&source=&category=&unit=)
// is the whole state: submitting or paging pushes a new URL and back/forward
// re-run the search from it. Results render from the API's code point
// highlight offsets (util.highlighted), never by re-finding the words in JS,
// so what is marked is exactly what the engine matched.
import { api, describe, ApiError } from './api.js';
import { h, highlighted, formatNumber, setTitle, lockIcon } from './util.js';

const PAGE_SIZE = 10;
const HELP = '空格分隔=并且，"…" 精确短语，- 排除，A | B 或者，title: heading: year:2019..2023';
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
    unit: p.get('unit') === 'paragraph' ? 'paragraph' : 'document',
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
  if (s.unit !== 'document') p.set('unit', s.unit);
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
    });
    f.yearFrom = h('input', { id: 'year-from', type: 'number', inputmode: 'numeric', min: '1900', max: '2100', placeholder: '起', 'aria-label': '起始年份' });
    f.yearTo = h('input', { id: 'year-to', type: 'number', inputmode: 'numeric', min: '1900', max: '2100', placeholder: '止', 'aria-label': '截止年份' });
    f.source = h('select', { id: 'source' }, h('option', { value: '' }, '全部来源'));
    f.category = h('select', { id: 'category' }, h('option', { value: '' }, '全部类别'));
    f.sort = h('select', { id: 'sort' }, h('option', { value: 'relevance' }, '相关度'), h('option', { value: 'date' }, '时间'));
    f.unit = h('input', { id: 'unit', type: 'checkbox', role: 'switch' });

    this.error = h('div', { class: 'query-error', role: 'alert', hidden: true });
    this.form = h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); this.submit(1); } },
      h('label', { for: 'q', class: 'visually-hidden' }, '搜索公文'),
      h('div', { class: 'search-row' }, f.q, h('button', { type: 'submit', class: 'primary' }, '搜索')),
      h('p', { id: 'search-help', class: 'search-help' }, HELP),
      this.error,
      h('div', { class: 'filters' },
        h('div', { class: 'filter year-filter' },
          h('span', { class: 'filter-label', id: 'year-label' }, '年份'),
          h('span', { class: 'year-inputs', role: 'group', 'aria-labelledby': 'year-label' }, f.yearFrom, h('span', { 'aria-hidden': 'true' }, '–'), f.yearTo)),
        h('div', { class: 'filter' }, h('label', { for: 'source', class: 'filter-label' }, '来源'), f.source),
        h('div', { class: 'filter' }, h('label', { for: 'category', class: 'filter-label' }, '类别'), f.category),
        h('div', { class: 'filter' }, h('label', { for: 'sort', class: 'filter-label' }, '排序'), f.sort),
        h('div', { class: 'filter toggle' },
          f.unit,
          h('label', { for: 'unit', title: '按段落返回结果，适合查找可引用的原句' }, '金句', h('span', { class: 'hint' }, '（按段落）')))));
    // Filters apply at once when there is a query; years on change (not each keystroke).
    for (const el of [f.source, f.category, f.sort, f.unit, f.yearFrom, f.yearTo]) {
      el.addEventListener('change', () => { if (f.q.value.trim()) this.submit(1); });
    }
    this.results = h('div', { class: 'results' });
    // Screen readers hear only the count, not every snippet, when results change.
    this.status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.root = h('section', { class: 'page search-page' }, this.form, this.status, this.results);
    main.append(this.root);
  }

  async loadFacets() {
    try {
      this.facets = await api.get('/api/facets');
    } catch (_) {
      return;  // filters still work by typing; no list to choose from
    }
    const { source, category, yearFrom, yearTo } = this.fields;
    for (const s of this.facets.sources || []) source.append(h('option', { value: s }, s));
    for (const c of this.facets.categories || []) category.append(h('option', { value: c }, c));
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
    const s = {
      q: f.q.value.trim(),
      page: pageNo,
      sort: f.sort.value,
      year: this.yearParam(),
      source: f.source.value,
      category: f.category.value,
      unit: f.unit.checked ? 'paragraph' : 'document',
    };
    const target = urlOf(s);
    if (target === location.pathname + location.search) this.run(s);  // same URL: search again anyway
    else this.ctx.navigate(target);
  }

  yearParam() {
    const from = parseInt(this.fields.yearFrom.value, 10);
    const to = parseInt(this.fields.yearTo.value, 10);
    const lo = this.facets && this.facets.years ? this.facets.years[0] : 1900;
    const hi = this.facets && this.facets.years ? this.facets.years[1] : 2100;
    if (!from && !to) return '';
    const a = from || lo;
    const b = to || hi;
    if (a === b) return String(a);
    return `${Math.min(a, b)}..${Math.max(a, b)}`;
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
    const [a, b] = s.year.split('..');
    f.yearFrom.value = a || '';
    f.yearTo.value = s.year.includes('..') ? b || '' : a || '';
  }

  async update(route) {
    this.state = paramsOf(route.url);
    this.syncForm();
    await this.run(this.state);
  }

  async run(s) {
    if (this.controller) this.controller.abort();
    this.error.hidden = true;
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
    // Dim the old results only if the answer is slow; fast answers just replace them.
    const busy = setTimeout(() => this.results.classList.add('busy'), 300);
    try {
      const r = await api.get(`/api/search?${p}`, { signal: controller.signal });
      if (controller !== this.controller) return;
      this.renderResults(s, r);
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
    this.results.replaceChildren(h('div', { class: 'home' }, stats, examples, fresh));
    api.get('/api/new?days=36500&limit=8').then((r) => {
      if (!this.home || !r.documents || !r.documents.length) return;
      fresh.append(h('h2', { id: 'fresh-title' }, '最新收录'),
        h('ul', { class: 'fresh-list' }, r.documents.map((d) =>
          h('li', null, h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）'),
            h('span', { class: 'meta' }, [d.year, d.source].filter(Boolean).join(' · '))))));
    }, () => {});
  }

  renderError(s, err) {
    this.results.replaceChildren();
    const msg = describe(err);
    if (err instanceof ApiError && err.code === 'bad_request') {
      this.error.replaceChildren(h('strong', null, '查询语法有误：'), localizeParseError(msg), caret(s.q, msg) || '');
      this.status.textContent = '';
      this.error.hidden = false;
    } else {
      this.results.append(h('p', { class: 'notice error', role: 'alert' }, msg));
    }
  }

  renderResults(s, r) {
    const total = r.total || 0;
    const took = (r.took_us || 0) / 1000;
    const summary = h('p', { class: 'summary' },
      total ? ['共 ', h('strong', null, formatNumber(total)), s.unit === 'paragraph' ? ' 个段落' : ' 篇文档'] : '没有结果',
      h('span', { class: 'took' }, ` · 用时 ${took < 10 ? took.toFixed(1) : Math.round(took)} 毫秒`));
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
    this.results.replaceChildren(summary, list, pager(s, total) || '');
  }

  renderHit(s, hit) {
    let href = `/doc/${encodeURIComponent(hit.id)}`;
    if (hit.paragraph) href += `?at=${hit.paragraph.start}`;
    const meta = [hit.year, hit.source, hit.category].filter((x) => x !== null && x !== undefined && x !== '');
    return h('li', { class: 'hit' },
      h('h2', { class: 'hit-title' }, h('a', { href }, hit.title || '（无标题）')),
      meta.length ? h('p', { class: 'meta' }, meta.join(' · ')) : null,
      (hit.snippets || []).map((sn) => sn.locked
        ? h('p', { class: 'snippet locked' }, lockIcon(), ' 匹配内容位于会员专享部分')
        : h('p', { class: 'snippet' }, snippetBody(sn, hit.paragraph))));
  }
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

// "column 5: '|' needs a term after it" -> "第 5 列：'|' needs a term after it".
function localizeParseError(msg) {
  return msg.replace(/^column (\d+): /, '第 $1 列：');
}

// The query with a ^ under the column the parser complained about.
function caret(q, msg) {
  const m = /column (\d+)/.exec(msg);
  if (!m) return null;
  const col = parseInt(m[1], 10);
  const cps = Array.from(q);
  if (col < 1 || col > cps.length + 1) return null;
  // Wide (CJK) characters take two columns in a monospace font.
  const pad = cps.slice(0, col - 1).map((c) => (/[\u1100-\uffff]|[\u{20000}-\u{3ffff}]/u.test(c) && !/[\uff61-\uff9f]/.test(c) ? '　' : ' ')).join('');
  return h('pre', { class: 'caret', 'aria-hidden': 'true' }, q, '\n', pad, '^');
}

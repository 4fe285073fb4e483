// 今日更新: documents imported or updated in the last days, by day (the
// server's local days; GET /api/new says which UTC offset), with a category
// filter showing each category's count, and the Atom feed of the same choice.
// The URL (/new?days=7&category=党建) is the whole state of the page.
import { api, describe } from './api.js';
import { h, setTitle, formatNumber } from './util.js';

const RANGES = [[1, '今天'], [7, '近 7 天'], [30, '近 30 天']];
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const NO_CATEGORY = '未分类';

export async function mount(main, route) {
  setTitle('今日更新');
  const page = new NewPage(main);
  await page.update(route);
  return page;
}

function stateOf(url) {
  const days = Number.parseInt(url.searchParams.get('days') || '7', 10);
  return {
    days: Number.isFinite(days) && days >= 1 && days <= 366 ? days : 7,
    category: url.searchParams.get('category') || '',
  };
}

function hrefOf({ days, category }) {
  const p = new URLSearchParams();
  if (days !== 7) p.set('days', String(days));
  if (category) p.set('category', category);
  const q = p.toString();
  return q ? `/new?${q}` : '/new';
}

function feedHref(category) {
  return category ? `/feed.atom?category=${encodeURIComponent(category)}` : '/feed.atom';
}

// "2026-12-01" -> "12月1日 星期二", with 今天 / 昨天 in front when it is.
function dayLabel(date, today) {
  const [y, m, d] = date.split('-').map(Number);
  const wd = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  const name = `${m}月${d}日 ${wd}`;
  if (date === today) return `今天 · ${name}`;
  const [ty, tm, td] = today.split('-').map(Number);
  const yesterday = new Date(Date.UTC(ty, tm - 1, td - 1)).toISOString().slice(0, 10);
  return date === yesterday ? `昨天 · ${name}` : name;
}

function zoneLabel(tz) {
  if (!tz) return '服务器时间';
  return tz === '+08:00' ? '北京时间（UTC+08:00）' : `服务器时间（UTC${tz}）`;
}

class NewPage {
  constructor(main) {
    this.controls = h('div', { class: 'new-controls' });
    this.body = h('div', { class: 'new-body', 'aria-live': 'polite' });
    this.feed = h('a', { class: 'button feed-link', href: '/feed.atom', 'data-external': '' }, 'Atom 订阅');
    main.append(h('section', { class: 'page new-page' },
      h('div', { class: 'new-head' },
        h('h1', null, '今日更新'),
        this.feed),
      this.controls,
      this.body));
  }

  async update(route) {
    const s = stateOf(route.url);
    this.feed.href = feedHref(s.category);
    this.feed.title = s.category ? `订阅“${s.category}”的更新（Atom）` : '订阅全部更新（Atom）';
    this.body.classList.add('busy');
    let r;
    try {
      const q = new URLSearchParams({ days: String(s.days), limit: '500' });
      if (s.category) q.set('category', s.category);
      r = await api.get(`/api/new?${q}`);
    } catch (err) {
      this.body.classList.remove('busy');
      this.controls.replaceChildren(this.rangeNav(s));
      this.body.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, describe(err)));
      return;
    }
    this.body.classList.remove('busy');
    this.controls.replaceChildren(this.rangeNav(s), this.categoryNav(s, r));
    this.render(s, r);
  }

  rangeNav(s) {
    return h('nav', { class: 'range-nav', 'aria-label': '时间范围' },
      RANGES.map(([days, label]) => h('a', {
        class: `chip${s.days === days ? ' current' : ''}`,
        href: hrefOf({ ...s, days }),
        'aria-current': s.days === days ? 'true' : null,
      }, label)));
  }

  categoryNav(s, r) {
    const all = (r.categories || []).reduce((n, c) => n + c.count, 0);
    const chip = (category, label, count) => h('a', {
      class: `chip${s.category === category ? ' current' : ''}`,
      href: hrefOf({ ...s, category }),
      'aria-current': s.category === category ? 'true' : null,
      dataset: { category },
    }, label, h('span', { class: 'chip-count' }, formatNumber(count)));
    return h('nav', { class: 'category-nav', 'aria-label': '按类别筛选' },
      chip('', '全部', all),
      (r.categories || []).filter((c) => c.category).map((c) => chip(c.category, c.category, c.count)),
      (r.categories || []).some((c) => !c.category)
        ? h('span', { class: 'chip muted' }, NO_CATEGORY,
          h('span', { class: 'chip-count' }, formatNumber(r.categories.find((c) => !c.category).count)))
        : null);
  }

  render(s, r) {
    const range = (RANGES.find(([d]) => d === s.days) || [0, `近 ${s.days} 天`])[1];
    const summary = h('p', { class: 'summary new-summary' },
      `${range}${s.category ? `“${s.category}”` : ''}共 `, h('strong', null, formatNumber(r.total || 0)), ' 篇',
      r.total ? `（新收录 ${formatNumber(r.new || 0)}，更新 ${formatNumber(r.updated || 0)}）` : '',
      h('span', { class: 'tz' }, ` · 按${zoneLabel(r.timezone)}分日`));
    if (!r.total) {
      this.body.replaceChildren(summary, h('div', { class: 'empty' },
        h('p', null, s.category ? `这段时间“${s.category}”没有新文档。` : '这段时间没有新收录或更新的文档。'),
        s.days < 30 ? h('p', null, h('a', { href: hrefOf({ ...s, days: 30 }) }, '看看近 30 天')) : null));
      return;
    }
    const today = r.by_day && r.by_day.length ? todayOf(r) : '';
    const days = (r.by_day || []).map((day) => h('section', { class: 'new-day', 'aria-label': day.date, dataset: { date: day.date } },
      h('h2', { class: 'day-title' },
        h('span', null, dayLabel(day.date, today)),
        h('span', { class: 'day-counts' }, `${formatNumber(day.count)} 篇`,
          day.updated ? `（新 ${formatNumber(day.new)} · 更新 ${formatNumber(day.updated)}）` : '')),
      h('ul', { class: 'new-list' }, day.documents.map((d) => h('li', { dataset: { id: d.id } },
        h('span', { class: `badge ${d.change}` }, d.change === 'updated' ? '更新' : '新'),
        h('a', { class: 'new-title', href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）'),
        h('span', { class: 'meta' }, [d.category || null, d.source || null, d.year || null].filter(Boolean).join(' · ')))))));
    const listed = (r.documents || []).length;
    this.body.replaceChildren(summary, ...days,
      ...(listed < r.total ? [h('p', { class: 'hint' }, `只列出最新的 ${formatNumber(listed)} 篇。`)] : []));
  }
}

// The server's "today": the local date of `since` moved forward days-1 days.
function todayOf(r) {
  const offset = /^([+-])(\d\d):(\d\d)$/.exec(r.timezone || '');
  const secs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60) : 0;
  const d = new Date((r.since + secs) * 1000);
  d.setUTCDate(d.getUTCDate() + (r.days - 1));
  return d.toISOString().slice(0, 10);
}

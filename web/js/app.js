// The client-side router: the server answers /, /new, /doc/{id}, /login, /account
// and /admin with index.html; this module maps the path to a page module and keeps
// the History API in step (links are intercepted, back/forward re-render from
// the URL, so the URL is always the whole state of a page).
//
// A page module exports mount(main, route, ctx) -> { update?(route), unmount?() }.
// When the path's page stays the same (e.g. only ?q= changed) and the page has
// update(), it is updated in place so the search box keeps focus and text.
import { getMe, onMe } from './api.js';
import { TIER_NAMES } from './util.js';
import * as search from './search.js';
import * as whatsNew from './new.js';
import * as doc from './doc.js';
import * as login from './login.js';
import * as account from './account.js';
import * as admin from './admin.js';
import * as check from './check.js';

const ROUTES = [
  { name: 'search', re: /^\/$/, page: search },
  { name: 'new', re: /^\/new\/?$/, page: whatsNew },
  { name: 'doc', re: /^\/doc\/([^/]+)\/?$/, page: doc },
  { name: 'login', re: /^\/login\/?$/, page: login },
  { name: 'account', re: /^\/account\/?$/, page: account },
  { name: 'admin', re: /^\/admin\/?$/, page: admin },
  { name: 'check', re: /^\/check\/?$/, page: check },
];

const main = document.getElementById('main');
let current = null;  // { name, view }

function match(url) {
  for (const r of ROUTES) {
    const m = url.pathname.match(r.re);
    if (m) return { name: r.name, page: r.page, params: m.slice(1).map(decodeURIComponent), url };
  }
  return { name: 'notfound', page: null, params: [], url };
}

export function navigate(href, { replace = false } = {}) {
  const url = new URL(href, location.href);
  if (url.origin !== location.origin) {
    location.href = url.href;
    return;
  }
  // Remember where we were so back returns to the same scroll position.
  history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '');
  if (replace) history.replaceState({}, '', url.pathname + url.search + url.hash);
  else history.pushState({}, '', url.pathname + url.search + url.hash);
  render({ scroll: 'top' });
}

async function render({ scroll }) {
  const route = match(new URL(location.href));
  markNav(route.name);
  const ctx = { navigate };
  if (current && current.name === route.name && current.view && current.view.update) {
    await current.view.update(route);
  } else {
    if (current && current.view && current.view.unmount) current.view.unmount();
    main.replaceChildren();
    current = { name: route.name, view: null };
    if (!route.page) {
      renderNotFound();
    } else {
      const mounted = current;
      const view = await route.page.mount(main, route, ctx);
      if (current === mounted) mounted.view = view || null;
    }
  }
  if (scroll === 'top' && !route.url.hash && !route.url.searchParams.has('at')) window.scrollTo(0, 0);
  if (scroll === 'restore' && history.state && typeof history.state.scrollY === 'number') {
    window.scrollTo(0, history.state.scrollY);
  }
}

function renderNotFound() {
  const box = document.createElement('section');
  box.className = 'page narrow';
  box.innerHTML = '<h1>页面不存在</h1><p><a href="/">返回搜索</a></p>';
  main.append(box);
}

function markNav(name) {
  for (const a of document.querySelectorAll('.site-nav a')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function showUser(me) {
  const nav = document.querySelector('.site-nav');
  const user = me && me.user;
  nav.querySelector('[data-nav=login]').hidden = !!user;
  const acc = nav.querySelector('[data-nav=account]');
  acc.hidden = !user;
  if (user) {
    acc.textContent = user.name;
    acc.title = `账户：${user.name}（${TIER_NAMES[user.tier] || user.tier}）`;
    acc.setAttribute('aria-label', `账户 ${user.name}`);
  }
  nav.querySelector('[data-nav=admin]').hidden = !(user && user.tier === 'admin');
}

// Same-origin links become pushState navigations; downloads, new tabs,
// modified clicks and API URLs are left to the browser.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (/^\/(api\/|feed\.atom|healthz|metrics)/.test(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;  // in-page anchor
  e.preventDefault();
  navigate(url.href);
});

// "/" jumps to the search box from anywhere (unless typing in a field).
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  e.preventDefault();
  const box = document.getElementById('q');
  if (box) {
    box.focus();
    box.select();
  } else {
    navigate('/');
    requestAnimationFrame(() => document.getElementById('q') && document.getElementById('q').focus());
  }
});

window.addEventListener('popstate', () => render({ scroll: 'restore' }));
if ('scrollRestoration' in history) history.scrollRestoration = 'manual';

onMe(showUser);
getMe().then(showUser);
render({ scroll: 'none' });

// The library's second round of issue 13, at desktop 1366×900 and phone 390×844:
// the admin edits a document's metadata and makes it paid (and free again),
// uploads as paid, searches the document list, adds a user and resets a
// password; the source column no longer pushes 字数 and 删除 off-screen;
// 按文种/类别浏览 with counts on the home page and counts beside the filter
// options of a search; the type: field; 相关文档 on the document page;
// 热门搜索 only from several people; 金句 mode ranks sentences before
// headings; the 免费/会员 badge; an accessible name on every control of
// every page, keyboard use (Tab, Enter, Escape, visible focus) and landmarks.
// Budgets are measured and written to artifacts/budgets.json (never asserted).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, USERS, newContext, cleanupProfiles, login, apiGet, shoot } from './lib.mjs';

const DESKTOP = ['desktop', 1366, 900];
const PHONE = ['phone', 390, 844];
const BOTH = { sizes: [DESKTOP, PHONE], fullPage: false };
const budgets = {};

after(cleanupProfiles);
after(() => {
  fs.writeFileSync(path.join(ARTIFACTS, 'budgets.json'), `${JSON.stringify(budgets, null, 2)}\n`);
  console.log(`# budgets (reported, not asserted; ${path.join(ARTIFACTS, 'budgets.json')}):\n#   ${Object.entries(budgets).map(([k, v]) => `${k}: ${v}`).join('\n#   ')}`);
});

// The first document whose title contains `part` (public list of /api/new).
async function docTitled(part) {
  const r = await apiGet('/api/new?days=36500&limit=500');
  const d = r.documents.find((x) => x.title.includes(part));
  assert.ok(d, `a document titled …${part}…`);
  return d;
}

test('admin: search the list, edit metadata, make paid and free again; the table fits', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, USERS.admin);
    await page.goto(`${BASE}/admin`);
    await page.waitForSelector('.admin-docs tbody tr');
    // 字数 and the buttons of every row are on screen at desktop width.
    const overflow = await page.$$eval('.admin-docs tbody tr', (rows) => rows.map((r) => {
      const cells = r.querySelectorAll('td');
      return Math.max(cells[5].getBoundingClientRect().right, cells[7].getBoundingClientRect().right);
    }).filter((x) => x > window.innerWidth));
    assert.deepEqual(overflow, [], '字数 and 删除 stay on screen');
    await page.locator('.admin-docs').scrollIntoViewIfNeeded();
    await shoot(page, 'lib-admin-docs', BOTH);
    // On a phone too: 字数 and 删除 are visible without scrolling sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const phoneRight = await page.$eval('.admin-docs tbody tr', (r) => r.querySelector('.actions-cell').getBoundingClientRect().right);
    assert.ok(phoneRight <= 390, `actions at x=${phoneRight} on a phone`);
    await page.setViewportSize({ width: 1366, height: 900 });

    // Search the list.
    await page.fill('#admin-doc-q', '国旗');
    await page.press('#admin-doc-q', 'Enter');
    await page.waitForFunction(() => document.querySelector('.admin-docs .summary')?.textContent.startsWith('找到'));
    const titles = await page.$$eval('.admin-docs .title-cell', (els) => els.map((e) => e.textContent));
    assert.ok(titles.length >= 1 && titles.every((t) => t.includes('国旗')), titles.join(' / '));
    const id = await page.getAttribute('.admin-docs tbody tr', 'data-id');
    const orig = await apiGet(`/api/docs/${id}`);

    // Edit: 文种, year, category, and paid with a 20 % preview.
    await page.click('.admin-docs tbody tr .edit-doc');
    await page.waitForSelector('dialog.edit-dialog[open] #edit-title');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-title', 'focus moves into the dialog');
    await page.fill('#edit-type', '测试文种');
    await page.fill('#edit-category', '测试类别');
    await page.selectOption('#edit-access', 'paid');
    await page.selectOption('#edit-share', '0.2');
    await shoot(page, 'lib-admin-edit', BOTH);
    await page.click('dialog.edit-dialog button[type=submit]');
    await page.waitForSelector('dialog.edit-dialog', { state: 'detached' });
    const anon = await apiGet(`/api/docs/${id}`);
    assert.equal(anon.type, '测试文种');
    assert.equal(anon.category, '测试类别');
    assert.equal(anon.access, 'paid');
    assert.equal(anon.locked, true);
    assert.equal(anon.characters, null, 'no paid length for a non-member');
    const typed = await apiGet(`/api/search?q=${encodeURIComponent('国旗 type:测试文种')}`);
    assert.ok(typed.hits.some((x) => x.id === id), 'the type: filter finds it');
    assert.equal(typed.hits.find((x) => x.id === id).access, 'paid');

    // Escape closes the dialog without saving; then free again.
    await page.click('.admin-docs tbody tr .edit-doc');
    await page.waitForSelector('dialog.edit-dialog[open]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.edit-dialog', { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('edit-doc')), true, 'focus returns to 编辑');
    await page.click('.admin-docs tbody tr .edit-doc');
    await page.waitForSelector('dialog.edit-dialog[open]');
    await page.selectOption('#edit-access', 'free');
    await page.fill('#edit-type', orig.type);
    await page.fill('#edit-category', orig.category);
    await page.click('dialog.edit-dialog button[type=submit]');
    await page.waitForSelector('dialog.edit-dialog', { state: 'detached' });
    const back = await apiGet(`/api/docs/${id}`);
    assert.equal(back.access, 'free');
    assert.equal(back.locked, false);
    assert.equal(back.type, orig.type);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('admin: upload as paid, add a user, reset the password', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, USERS.admin);
    await page.goto(`${BASE}/admin`);
    await page.waitForSelector('#upload-files', { state: 'attached' });
    const lines = ['关于付费上传测试材料的说明', ''];
    for (let i = 1; i <= 24; i++) lines.push(`第${i}部分：这是一段用于检查付费上传的正文，内容完整，句子通顺，便于划分免费预览与会员专享部分。`, '');
    await page.setInputFiles('#upload-files', { name: 'paid_upload.txt', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n')) });
    await page.check('#upload-paid');
    await page.click('.upload-form button[type=submit]');
    await page.waitForSelector('.imported-links a');
    const id = (await page.textContent('.imported-links a')).trim();
    const d = await apiGet(`/api/docs/${id}`);
    assert.equal(d.access, 'paid');
    assert.equal(d.locked, true);
    await shoot(page, 'lib-admin-upload-paid', { sizes: [DESKTOP], fullPage: false });

    // Add a user with a tier.
    await page.click('.add-user-box summary');
    await page.fill('#new-user-name', 'e2e新同事');
    await page.fill('#new-user-password', 'first-password');
    await page.selectOption('#new-user-tier', 'vip');
    await page.click('.add-user button[type=submit]');
    await page.waitForSelector('.admin-users tr[data-name="e2e新同事"]');
    assert.match(await page.textContent('.add-user-box .form-result'), /已添加 e2e新同事/);
    await shoot(page, 'lib-admin-add-user', BOTH);
    // Reset the password in the dialog (keyboard: Enter submits).
    await page.click('.admin-users tr[data-name="e2e新同事"] .reset-password');
    await page.waitForSelector('dialog.edit-dialog[open] #reset-password');
    await page.keyboard.type('second-password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog.edit-dialog', { state: 'detached' });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
  // The new password logs in; the user is a VIP.
  const other = await newContext();
  try {
    await login(other.page, { name: 'e2e新同事', password: 'second-password' });
    const me = await other.page.evaluate(() => fetch('/api/me').then((r) => r.json()));
    assert.equal(me.tier, 'vip');
  } finally {
    await other.ctx.close();
  }
});

test('browse by 文种 and category with counts; counts beside the filters of a search; badges', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    const facets = await apiGet('/api/facets');
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.browse-group .chip');
    await shoot(page, 'lib-home-browse', BOTH);
    const chip = page.locator('#browse-type ~ .chips .chip').first();
    const [name, count] = await chip.evaluate((a) => [a.firstChild.textContent, Number(a.querySelector('.count').textContent.replace(/,/g, ''))]);
    assert.equal(count, facets.type_counts[name]);
    await chip.click();
    await page.waitForSelector('.browse-list .hit');
    assert.match(await page.textContent('.summary'), new RegExp(`共 ${count} 篇`));
    const metas = await page.$$eval('.browse-list .meta', (els) => els.map((e) => e.textContent));
    assert.ok(metas.every((m) => m.includes(name)), metas.join(' / '));
    await shoot(page, 'lib-browse-type', BOTH);

    // A search: the 文种 options show how many hits each leaves.
    await page.goto(`${BASE}/?q=${encodeURIComponent('发展')}`);
    await page.waitForSelector('.hit');
    const qf = await apiGet(`/api/search/facets?q=${encodeURIComponent('发展')}`);
    await page.waitForFunction(() => [...document.querySelectorAll('#type option')].slice(1).every((o) => /（[\d,]+\+?）$/.test(o.textContent)));
    const options = await page.$$eval('#type option', (os) => os.slice(1).map((o) => [o.value, o.textContent]));
    for (const [v, t] of options) assert.ok(t.endsWith(`（${qf.type_counts[v] || 0}）`), `${t} vs ${qf.type_counts[v]}`);
    // Every hit carries 免费 or 会员.
    const badges = await page.$$eval('.hit', (hits) => hits.map((h) => h.querySelector('.badge')?.textContent));
    assert.ok(badges.every((b) => b === '免费' || b === '会员'), badges.join(','));
    // Choosing a 文种 filters the results to that many.
    const [tv] = options.find(([v]) => (qf.type_counts[v] || 0) > 0);
    await page.selectOption('#type', tv);
    await page.waitForURL(/type=/);
    await page.waitForSelector('.hit');
    assert.match(await page.textContent('.summary'), new RegExp(`共 ${qf.type_counts[tv]} `));
    await shoot(page, 'lib-search-type-counts', BOTH);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('相关文档 on the document page: same topic, not itself', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    const d = await docTitled('政府工作报告');
    await page.goto(`${BASE}/doc/${encodeURIComponent(d.id)}`);
    await page.waitForSelector('.doc-related:not([hidden]) .related-list li');
    const ids = await page.$$eval('.related-list li', (els) => els.map((e) => e.dataset.id));
    assert.ok(!ids.includes(d.id));
    const titles = await page.$$eval('.related-list a', (els) => els.map((e) => e.textContent));
    assert.ok(titles.some((t) => t.includes('政府工作报告')), `related: ${titles.join(' / ')}`);
    await page.locator('.doc-related').scrollIntoViewIfNeeded();
    await shoot(page, 'lib-doc-related', BOTH);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('热门搜索 needs three different people; 金句 mode ranks sentences before headings', async () => {
  const q = '食品浪费';
  await apiGet(`/api/search?q=${encodeURIComponent(q)}`);
  await apiGet(`/api/search?q=${encodeURIComponent(q)}`);  // the same person again: still one
  const popular = async () => (await apiGet('/api/suggest')).suggestions.map((x) => x.text);
  assert.ok(!(await popular()).includes(q), 'one person\'s query is not shown to others');
  for (const user of [USERS.free, USERS.vip]) {
    const { ctx, page } = await newContext();
    try {
      await login(page, user);
      await page.evaluate((qq) => fetch(`/api/search?q=${encodeURIComponent(qq)}`), q);
    } finally {
      await ctx.close();
    }
  }
  assert.ok((await popular()).includes(q), 'asked by three people: a 热门搜索');

  // 金句: the first paragraph hits are sentences, not short headings.
  const r = await apiGet(`/api/search?q=${encodeURIComponent('国旗')}&unit=paragraph&size=5`);
  const lens = r.hits.map((hh) => hh.paragraph.end - hh.paragraph.start);
  assert.ok(lens[0] >= 20, `first 金句 is ${lens[0]} characters: ${r.hits[0].snippets[0]?.text}`);
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${BASE}/?q=${encodeURIComponent('国旗')}&unit=paragraph`);
    await page.waitForSelector('.hit .copy-quote');
    await shoot(page, 'lib-jinju', BOTH);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

// The accessible name of a control as a screen reader computes it, simplified:
// aria-labelledby, aria-label, a <label>, the text, title; placeholder alone is no name.
function unnamedControls() {
  const named = (el) => {
    if (el.getAttribute('aria-labelledby')) {
      const t = el.getAttribute('aria-labelledby').split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join('').trim();
      if (t) return true;
    }
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if (/^(BUTTON|A|SUMMARY)$/.test(el.tagName) && (el.textContent.trim() || el.querySelector('img[alt]:not([alt=""])'))) return true;
    if ((el.getAttribute('title') || '').trim()) return true;
    return false;
  };
  const visible = (el) => el.type !== 'hidden' && !el.closest('[hidden]') && (el.offsetParent !== null || el.type === 'file' || el.tagName === 'SUMMARY');
  return [...document.querySelectorAll('input, select, textarea, button, a[href], summary, [role=button], [role=switch]')]
    .filter(visible).filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 140));
}

test('accessibility: every control on every page has a name; landmarks; keyboard and visible focus', async () => {
  const d = await docTitled('国旗');
  const pages = [
    ['home', '/'], ['results', `/?q=${encodeURIComponent('发展')}`], ['jinju', `/?q=${encodeURIComponent('发展')}&unit=paragraph`],
    ['browse', `/?type=${encodeURIComponent(Object.keys((await apiGet('/api/facets')).type_counts)[0])}`],
    ['doc', `/doc/${encodeURIComponent(d.id)}`], ['new', '/new'], ['check', '/check'], ['login', '/login'], ['notfound', '/no-such-page'],
  ];
  const { ctx, page, errors } = await newContext();
  const report = {};
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    const visit = async (name, url) => {
      await page.goto(`${BASE}${url}`);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(150);
      const bad = await page.evaluate(unnamedControls);
      const landmarks = await page.evaluate(() => ({
        main: !!document.querySelector('main'), nav: !!document.querySelector('nav'), header: !!document.querySelector('header'),
        h1: !!document.querySelector('main h1, main .visually-hidden'),
      }));
      report[name] = { unnamed: bad, landmarks };
      assert.deepEqual(bad, [], `${name}: controls without an accessible name`);
      assert.ok(landmarks.main && landmarks.nav && landmarks.header, `${name}: landmarks ${JSON.stringify(landmarks)}`);
    };
    for (const [name, url] of pages) await visit(name, url);
    await login(page, USERS.admin);
    for (const [name, url] of [['account', '/account'], ['admin', '/admin']]) await visit(name, url);

    // Keyboard: Tab from the top of a fresh page reaches the skip link first,
    // then the brand; focus is visible. (The search page focuses its box itself.)
    await page.goto(`${BASE}/new`);
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused control shows a focus ring');
    // Search by keyboard alone: type, Enter, Tab to the first hit, Enter opens it.
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.library-stats');
    await page.focus('#q');
    await page.keyboard.type('国旗');
    await page.waitForSelector('#suggestions:not([hidden])');
    await page.keyboard.press('Escape');  // closes the suggestions, keeps the words
    await page.waitForSelector('#suggestions', { state: 'hidden' });
    assert.equal(await page.inputValue('#q'), '国旗');
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.hit');
    budgets['first results after Enter (ms)'] = Date.now() - t0;
    await page.focus('.hit-title a');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.doc-body');
    await shoot(page, 'lib-keyboard-doc', { sizes: [DESKTOP], fullPage: false });
    assert.deepEqual(errors, []);
  } finally {
    fs.writeFileSync(path.join(ARTIFACTS, 'a11y.json'), `${JSON.stringify(report, null, 2)}\n`);
    await ctx.close();
  }
});

test('budgets (reported): first results, an ~18,000-character report, home first paint', async () => {
  const { ctx, page } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    // Home: first contentful paint of a cold page.
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.library-stats');
    budgets['home first contentful paint (ms)'] = await page.evaluate(() => {
      const p = performance.getEntriesByName('first-contentful-paint')[0];
      return p ? Math.round(p.startTime) : null;
    });
    // First results after Enter, median of five queries.
    const times = [];
    for (const q of ['高质量发展', '个人信息', '国旗', '劳动合同', '政府工作报告']) {
      await page.fill('#q', q);
      const t0 = Date.now();
      await page.press('#q', 'Enter');
      await page.waitForFunction((qq) => document.querySelector('.summary') && document.title.includes(qq), q);
      times.push(Date.now() - t0);
    }
    times.sort((a, b) => a - b);
    budgets['first results after Enter, median of 5 (ms)'] = times[2];
    // The document nearest 18,000 characters.
    const r = await apiGet(`/api/search?q=${encodeURIComponent('报告')}&size=50`);
    let best = null;
    for (const hit of r.hits) {
      const d = await apiGet(`/api/docs/${encodeURIComponent(hit.id)}`);
      if (d.characters && (!best || Math.abs(d.characters - 18000) < Math.abs(best.characters - 18000))) best = d;
    }
    const t0 = Date.now();
    await page.goto(`${BASE}/doc/${encodeURIComponent(best.id)}`);
    await page.waitForSelector('.doc-body .block');
    budgets[`document page, ${best.characters} characters, to text on screen (ms)`] = Date.now() - t0;
    budgets['document page: navigation load event (ms)'] = await page.evaluate(() => Math.round(performance.getEntriesByType('navigation')[0].loadEventEnd));
  } finally {
    await ctx.close();
  }
});

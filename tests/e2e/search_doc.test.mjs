// Search -> open a document -> jump by the outline -> copy a paragraph ->
// download .docx; back/forward through search URLs; paging; the "/" shortcut;
// a malformed query's inline error. Against the real server and data/sample.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, ARTIFACTS, USERS, newContext, cleanupProfiles, login, shoot, marksOf, apiGet } from './lib.mjs';

after(cleanupProfiles);

function covered(ranges) {
  const s = new Set();
  for (const [a, b] of ranges) for (let i = a; i < b; i++) s.add(i);
  return [...s].sort((x, y) => x - y);
}

test('search, open, outline, copy, download', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await login(page, USERS.free);
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.library-stats');
    await shoot(page, 'search-home');

    // Enter in the box searches; the URL carries the query.
    const q = '个人信息 同意';
    await page.fill('#q', q);
    await page.press('#q', 'Enter');
    await page.waitForSelector('.hit');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/');
    assert.equal(url.searchParams.get('q'), q);
    assert.match(await page.textContent('.summary'), /共 \d+ 篇文档 · 用时 [\d.]+ 毫秒/);

    // What is marked is exactly what the API says, in code points.
    const api = await apiGet(`/api/search?${new URLSearchParams({ q, page: '1', size: '10', sort: 'relevance', unit: 'document' })}`);
    const shown = await marksOf(page);
    assert.equal(shown.length, api.hits.length);
    let marks = 0;
    api.hits.forEach((hit, i) => {
      const open = hit.snippets.filter((s) => !s.locked);
      assert.equal(shown[i].length, open.length, `hit ${i} snippet count`);
      open.forEach((s, j) => {
        assert.equal(shown[i][j].text, s.text);
        assert.deepEqual(covered(shown[i][j].ranges), covered(s.highlights));
        marks += s.highlights.length;
      });
    });
    assert.ok(marks > 0, 'some snippet is highlighted');
    for (const m of await page.$$eval('.hit mark', (els) => els.map((e) => e.textContent))) {
      assert.ok(['个人信息', '同意'].includes(m) || m.includes('个人信息') || m.includes('同意'), `mark ${m}`);
    }
    await shoot(page, 'search-results');

    // "/" focuses the search box from the page body.
    await page.click('.summary');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');

    // Open the law by its title link.
    const title = '中华人民共和国个人信息保护法';
    await page.click(`.hit-title a:text-is("${title}")`);
    await page.waitForSelector('.doc-title');
    assert.equal(await page.textContent('.doc-title'), title);
    assert.match(new URL(page.url()).pathname, /^\/doc\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.slice(5));
    const doc = await apiGet(`/api/docs/${encodeURIComponent(id)}`);
    assert.ok(doc.outline.length > 0);
    assert.equal(await page.locator('.doc-body .block').count(), doc.blocks.length);

    // The outline jumps to the block holding the entry's start and puts it in the URL.
    const entry = doc.outline[Math.floor(doc.outline.length / 2)];
    await page.click(`.outline a[href="?at=${entry.start}"]`);
    await page.waitForURL(new RegExp(`\\?at=${entry.start}$`));
    const block = doc.blocks.find((b) => b.start <= entry.start && entry.start < b.end) || doc.blocks.find((b) => b.start >= entry.start);
    await page.waitForFunction((sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight / 2;
    }, `#b-${block.start}`);
    await shoot(page, 'doc', { fullPage: false });

    // Copy a body paragraph (not a heading) and read the clipboard back.
    const para = doc.blocks.find((b) => b.kind === 'paragraph' && b.heading_level === 0 && [...b.text].length > 20);
    const sel = `#b-${para.start}`;
    await page.hover(sel);
    await page.click(`${sel} .copy`);
    await page.waitForFunction((s) => document.querySelector(`${s} .copy`).textContent === '已复制', sel);
    // The paragraph, then the citation line (title, issuer or source, year).
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.startsWith(para.text.trim() + '\n——《'), copied.slice(0, 80));
    assert.ok(copied.includes(`《${title}》`), copied);

    assert.equal(await page.textContent('.quota'), '公开文档，下载不计次数');
    // Download Word: a real .docx (a zip: starts with PK) named after the title.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download[data-format=docx]')]);
    assert.equal(download.suggestedFilename(), `${title}.docx`);
    const file = path.join(ARTIFACTS, 'download.docx');
    await download.saveAs(file);
    const head = fs.readFileSync(file).subarray(0, 2).toString('latin1');
    assert.equal(head, 'PK');

    // Back returns to the same search, box filled, results shown.
    await page.goBack();
    await page.waitForSelector('.hit');
    assert.equal(new URL(page.url()).searchParams.get('q'), q);
    assert.equal(await page.inputValue('#q'), q);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('paging and filters live in the URL; back and forward replay them', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.goto(`${BASE}/?q=${encodeURIComponent('国家')}`);
    await page.waitForSelector('.hit');
    const total = Number((await page.textContent('.summary strong')).replace(/,/g, ''));
    assert.ok(total > 10, `need more than one page, got ${total}`);
    const first = await page.$$eval('.hit-title a', (as) => as.map((a) => a.getAttribute('href')));
    await page.click('.pager a[rel=next]');
    await page.waitForURL(/page=2/);
    await page.waitForSelector('.hits[start="11"]');
    const second = await page.$$eval('.hit-title a', (as) => as.map((a) => a.getAttribute('href')));
    assert.notDeepEqual(second, first);
    await shoot(page, 'search-page2');

    // Sort by time: the page resets to 1 and years never increase down the list.
    await page.selectOption('#sort', 'date');
    await page.waitForURL((u) => u.searchParams.get('sort') === 'date' && !u.searchParams.has('page'));
    await page.waitForSelector('.hits[start="1"]');
    const years = await page.$$eval('.hit .meta', (ms) => ms.map((m) => parseInt(m.textContent, 10)).filter((y) => !Number.isNaN(y)));
    for (let i = 1; i < years.length; i++) assert.ok(years[i] <= years[i - 1], `years ${years}`);

    await page.goBack();
    await page.waitForURL(/page=2/);
    assert.equal(await page.inputValue('#sort'), 'relevance');
    await page.waitForSelector('.hits[start="11"]');
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('page'));
    await page.waitForSelector('.hits[start="1"]');
    assert.deepEqual(await page.$$eval('.hit-title a', (as) => as.map((a) => a.getAttribute('href'))), first);
    await page.goForward();
    await page.waitForSelector('.hits[start="11"]');

    // A year filter narrows the results to that year.
    await page.goto(`${BASE}/?q=${encodeURIComponent('国家')}&year=2021`);
    await page.waitForSelector('.hit');
    assert.equal(await page.inputValue('#year-from'), '2021');
    const ys = await page.$$eval('.hit .meta', (ms) => ms.map((m) => parseInt(m.textContent, 10)));
    assert.ok(ys.length > 0 && ys.every((y) => y === 2021), `years ${ys}`);

    // 金句: paragraph results link to the paragraph inside the document.
    await page.goto(`${BASE}/?q=${encodeURIComponent('国旗')}&unit=paragraph`);
    await page.waitForSelector('.hit');
    assert.equal(await page.isChecked('#unit'), true);
    const href = await page.getAttribute('.hit-title a', 'href');
    assert.match(href, /^\/doc\/[^?]+\?at=\d+&q=/);
    await shoot(page, 'search-paragraphs');
    // Following it opens the document scrolled to that paragraph.
    const at = Number(new URLSearchParams(href.split('?')[1]).get('at'));
    await page.click('.hit-title a');
    await page.waitForSelector('.doc-title');
    const target = await page.evaluate((n) => {
      const blocks = [...document.querySelectorAll('.doc-body .block')];
      const b = blocks.find((el) => Number(el.id.slice(2)) <= n && (el.nextElementSibling ? Number(el.nextElementSibling.id.slice(2)) > n : true));
      return b.id;
    }, at);
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight / 2;
    }, target);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('a malformed query shows the parser message and column inline', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.goto(`${BASE}/`);
    await page.fill('#q', '国旗 |');
    await page.press('#q', 'Enter');
    await page.waitForSelector('.query-error:not([hidden])');
    const text = await page.textContent('.query-error');
    assert.match(text, /查询语法有误/);
    assert.match(text, /第 \d+ 个字处/);
    assert.doesNotMatch(text, /needs a term|column/);  // Chinese only
    assert.equal(await page.locator('.hit').count(), 0);
    await shoot(page, 'search-error');
    // Fixing the query clears the error.
    await page.fill('#q', '国旗 | 国徽');
    await page.press('#q', 'Enter');
    await page.waitForSelector('.hit');
    assert.equal(await page.isHidden('.query-error'), true);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('no loading state for fast answers; a subtle one after 300 ms for slow ones', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.library-stats');
    // Record every time the results get dimmed or the bar appears.
    await page.evaluate(() => {
      window.__busy = 0;
      new MutationObserver(() => {
        if (document.querySelector('.results.busy, .loading-bar.active')) window.__busy++;
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['class'] });
    });
    await page.fill('#q', '国旗');
    await page.press('#q', 'Enter');
    await page.waitForSelector('.hit');
    assert.equal(await page.evaluate(() => window.__busy), 0, 'a fast search showed a loading state');

    // The same search, answered 1.2 s late by the network.
    await page.route('**/api/search?*', async (route) => {
      await new Promise((r) => setTimeout(r, 1200));
      await route.continue();
    });
    await page.fill('#q', '国旗 升挂');
    const started = Date.now();
    await page.press('#q', 'Enter');
    await page.waitForSelector('.results.busy');
    await page.waitForSelector('.loading-bar.active');
    const shown = Date.now() - started;
    assert.ok(shown >= 250, `loading state after ${shown} ms`);
    await shoot(page, 'search-loading', { fullPage: false });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '国旗 升挂' &&
      !document.querySelector('.results.busy') && document.querySelector('.summary'));
    assert.equal(await page.isVisible('.loading-bar.active'), false);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

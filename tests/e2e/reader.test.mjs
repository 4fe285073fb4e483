// The reader's experience (issue 13), at desktop 1366×900 and phone 390×844:
// dense results with short snippets and "more matches" on demand, collapsible
// filters on a phone, the year boxes, Chinese error messages, the query forms
// that used to find nothing silently, 金句 copy with a citation, the outline on
// a phone and following the reading position on desktop, search words marked
// on the document page, reading tools. Timings are printed (reported, never
// asserted): first results after Enter, an 18,000-character report, home paint.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, USERS, newContext, cleanupProfiles, apiGet, login, shoot } from './lib.mjs';

after(cleanupProfiles);
after(() => {
  console.log(`# timings (reported, not asserted):\n#   ${timings.join('\n#   ')}`);
  fs.writeFileSync(path.join(ARTIFACTS, 'budgets-reader.txt'), `${timings.join('\n')}\n`);
});

const DESKTOP = ['desktop', 1366, 900];
const PHONE = ['phone', 390, 844];
const BOTH = { sizes: [DESKTOP, PHONE], fullPage: false };
const timings = [];

async function search(page, q, params = '') {
  await page.goto(`${BASE}/?q=${encodeURIComponent(q)}${params}`);
  await page.waitForSelector('.hit, .empty, .query-error:not([hidden])');
}

test('results: 5+ hits on a desktop screen, one short snippet each, more on demand', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.library-stats');
    // Timing: Enter to the first hit on screen.
    await page.fill('#q', '发展');
    const t0 = Date.now();
    await page.press('#q', 'Enter');
    await page.waitForSelector('.hit');
    timings.push(`first results after Enter: ${Date.now() - t0} ms`);

    await shoot(page, 'reader-results', BOTH);
    const tops = await page.$$eval('.hit', (els) => els.map((e) => e.getBoundingClientRect().bottom));
    const onScreen = tops.filter((b) => b <= 900).length;
    assert.ok(onScreen >= 5, `${onScreen} hits fully on a 1366×900 screen`);
    // One snippet visible per hit, 120 code points at most, not starting or
    // ending inside a highlighted word.
    const hits = await page.$$eval('.hit', (els) => els.map((e) => ({
      visible: [...e.querySelectorAll('.snippet')].filter((s) => s.offsetParent !== null).map((s) => s.textContent),
      marks: [...e.querySelectorAll('.snippet mark')].map((m) => m.textContent),
    })));
    for (const hit of hits) {
      assert.ok(hit.visible.length <= 1, `visible snippets ${hit.visible.length}`);
      for (const t of hit.visible) assert.ok([...t].length <= 120, `snippet of ${[...t].length} chars: ${t}`);
      for (const m of hit.marks) assert.ok(m.includes('发展'), `a cut highlight "${m}"`);
    }
    // "本文其他匹配" shows the document's other snippets, and hides them again.
    const more = page.locator('.more-button').first();
    if (await more.count()) {
      await more.click();
      assert.equal(await more.getAttribute('aria-expanded'), 'true');
      assert.ok(await page.locator('.more-snippets:not([hidden]) .snippet').count() >= 1);
      await shoot(page, 'reader-more-matches', { sizes: [DESKTOP], fullPage: false });
      await more.press('Enter');  // keyboard works too
      assert.equal(await more.getAttribute('aria-expanded'), 'false');
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('phone: filters are folded away, the first hit is high on the screen', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await search(page, '发展');
    assert.equal(await page.getAttribute('.filter-box', 'open'), null);
    const top = await page.$eval('.hit', (e) => e.getBoundingClientRect().top);
    assert.ok(top < 250, `first hit at y=${top}`);
    await shoot(page, 'reader-phone-filters-closed', { sizes: [PHONE], fullPage: false });
    await page.click('.filter-summary');
    assert.ok(await page.isVisible('#year-from'));
    await shoot(page, 'reader-phone-filters-open', { sizes: [PHONE], fullPage: false });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('year boxes: 起 alone is an open range, 止 stays as typed', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await search(page, '发展');
    await page.fill('#year-from', '2020');
    await page.press('#year-from', 'Enter');
    await page.waitForURL(/year=2020\.\./);
    await page.waitForSelector('.hit, .empty');
    assert.equal(await page.inputValue('#year-to'), '');
    await page.click('#year-to');
    await page.keyboard.type('2023');
    assert.equal(await page.inputValue('#year-to'), '2023');
    await page.press('#year-to', 'Enter');
    await page.waitForURL(/year=2020\.\.2023/);
    await page.waitForSelector('.hit, .empty');
    assert.equal(await page.inputValue('#year-from'), '2020');
    assert.equal(await page.inputValue('#year-to'), '2023');
    // Full-width digits become ASCII; a short year is a Chinese error, not a request.
    await page.fill('#year-to', '');
    await page.type('#year-to', '２０２');
    assert.equal(await page.inputValue('#year-to'), '202');
    await page.press('#year-to', 'Enter');
    const msg = await page.textContent('.query-error');
    assert.match(msg, /年份有误.*四位数字/);
    await shoot(page, 'reader-year-error', BOTH);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('errors are Chinese and say how to fix; the 404 page shows no server path', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    for (const [q, want] of [['国旗 (国徽', /括号没有闭合.*补上/], ['a foo:bar', /没有“foo:”这个字段.*title:/], ['国旗 AND', /后面缺少搜索词/]]) {
      await search(page, q);
      const text = await page.textContent('.query-error');
      assert.match(text, want, text);
      assert.doesNotMatch(text.replace(/title:|heading:|year:|source:|category:|type:|foo:|AND|国旗 \(国徽|a foo:bar/g, ''), /[A-Za-z]{4,}/, text);
    }
    await shoot(page, 'reader-query-error-chinese', BOTH);
    const res = await page.goto(`${BASE}/no/such/page`);
    assert.ok(res.status() === 404 || res.status() === 200);
    const body = await page.textContent('body');
    assert.match(body, /页面不存在/);
    assert.doesNotMatch(body, /no such file|\/work\/|web\//);
    await shoot(page, 'reader-404', BOTH);
    assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
  } finally {
    await ctx.close();
  }
});

test('AND/与, full-width “…” and （…）, and source: prefixes find what the plain query finds', async () => {
  const plain = await apiGet(`/api/search?q=${encodeURIComponent('高质量 发展')}`);
  assert.ok(plain.total > 0);
  for (const q of ['高质量 AND 发展', '高质量 与 发展', '（高质量 发展）']) {
    const r = await apiGet(`/api/search?q=${encodeURIComponent(q)}`);
    assert.equal(r.total, plain.total, q);
  }
  const phrase = await apiGet(`/api/search?q=${encodeURIComponent('"个人信息"')}`);
  const cn = await apiGet(`/api/search?q=${encodeURIComponent('“个人信息”')}`);
  assert.equal(cn.total, phrase.total);
  // source: with the first characters of a source finds that source's documents.
  const facets = await apiGet('/api/facets');
  const name = (x) => (typeof x === 'string' ? x : x.name);
  const source = (facets.sources || []).map(name).find((s) => [...s].length >= 3);
  if (source) {
    const head = [...source].slice(0, 2).join('');
    const r = await apiGet(`/api/search?q=${encodeURIComponent(`的 source:${head}`)}&size=100`);
    assert.ok(r.total > 0, `source:${head}`);
    // ASCII case is ignored (search::source_matches): facets may show 'GitHub …' for 'github.com/…'.
    for (const hit of r.hits) assert.ok(hit.source.toLowerCase().startsWith(head.toLowerCase()), hit.source);
  }
});

test('金句: a copy button per paragraph copies the text with a citation line', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await search(page, '国旗', '&unit=paragraph');
    const first = page.locator('.hit').first();
    await first.locator('.copy-quote').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const title = (await first.locator('.hit-title a').textContent()).trim();
    assert.ok(copied.includes(`\n——《${title}》`), copied);
    await shoot(page, 'reader-jinju-copy', BOTH);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('document: search words marked, outline on a phone lands on target, desktop outline follows', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    const r = await apiGet(`/api/search?q=${encodeURIComponent('政府工作报告')}&size=20`);
    const big = [];
    for (const hit of r.hits) {
      const d = await apiGet(`/api/docs/${encodeURIComponent(hit.id)}`);
      big.push([d.characters || 0, hit.id, d]);
    }
    big.sort((a, b) => Math.abs(a[0] - 18000) - Math.abs(b[0] - 18000));
    const [chars, id, doc] = big[0];
    const t0 = Date.now();
    await page.goto(`${BASE}/doc/${encodeURIComponent(id)}?q=${encodeURIComponent('高质量发展')}`);
    await page.waitForSelector('.doc-body .block');
    timings.push(`document page (${chars} characters) to text on screen: ${Date.now() - t0} ms`);
    const marks = await page.$$eval('.doc-body mark', (els) => els.map((e) => e.textContent));
    assert.ok(marks.length > 0, 'search words are marked');
    for (const m of marks) assert.equal(m.replace(/\s/g, ''), '高质量发展');
    await shoot(page, 'reader-doc-marked', BOTH);

    // Desktop: scrolling the text moves the outline's current entry.
    assert.ok(doc.outline.length > 1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(100);
    const before = await page.getAttribute('.outline a[aria-current]', 'href').catch(() => null);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight * 0.6));
    await page.waitForFunction((b) => {
      const a = document.querySelector('.outline a[aria-current]');
      return a && a.getAttribute('href') !== b;
    }, before);
    await shoot(page, 'reader-outline-follows', { sizes: [DESKTOP], fullPage: false });

    // Phone: a tap folds the outline and the entry's block lands at the top.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}/doc/${encodeURIComponent(id)}`);
    await page.waitForSelector('.outline summary');
    await page.click('.outline summary');
    const entry = doc.outline[Math.min(2, doc.outline.length - 1)];
    await page.click(`.outline a[href="?at=${entry.start}"]`);
    await page.waitForTimeout(400);
    const top = await page.evaluate((at) => {
      const blocks = [...document.querySelectorAll('.doc-body .block')];
      const b = blocks.filter((el) => Number(el.id.slice(2)) <= at).pop();
      return b.getBoundingClientRect().top;
    }, entry.start);
    assert.ok(top >= 0 && top < 160, `target block at y=${top}`);
    assert.equal(await page.getAttribute('.outline details', 'open'), null);
    await shoot(page, 'reader-phone-outline-jump', { sizes: [PHONE], fullPage: false });

    // Reading tools: the font size changes and is kept.
    const size0 = await page.$eval('.doc-body', (e) => parseFloat(getComputedStyle(e).fontSize));
    await page.click('button[aria-label=放大字号]');
    const size1 = await page.$eval('.doc-body', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size1 > size0, `${size0} -> ${size1}`);
    await page.click('.reading-tools button[aria-pressed]');
    assert.ok(await page.evaluate(() => document.body.classList.contains('reading-mode')));
    await shoot(page, 'reader-reading-mode', BOTH);
    await page.click('.reading-tools button[aria-pressed]');
    await page.evaluate(() => localStorage.clear());
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('home first paint (reported)', async () => {
  const { ctx, page } = await newContext();
  try {
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.library-stats');
    const paint = await page.evaluate(() => {
      const p = performance.getEntriesByName('first-contentful-paint')[0];
      return p ? Math.round(p.startTime) : null;
    });
    timings.push(`home first contentful paint: ${paint} ms`);
  } finally {
    await ctx.close();
  }
});

test('我的文库: favourite into a folder, history with progress, basket collected, reordered and exported', async () => {
  const { USERS, login, ARTIFACTS } = await import('./lib.mjs');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, USERS.free);
    await search(page, '国旗');
    // The badge says free or paid on every hit.
    assert.ok(await page.locator('.hit .badge').count() > 0);
    await page.click('.hit-title a');
    await page.waitForSelector('.doc-body .block');
    page.once('dialog', (d) => d.accept('法律'));
    await page.click('.reading-tools button:text-is("收藏")');
    await page.waitForSelector('.reading-tools button:text-is("已收藏")');
    // Two paragraphs into the basket.
    const adds = page.locator('.block:not(.heading) .basket-add');
    assert.ok(await adds.count() >= 2);
    for (const i of [0, 1]) {
      await adds.nth(i).focus();
      await adds.nth(i).press('Enter');
      await page.waitForFunction((n) => document.querySelectorAll('.basket-add.done').length >= n, i + 1);
    }
    // Progress: scroll, wait for the report.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight / 2));
    await page.waitForResponse((r) => r.url().endsWith('/api/me/history') && r.request().method() === 'POST', { timeout: 8000 });
    await shoot(page, 'reader-doc-basket-buttons', BOTH);

    await page.goto(`${BASE}/account`);
    await page.waitForSelector('#basket .basket-item');
    await page.waitForSelector('#favorites .fav-folder');
    assert.match(await page.textContent('#favorites'), /法律/);
    await page.waitForSelector('#history .mine-list li');
    assert.match(await page.textContent('#history'), /继续阅读/);
    const before = await page.$$eval('.basket-text', (els) => els.map((e) => e.textContent));
    assert.equal(before.length, 2);
    await page.click('.basket-item:nth-child(2) .up');
    await page.waitForFunction((first) => document.querySelector('.basket-text')?.textContent === first, before[1]);
    await shoot(page, 'reader-account-mine', BOTH);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#basket button.primary')]);
    const file = path.join(ARTIFACTS, 'basket.docx');
    await download.saveAs(file);
    assert.equal(fs.readFileSync(file).subarray(0, 2).toString('latin1'), 'PK');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('搜索建议 as you type, by keyboard; 热门搜索 on the home page', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    // Three different people ask one query, so it is a 热门搜索 (one person's
    // queries are never shown to others: library.test.mjs).
    await apiGet(`/api/search?q=${encodeURIComponent('国旗法')}`);
    for (const user of [USERS.free, USERS.vip]) {
      const other = await newContext();
      try {
        await login(other.page, user);
        await other.page.evaluate(() => fetch(`/api/search?q=${encodeURIComponent('国旗法')}`));
      } finally {
        await other.ctx.close();
      }
    }
    const t0 = Date.now();
    const r = await apiGet(`/api/suggest?q=${encodeURIComponent('政府')}`);
    timings.push(`suggestions answer (node fetch, incl. HTTP): ${Date.now() - t0} ms`);
    assert.ok(r.suggestions.some((x) => x.kind === 'title' && x.text.includes('政府')));
    await page.goto(`${BASE}/`);
    await page.waitForSelector('.hot:not([hidden]) .example');
    assert.match(await page.textContent('.hot'), /热门搜索.*国旗法/);
    await page.click('#q');
    await page.keyboard.type('政府工作');
    await page.waitForSelector('#suggestions:not([hidden]) .suggestion');
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'true');
    await shoot(page, 'reader-suggestions', { sizes: [DESKTOP, PHONE], fullPage: false });
    await page.focus('#q');
    await page.keyboard.press('ArrowDown');
    const chosen = await page.textContent('.suggestion[aria-selected=true]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.hit');
    assert.ok(chosen.endsWith(await page.inputValue('#q')), `${chosen} / ${await page.inputValue('#q')}`);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

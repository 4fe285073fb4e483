// Duplicate documents (docs/check.md): an admin uploads a repost of a sample
// report (another title, a header and a footer, a few sentences edited); search
// folds the two into one hit that says how many similar versions it stands for
// and links to them; collapse=false shows both with the same total; the
// document page lists the similar document with its similarity and shows the
// sentence diff (对比) with the edits marked. Screenshots at 1366×900 and 390×844.
// Named to run last: it adds a document to the shared scratch library.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS, BASE, REPO, USERS, newContext, cleanupProfiles, login, shoot, apiGet } from './lib.mjs';

const SIZES = [['desktop', 1366, 900], ['phone', 390, 844]];
const ORIGINAL = '2025年中华人民共和国国务院政府工作报告';

// The repost file's folder, removed with the browser profiles.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-e2e-repost-'));
after(() => {
  cleanupProfiles();
  fs.rmSync(work, { recursive: true, force: true });
});

function repost() {
  const raw = fs.readFileSync(path.join(REPO, 'data/sample/gwr_2025_state_council.txt'), 'utf8');
  const body = raw.split('\n').slice(1).join('\n')
    .replace('过去一年，我国发展历程很不平凡。', '过去一年，我国发展历程极不平凡、极为难忘。')
    .replace('请予审议', '请予以审议，这是一句转载时加上的话');
  const file = path.join(work, 'repost.txt');
  fs.writeFileSync(file, `转载：国务院政府工作报告（2025年全文）\n来源：某某资料网 发布时间：2025年3月6日\n${body}\n（责任编辑：张三）扫码关注公众号获取更多资料\n`);
  return file;
}

test('a repost is folded into its original in search, listed on the page, and diffed', async () => {
  const { ctx, page, errors } = await newContext();
  page.on('dialog', (d) => d.accept());
  try {
    await login(page, USERS.admin);
    await page.goto(`${BASE}/admin`);
    await page.setInputFiles('#upload-files', [repost()]);
    await page.click('.upload-form button[type=submit]');
    await page.waitForSelector('.import-report');
    const q = '发展历程';
    // The API: folded by default (one hit carries the other), every document with collapse=false, same total.
    const folded = await apiGet(`/api/search?q=${encodeURIComponent(q)}&size=50`);
    const all = await apiGet(`/api/search?q=${encodeURIComponent(q)}&size=50&collapse=false`);
    assert.equal(folded.total, all.total, 'total counts documents either way');
    assert.equal(all.hits.length, folded.hits.length + 1);
    const carrier = folded.hits.find((h) => h.similar.count === 1);
    assert.ok(carrier, JSON.stringify(folded.hits.map((h) => [h.title, h.similar])));
    const other = carrier.similar.ids[0];
    assert.ok(all.hits.some((h) => h.id === other));

    // The web results: one hit with the note and its link.
    await page.goto(`${BASE}/?q=${encodeURIComponent(q)}`);
    await page.waitForSelector('.hit');
    const notes = await page.$$eval('.folded-note', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(notes.map((t) => t.replace(/\s+/g, '')), ['另有1个相似版本已折叠·查看全部版本']);
    const titles = await page.$$eval('.hit-title a', (as) => as.map((a) => a.textContent));
    assert.equal(titles.filter((t) => t === ORIGINAL || t.startsWith('转载')).length, 1, titles.join(' / '));
    await shoot(page, 'search-folded', { sizes: SIZES });

    // The list on the document page, then the diff.
    await page.click('.folded-note a');
    await page.waitForSelector('#doc-similar li');
    assert.match(await page.textContent('#doc-similar'), /相似度约 \d+%/);
    await page.click('#doc-similar .diff-button');
    await page.waitForSelector('.diff-view .diff-body');
    const ins = await page.$$eval('.diff-body ins', (xs) => xs.map((x) => x.textContent).join('|'));
    const del = await page.$$eval('.diff-body del', (xs) => xs.map((x) => x.textContent).join('|'));
    const edits = `${del}|${ins}`;  // which side is which depends on the page the note linked
    assert.match(edits, /极不平凡、极为难忘/);
    assert.match(edits, /很不平凡/);
    assert.match(edits, /某某资料网/);  // the repost's header
    assert.match(await page.textContent('.diff-view'), /改动 \d+ 句/);
    assert.ok((await page.locator('.diff-skip').count()) > 0, 'long unchanged stretches are cut');
    // The diff itself at both sizes (the page above it is the document).
    for (const [suffix, width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(200);
      await page.locator('#doc-similar').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, `doc-diff-${suffix}.png`) });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
      assert.equal(wide, false, `doc-diff-${suffix}: wider than the viewport`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

// After the repost above: the count line says how many documents match and how
// many hits folding leaves, agreeing with the hits listed; the 显示全部版本
// switch beside it (collapse=false, kept in the URL) lists every document, and
// the line says so; switching it off folds again.
test('the count line agrees with a folded page, and 显示全部版本 lists every version', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    const q = '发展历程';
    const folded = await apiGet(`/api/search?q=${encodeURIComponent(q)}&size=10`);
    const all = await apiGet(`/api/search?q=${encodeURIComponent(q)}&size=10&collapse=false`);
    assert.ok(folded.total <= 10, `the query fits one page (${folded.total})`);
    assert.equal(folded.shown_total, folded.hits.length, 'shown_total counts the folded hits');
    assert.equal(all.shown_total, all.total);
    assert.ok(folded.shown_total < folded.total, 'there is something folded');

    await page.goto(`${BASE}/?q=${encodeURIComponent(q)}`);
    await page.waitForSelector('.hit');
    const line = (await page.textContent('.results .summary')).replace(/\s+/g, '');
    assert.match(line, new RegExp(`^共${folded.total}篇文档，合并相似版本后${folded.hits.length}条·用时`), line);
    assert.equal(await page.locator('.hits > .hit').count(), folded.hits.length);
    assert.equal(await page.isChecked('#all-versions'), false);
    await shoot(page, 'search-count-folded', { sizes: SIZES });

    // The switch beside the count: every version, the URL says collapse=false.
    await page.click('#all-versions');
    await page.waitForURL(/collapse=false/);
    await page.waitForFunction((n) => document.querySelectorAll('.hits > .hit').length === n, all.hits.length);
    const line2 = (await page.textContent('.results .summary')).replace(/\s+/g, '');
    assert.match(line2, new RegExp(`^共${all.total}篇文档（含全部版本）·用时`), line2);
    assert.equal(await page.locator('.folded-note').count(), 0, 'nothing is folded');
    assert.equal(await page.isChecked('#all-versions'), true);
    await shoot(page, 'search-count-all-versions', { sizes: SIZES });

    // Off again: folded again.
    await page.click('#all-versions');
    await page.waitForURL((u) => !u.search.includes('collapse=false'));
    await page.waitForFunction((n) => document.querySelectorAll('.hits > .hit').length === n, folded.hits.length);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

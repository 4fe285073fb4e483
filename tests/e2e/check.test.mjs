// 查重: a reader pastes a draft made of two passages of a sample document and
// text of their own; the page shows the share, the copied spans highlighted
// and linked into the source at the matched place (the document page opens
// there), the sources and per-paragraph shares. Paid text counts only for
// members (docs/check.md): the seed sample's paid lines are not found for an
// anonymous reader and are found for a VIP. Errors are Chinese and say what
// was wrong; the .docx report downloads. Screenshots at 1366×900 and 390×844.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, REPO, USERS, newContext, cleanupProfiles, login, shoot, paidLines } from './lib.mjs';

const SIZES = [['desktop', 1366, 900], ['phone', 390, 844]];

after(() => cleanupProfiles());

function sampleLines() {
  const raw = fs.readFileSync(path.join(REPO, 'data/sample/gwr_2025_state_council.txt'), 'utf8');
  return raw.split('\n').map((l) => l.trim()).filter((l) => [...l].length >= 40);
}

async function runCheck(page, text) {
  await page.goto(`${BASE}/check`);
  await page.fill('#check-text', text);
  await page.click('#check-run');
  await page.waitForSelector('#check-share, .check-result .notice.error');
}

test('查重 highlights copied passages and links them into the source', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    const lines = sampleLines();
    const copied = [lines[3], lines[10]];
    const draft = `这是我们单位自己写的开头，甲乙丙丁戊己庚辛。\n${copied[0]}\n中间又是自己的话，子丑寅卯辰巳午未。\n${copied[1]}`;
    await page.goto(`${BASE}/`);
    await page.click('.site-nav a[data-nav=check]');
    await page.waitForURL(`${BASE}/check`);
    await runCheck(page, draft);
    const share = await page.textContent('#check-share');
    const pct = Number.parseFloat(share);
    assert.ok(pct > 50 && pct < 100, `share ${share}`);
    // Every highlighted span is text of the draft and links to a document at a place.
    const spans = await page.$$eval('#check-draft a.copied', (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
    assert.ok(spans.length >= 2, JSON.stringify(spans));
    const highlighted = spans.map((s) => s.text).join('');
    for (const s of spans) assert.match(s.href, /^\/doc\/[^/?]+\?at=\d+$/);
    assert.ok(highlighted.length >= [...copied.join('')].length * 0.9, highlighted);
    assert.ok(!highlighted.includes('甲乙丙丁'), 'own text is not highlighted');
    // Spans are coloured by source; the source list names the sample document.
    assert.match(await page.textContent('#check-sources'), /政府工作报告/);
    assert.equal(await page.locator('.check-paragraphs li').count(), 4);
    await shoot(page, 'check', { sizes: SIZES });
    // Into the source at the matched place.
    const first = spans[0];
    await page.click('#check-draft a.copied >> nth=0');
    await page.waitForURL(`${BASE}${first.href}`);
    await page.waitForSelector('.doc-body');
    const body = await page.textContent('main');
    assert.ok(body.includes(first.text.slice(0, 8)), 'the source holds the span');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('paid text counts only for members', async () => {
  const draft = paidLines().slice(0, 3).join('\n');
  const anon = await newContext();
  try {
    await runCheck(anon.page, draft);
    assert.equal(await anon.page.textContent('#check-share'), '0%');
    assert.equal(await anon.page.locator('#check-draft a.copied').count(), 0);
  } finally {
    await anon.ctx.close();
  }
  const vip = await newContext();
  try {
    await login(vip.page, USERS.vip);
    await runCheck(vip.page, draft);
    assert.ok(Number.parseFloat(await vip.page.textContent('#check-share')) > 80);
    // The report downloads as .docx.
    const [download] = await Promise.all([vip.page.waitForEvent('download'), vip.page.click('#check-docx')]);
    assert.equal(download.suggestedFilename(), '查重报告.docx');
    const file = await download.path();
    assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK');
    assert.deepEqual(vip.errors, []);
  } finally {
    await vip.ctx.close();
  }
});

test('bad drafts get Chinese errors that say what was wrong', async () => {
  const { ctx, page } = await newContext();
  try {
    await page.goto(`${BASE}/check`);
    await page.click('#check-run');
    assert.match(await page.textContent('.check-result .notice.error'), /请先粘贴草稿/);
    await runCheck(page, '长'.repeat(200001));
    assert.match(await page.textContent('.check-result .notice.error'), /草稿过长.*200000/);
    await shoot(page, 'check-error', { sizes: SIZES });
  } finally {
    await ctx.close();
  }
});

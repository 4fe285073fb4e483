// 今日更新: an admin uploads a .jsonl of documents in two categories and a broken
// PDF; anonymous readers see the documents under today's date with category
// counts, filter by a category (the URL and the feed link follow), and the feed
// parses; the admin page shows today's intake with the rejected file by name.
// Screenshots at 1366×900 and 390×844; nothing may stick out sideways.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USERS, newContext, cleanupProfiles, login, shoot, apiGet } from './lib.mjs';

const SIZES = [['desktop', 1366, 900], ['phone', 390, 844]];
const STAMP = String(Date.now() % 1000000);
const RECORDS = [
  { id: `e2e-dj-${STAMP}-1`, title: '关于加强基层党组织建设的通知（今日更新测试）', category: '党建', text: '各党支部：\n为加强基层党组织建设，现就有关事项通知如下。\n一、认真落实“三会一课”制度。' },
  { id: `e2e-dj-${STAMP}-2`, title: '党建工作要点（今日更新测试）', category: '党建', text: '一、总体要求\n坚持以党的政治建设为统领。\n二、重点任务\n抓好理论学习。' },
  { id: `e2e-zj-${STAMP}-1`, title: '二〇二六年度工作总结（今日更新测试）', category: '工作总结', text: '一年来，我们坚持稳中求进工作总基调。\n一、主要工作\n各项工作取得新进展。' },
];

let admin;

async function upload(page, files) {
  return page.evaluate(async (files) => {
    const form = new FormData();
    for (const f of files) form.append('files', new Blob([f.bytes]), f.name);
    const csrf = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('wy_csrf='));
    const res = await fetch('/api/admin/documents', {
      method: 'POST', body: form, headers: { 'X-CSRF-Token': decodeURIComponent(csrf.slice(8)) },
    });
    return { status: res.status, body: await res.json() };
  }, files);
}

before(async () => {
  admin = await newContext();
  await login(admin.page, USERS.admin);
  const r = await upload(admin.page, [
    { name: 'today.jsonl', bytes: RECORDS.map((x) => JSON.stringify(x)).join('\n') + '\n' },
    { name: `broken-${STAMP}.pdf`, bytes: 'this is not a PDF' },
  ]);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.rejected, 1, JSON.stringify(r.body));
  assert.equal(r.body.imported + r.body.updated, 3, JSON.stringify(r.body));
});
after(async () => {
  if (admin) await admin.ctx.close();
  cleanupProfiles();
});

test('今日更新 lists today\'s documents by day, filters by category, links the feed', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await page.goto(`${BASE}/`);
    await page.click('.site-nav a[data-nav=new]');
    await page.waitForURL(`${BASE}/new`);
    await page.waitForSelector('.new-day');
    assert.equal(await page.getAttribute('.site-nav a[data-nav=new]', 'aria-current'), 'page');
    assert.equal(await page.textContent('h1'), '今日更新');
    const api = await apiGet('/api/new?days=7');
    const first = page.locator('.new-day').first();
    assert.equal(await first.getAttribute('data-date'), api.by_day[0].date);
    assert.match(await first.locator('.day-title').textContent(), /^今天/);
    const titles = await first.locator('.new-title').allTextContents();
    for (const r of RECORDS) assert.ok(titles.includes(r.title), `${r.title} listed today`);
    // The category chips carry the server's counts.
    const chip = page.locator('.category-nav a[data-category="党建"]');
    const count = Number(await chip.locator('.chip-count').textContent());
    assert.equal(count, api.categories.find((c) => c.category === '党建').count);
    assert.ok(count >= 2);
    assert.match(await page.textContent('.new-summary'), /北京时间|服务器时间/);
    await shoot(page, 'new', { sizes: SIZES });

    await chip.click();
    await page.waitForURL(`${BASE}/new?category=${encodeURIComponent('党建')}`);
    await page.waitForFunction(() => document.querySelector('.category-nav a.current')?.dataset.category === '党建');
    const metas = await page.locator('.new-list li .meta').allTextContents();
    assert.equal(metas.length, count);
    for (const m of metas) assert.match(m, /^党建/);
    const href = await page.getAttribute('a.feed-link', 'href');
    assert.equal(href, `/feed.atom?category=${encodeURIComponent('党建')}`);
    await shoot(page, 'new-category', { sizes: SIZES });

    // The feed of that category, as an aggregator would fetch it.
    const xml = await (await fetch(BASE + href)).text();
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>/);
    assert.ok(xml.includes(RECORDS[0].title) && xml.includes(RECORDS[1].title));
    assert.ok(!xml.includes(RECORDS[2].title), 'the 工作总结 document is not in the 党建 feed');

    // Back to all: the filter goes away.
    await page.click('.category-nav a[data-category=""]');
    await page.waitForURL(`${BASE}/new`);
    await page.waitForFunction(() => document.querySelector('.category-nav a.current')?.dataset.category === '');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('the admin page shows today\'s intake with the rejected file and its reason', async () => {
  const { page, errors } = admin;
  await page.goto(`${BASE}/admin`);
  await page.waitForSelector('#intake .intake-day');
  const day = page.locator('#intake .intake-day').first();
  const intake = await (await page.evaluate(async () => (await fetch('/api/admin/intake?days=7')).json()));
  assert.equal(await day.getAttribute('data-date'), intake.by_day[0].date);
  const counts = Object.fromEntries(await day.locator('.intake-counts .count').evaluateAll((cs) =>
    cs.map((c) => [c.dataset.k, Number(c.querySelector('strong').textContent.replace(/\D/g, ''))])));
  assert.equal(counts['拒绝'], intake.by_day[0].rejected);
  assert.ok(counts['拒绝'] >= 1);
  assert.equal(counts['导入'], intake.by_day[0].imported);
  await day.locator('.intake-rejects summary').click();
  const rejects = await day.locator('.intake-rejects li').allTextContents();
  const ours = rejects.find((t) => t.includes(`broken-${STAMP}.pdf`));
  assert.ok(ours, `the broken PDF is listed: ${rejects.join(' | ')}`);
  assert.ok(!/\/(tmp|home|work|srv)\//.test(rejects.join('\n')), 'no server folders on the page');
  await shoot(page, 'admin-intake', { sizes: SIZES });
  // Not for readers: the route answers 401 to anonymous callers.
  assert.equal((await fetch(`${BASE}/api/admin/intake`)).status, 401);
  assert.deepEqual(errors, []);
});

// 管理: an admin uploads a GB18030 .txt, a .docx and a UTF-8 .txt with
// supplementary-plane characters in one multipart request (progress bar, import
// report), then finds each by search (the 𠮷 mark must cover exactly 𠮷, a
// surrogate pair in JS); deletes one; registers a user in another browser,
// raises them to VIP and disables them.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, BIN, REPO, USERS, newContext, cleanupProfiles, login, shoot } from './lib.mjs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-e2e-upload-'));
const DOCX_TITLE = '绍兴黄酒保护和发展条例';
const files = {};

before(() => {
  assert.ok(BIN, 'WENYUAN_BIN is set');
  // GB18030 bytes as they come from an old Windows machine (the 禁毒法 fixture).
  files.gb18030 = path.join(REPO, 'tests/data/gb18030_law.txt');
  // A .docx made by wenyuan's own exporter from a library the server does not
  // have: one law from the fixture corpus, imported into a scratch library.
  const lib = path.join(work, 'lib');
  const record = fs.readFileSync(path.join(REPO, 'tests/data/corpus_sample.jsonl'), 'utf8')
    .split('\n').find((l) => l && JSON.parse(l).title === DOCX_TITLE);
  assert.ok(record, `${DOCX_TITLE} is in tests/data/corpus_sample.jsonl`);
  fs.writeFileSync(path.join(work, 'one.jsonl'), record + '\n');
  execFileSync(BIN, ['import', '--data', lib, '-q', path.join(work, 'one.jsonl')], { stdio: 'pipe' });
  const listed = JSON.parse(execFileSync(BIN, ['list', '--data', lib, '--json'], { encoding: 'utf8' }));
  assert.equal(listed.length, 1);
  files.docx = path.join(work, `${DOCX_TITLE}.docx`);
  execFileSync(BIN, ['export', '--data', lib, listed[0].id, '--format', 'docx', '-o', files.docx], { stdio: 'pipe' });
  // Our own short notice with characters outside the BMP (𠮷 U+20BB7, 𡈼 U+2123C).
  files.astral = path.join(work, 'rare_chars_notice.txt');
  fs.writeFileSync(files.astral, [
    '关于规范户籍姓名生僻字录入的通知',
    '',
    '各派出所：',
    '',
    '近期群众反映，姓名中的“𠮷”“𡈼”等生僻字在部分业务系统中无法正确显示。现就有关事项通知如下。',
    '',
    '一、录入“𠮷”字时，应使用统一的编码，不得以“吉”字代替。',
    '',
    '二、各单位应于本月底前完成自查。',
    '',
  ].join('\n'));
});
after(() => {
  cleanupProfiles();
  fs.rmSync(work, { recursive: true, force: true });
});

async function searchTitles(page, q) {
  await page.goto(`${BASE}/?q=${encodeURIComponent(q)}`);
  await page.waitForSelector('.hit, .empty');
  return page.$$eval('.hit-title a', (as) => as.map((a) => a.textContent));
}

test('admin uploads GB18030 txt, docx and astral-plane txt; finds them; deletes one', async () => {
  const { ctx, page, errors } = await newContext();
  page.on('dialog', (d) => d.accept());
  try {
    await login(page, USERS.admin);
    assert.equal(await page.isVisible('.site-nav a[data-nav=admin]'), true);
    await page.click('.site-nav a[data-nav=admin]');
    await page.waitForSelector('.admin-docs table');
    const before = Number((await page.textContent('.admin-docs .summary')).replace(/\D/g, ''));
    // Nothing is watched in this library, so no watched file was rejected.
    await page.waitForSelector('.admin-rejected .summary');
    assert.match(await page.textContent('.admin-rejected'), /没有未能导入的文件/);
    await shoot(page, 'admin');

    await page.setInputFiles('#upload-files', [files.gb18030, files.docx, files.astral]);
    assert.match(await page.textContent('#upload-chosen'), /已选择 3 个文件/);
    await page.click('.upload-form button[type=submit]');
    await page.waitForSelector('.import-report');
    const counts = await page.$$eval('.import-report .count', (cs) => Object.fromEntries(cs.map((c) => [c.firstChild.textContent.trim(), Number(c.querySelector('strong').textContent)])));
    assert.deepEqual(counts, { 导入: 3, 更新: 0, 未变: 0, 拒绝: 0 });
    assert.equal(await page.getAttribute('#upload-progress', 'value'), '100');
    assert.equal(await page.locator('.import-report .imported-links a').count(), 3);
    await page.waitForFunction((n) => /\d+/.test(document.querySelector('.admin-docs .summary').textContent) &&
      Number(document.querySelector('.admin-docs .summary').textContent.replace(/\D/g, '')) === n, before + 3);
    await shoot(page, 'admin-uploaded');

    // Each upload is searchable at once, with the right title.
    assert.ok((await searchTitles(page, '禁毒 戒毒')).some((t) => t.includes('禁毒法')), 'GB18030 upload found');
    assert.ok((await searchTitles(page, '黄酒')).includes(DOCX_TITLE), 'docx upload found');
    const titles = await searchTitles(page, '𠮷');
    assert.deepEqual(titles, ['关于规范户籍姓名生僻字录入的通知']);
    const marks = await page.$$eval('.hit mark', (ms) => ms.map((m) => m.textContent));
    assert.ok(marks.length > 0 && marks.every((m) => m === '𠮷'), `marks ${JSON.stringify(marks)}`);
    await shoot(page, 'search-astral');

    // Open it from the result and check the text came through intact.
    await page.click('.hit-title a');
    await page.waitForSelector('.doc-title');
    assert.match(await page.textContent('.doc-body'), /录入“𠮷”字时/);

    // Delete it from the admin list; search no longer finds it.
    await page.goto(`${BASE}/admin`);
    const row = page.locator('.admin-docs tr', { has: page.locator('a:text-is("关于规范户籍姓名生僻字录入的通知")') });
    await row.locator('button.danger').click();
    await page.waitForFunction((n) => Number(document.querySelector('.admin-docs .summary').textContent.replace(/\D/g, '')) === n, before + 2);
    assert.deepEqual(await searchTitles(page, '𠮷'), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('register, admin raises the tier to VIP, then disables the account', async () => {
  const user = { name: `newbie${Date.now() % 100000}`, password: 'e2e-newbie-password' };
  const a = await newContext();
  const b = await newContext();
  try {
    // The newcomer registers through the form.
    await b.page.goto(`${BASE}/login`);
    await b.page.click('#tab-register');
    await b.page.fill('#username', user.name);
    await b.page.fill('#password', user.password);
    await b.page.click('form.auth-form button[type=submit]');
    await b.page.waitForURL(`${BASE}/account`);
    assert.equal(await b.page.textContent('#account-tier'), '免费用户');
    await shoot(b.page, 'account-free');

    // The admin finds them in the user list and makes them VIP.
    await login(a.page, USERS.admin);
    await a.page.goto(`${BASE}/admin`);
    const row = a.page.locator(`.admin-users tr[data-name="${user.name}"]`);
    await row.locator('select').selectOption('vip');
    await a.page.waitForSelector('#toast.show');
    await b.page.reload();
    await b.page.waitForSelector('#account-tier');
    assert.equal(await b.page.textContent('#account-tier'), 'VIP 会员');
    assert.match(await b.page.textContent('#account-quota'), /今日剩余 \d+ 次/);
    await shoot(b.page, 'account-vip');

    // Disabled: their session stops working; the account page sends them to login.
    await row.locator('input[type=checkbox]').check();
    await a.page.waitForFunction((n) => document.querySelector(`.admin-users tr[data-name="${n}"]`).classList.contains('disabled-user'), user.name);
    await b.page.goto(`${BASE}/account`);
    await b.page.waitForURL(/\/login\?next=/);
    // And logging in again is refused.
    await b.page.fill('#username', user.name);
    await b.page.fill('#password', user.password);
    await b.page.press('#password', 'Enter');
    await b.page.waitForFunction(() => document.querySelector('.form-message').textContent !== '');
    assert.equal(new URL(b.page.url()).pathname, '/login');
    await shoot(b.page, 'login-refused');
    assert.deepEqual(a.errors, []);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});

test('logout from the account page', async () => {
  const { ctx, page, errors } = await newContext();
  try {
    await login(page, USERS.vip);
    await shoot(page, 'account');
    await page.click('text=退出登录');
    await page.waitForURL(`${BASE}/`);
    await page.waitForSelector('.site-nav a[data-nav=login]:not([hidden])');
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json()));
    assert.equal(me.user, null);
    await page.goto(`${BASE}/login`);
    await shoot(page, 'login');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

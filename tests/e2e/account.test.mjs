// The account page's security parts: a user logged in on two browsers sees both
// in 登录设备 and logs the other out; changes the password (wrong current
// password refused, the new one works, the old one not); a VIP's download
// button spends one full download (a POST with the CSRF token) while a plain
// cross-site style GET with the session cookie spends nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USERS, newContext, cleanupProfiles, login, shoot, findDocId } from './lib.mjs';

after(cleanupProfiles);

async function register(page, user) {
  await page.goto(`${BASE}/login?mode=register`);
  await page.fill('#username', user.name);
  await page.fill('#password', user.password);
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(`${BASE}/account`);
  await page.waitForSelector('#account-name');
}

test('devices list, log out other devices, change password', async () => {
  const user = { name: `acct${Date.now() % 100000}`, password: 'e2e-account-password' };
  const a = await newContext();
  const b = await newContext();
  try {
    await register(a.page, user);
    await login(b.page, user);
    await a.page.reload();
    await a.page.waitForSelector('#session-list li');
    assert.equal(await a.page.locator('#session-list li').count(), 2);
    assert.equal(await a.page.locator('#session-list li.current').count(), 1);
    assert.equal(await a.page.textContent('#account-until'), '—');
    await shoot(a.page, 'account-sessions');

    // 退出其他设备: b is logged out, a stays.
    await a.page.click('#revoke-others');
    await a.page.waitForFunction(() => document.querySelectorAll('#session-list li').length === 1);
    assert.ok(await a.page.isDisabled('#revoke-others'));
    await b.page.goto(`${BASE}/account`);
    await b.page.waitForURL(/\/login\?next=/);

    // 修改密码: the wrong current password is refused, in Chinese.
    await a.page.fill('#password-current', 'not-the-password');
    await a.page.fill('#password-new', 'e2e-account-password-2');
    await a.page.fill('#password-again', 'e2e-account-password-2');
    await a.page.click('form.password-form button[type=submit]');
    await a.page.waitForFunction(() => document.querySelector('#password-message').textContent !== '');
    assert.equal(await a.page.textContent('#password-message'), '当前密码不正确');
    // Mismatched repetition never reaches the server.
    await a.page.fill('#password-current', user.password);
    await a.page.fill('#password-again', 'something-else-entirely');
    await a.page.click('form.password-form button[type=submit]');
    assert.equal(await a.page.textContent('#password-message'), '两次输入的新密码不一致');
    await a.page.fill('#password-again', 'e2e-account-password-2');
    await a.page.click('form.password-form button[type=submit]');
    await a.page.waitForFunction(() => document.querySelector('#password-message').textContent.startsWith('密码已修改'));
    await shoot(a.page, 'account-password-changed');
    // Still logged in here; the old password no longer works, the new one does.
    await a.page.reload();
    await a.page.waitForSelector('#account-name');
    const old = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user.name, password: user.password }) });
    assert.equal(old.status, 401);
    await login(b.page, { name: user.name, password: 'e2e-account-password-2' });
    assert.deepEqual(a.errors, []);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});

test('membership end date: set by the admin, shown on the account page, free the day after', async () => {
  const user = { name: `member${Date.now() % 100000}`, password: 'e2e-member-password' };
  const a = await newContext();
  const b = await newContext();
  try {
    await register(b.page, user);
    await login(a.page, USERS.admin);
    await a.page.goto(`${BASE}/admin`);
    const row = a.page.locator(`.admin-users tr[data-name="${user.name}"]`);
    await row.locator('select').selectOption('vip');
    await a.page.waitForSelector('#toast.show');
    await row.locator('input[type=date]').fill('2099-12-31');
    await a.page.waitForFunction(() => document.querySelector('#toast').textContent.includes('有效期至 2099-12-31'));
    await b.page.reload();
    await b.page.waitForSelector('#account-until');
    assert.equal(await b.page.textContent('#account-tier'), 'VIP 会员');
    assert.equal(await b.page.textContent('#account-until'), '2099-12-31（含当日）');
    // The last day was long ago: free at once, and the page says why.
    await row.locator('input[type=date]').fill('2001-01-01');
    await a.page.waitForFunction(() => document.querySelector('#toast').textContent.includes('有效期至 2001-01-01'));
    await a.page.reload();
    await a.page.waitForSelector(`.admin-users tr[data-name="${user.name}"] .hint`);
    await b.page.reload();
    await b.page.waitForSelector('#account-until');
    assert.equal(await b.page.textContent('#account-tier'), '免费用户');
    assert.equal(await b.page.textContent('#account-until'), '已于 2001-01-01 到期');
    assert.match(await b.page.textContent('.upgrade'), /已于 2001-01-01 到期/);
    await shoot(b.page, 'account-expired');
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});

test('the download button posts and spends; a GET with the cookie spends nothing', async () => {
  const id = await findDocId('党建工作', '2023年度党建工作情况总结');
  const { ctx, page, errors } = await newContext();
  try {
    await login(page, USERS.vip);
    const left = async () => (await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).quotas.downloads_left;
    const before = await left();
    // What a link on another site would make the browser do: a GET with the cookie.
    const status = await page.evaluate((u) => fetch(u, { credentials: 'include' }).then((r) => r.status), `/api/docs/${id}/download?format=txt`);
    assert.equal(status, 403);
    assert.equal(await left(), before);
    // The button.
    await page.goto(`${BASE}/doc/${id}`);
    await page.waitForSelector('.doc-title');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download[data-format=txt]')]);
    assert.match(download.suggestedFilename(), /\.txt$/);
    assert.equal(await left(), before - 1);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

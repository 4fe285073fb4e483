// 登录/注册: one page, two forms. On success the session cookie is set by the
// server; we refresh /api/me (the header nav follows) and go to ?next= or 账户.
import { api, getMe, refreshMe, describe } from './api.js';
import { h, setTitle, TIER_NAMES } from './util.js';

export async function mount(main, route, ctx) {
  setTitle('登录');
  const next = safeNext(route.url.searchParams.get('next'));
  let mode = route.url.searchParams.get('mode') === 'register' ? 'register' : 'login';

  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, minlength: '1', maxlength: '64', autocapitalize: 'off', spellcheck: 'false' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', required: true, minlength: '1' });
  const message = h('p', { class: 'form-message', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary wide' });
  const title = h('h1');
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': '登录或注册' });
  const tabLogin = h('button', { type: 'button', role: 'tab', id: 'tab-login', onclick: () => setMode('login') }, '登录');
  const tabReg = h('button', { type: 'button', role: 'tab', id: 'tab-register', onclick: () => setMode('register') }, '注册');
  tabs.append(tabLogin, tabReg);
  const passHint = h('p', { class: 'hint', id: 'password-hint' });
  pass.setAttribute('aria-describedby', 'password-hint');
  // registration (server config): open, invite (a code is needed) or closed.
  const me = await getMe();
  const registration = me.registration || 'open';
  const invite = h('input', { id: 'invite', name: 'invite', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', maxlength: '64' });
  const inviteField = h('div', { class: 'field', id: 'invite-field' }, h('label', { for: 'invite' }, '邀请码'), invite);
  if (registration === 'closed') tabReg.hidden = true;

  function setMode(m) {
    mode = m;
    tabLogin.setAttribute('aria-selected', String(m === 'login'));
    tabReg.setAttribute('aria-selected', String(m === 'register'));
    title.textContent = m === 'login' ? '登录文渊' : '注册新账户';
    submit.textContent = m === 'login' ? '登录' : '注册';
    pass.autocomplete = m === 'login' ? 'current-password' : 'new-password';
    passHint.textContent = m === 'register' ? '注册后为免费用户，可阅读试读部分；VIP 会员可阅读全文并下载。密码至少 8 位。' : '';
    inviteField.hidden = !(m === 'register' && registration === 'invite');
    invite.required = !inviteField.hidden;
    message.textContent = '';
  }

  const form = h('form', { class: 'card auth-form', novalidate: false, onsubmit: async (e) => {
    e.preventDefault();
    message.textContent = '';
    submit.disabled = true;
    try {
      const body = { username: user.value.trim(), password: pass.value };
      if (mode === 'register' && registration === 'invite') body.invite = invite.value.trim();
      await api.post(mode === 'login' ? '/api/auth/login' : '/api/auth/register', body);
      await refreshMe();
      ctx.navigate(next || '/account', { replace: true });
    } catch (err) {
      message.textContent = err.status === 401 ? '用户名或密码不正确' : describe(err);
    } finally {
      submit.disabled = false;
    }
  } },
  title,
  h('div', { class: 'field' }, h('label', { for: 'username' }, '用户名'), user),
  h('div', { class: 'field' }, h('label', { for: 'password' }, '密码'), pass, passHint),
  inviteField,
  message,
  submit);

  if (registration === 'closed') mode = 'login';
  setMode(mode);
  const current = me.user
    ? h('p', { class: 'notice' }, `当前已登录为 ${me.user.name}（${TIER_NAMES[me.user.tier] || me.user.tier}）。`, h('a', { href: '/account' }, '查看账户'))
    : null;
  main.append(h('section', { class: 'page narrow auth-page' }, current, tabs, form));
  user.focus();
  return {};
}

// Only same-site paths: ?next=https://evil.example must not redirect away.
function safeNext(next) {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '';
  return next;
}

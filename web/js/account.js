// 账户: who I am, my tier (with its last day, if any) and today's download
// quota; change my password; my logged-in devices and "log out other devices";
// logout.
import { api, refreshMe, describe } from './api.js';
import { h, setTitle, formatTime, toast, TIER_NAMES } from './util.js';
import { mineSections } from './mine.js';

const TIER_TEXT = {
  free: '可阅读所有公开文档和付费文档的试读部分。',
  vip: '可阅读全文、复制段落、下载 Word / TXT。',
  svip: '可阅读全文，下载额度更高。',
  admin: '可管理文档和用户。',
};

export async function mount(main, route, ctx) {
  setTitle('账户');
  const me = await refreshMe();
  if (!me.user) {
    ctx.navigate('/login?next=/account', { replace: true });
    return {};
  }
  const q = me.quotas || {};
  const perDay = q.downloads_per_day;
  const left = q.downloads_left;
  const logout = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    logout.disabled = true;
    try {
      await api.post('/api/auth/logout');
    } catch (err) {
      msg.textContent = describe(err);
      logout.disabled = false;
      return;
    }
    await refreshMe();
    ctx.navigate('/');
  } }, '退出登录');
  const msg = h('p', { class: 'form-message', role: 'alert' });
  const upgrade = me.tier === 'free'
    ? h('div', { class: 'upgrade card' },
      h('h2', null, '升级 VIP'),
      h('p', null, me.user.membership && me.user.membership.tier !== 'free' && !me.user.membership.active
        ? `您的 ${TIER_NAMES[me.user.membership.tier] || me.user.membership.tier} 已于 ${me.user.membership.until} 到期，现为免费用户。请联系本站管理员续期。`
        : 'VIP 会员可阅读付费文档的全部内容并下载全文。请联系本站管理员开通。'))
    : null;
  const sessions = new SessionList();
  main.append(h('section', { class: 'page narrow account-page' },
    h('h1', null, '我的账户'),
    h('div', { class: 'card' },
      h('dl', { class: 'kv' },
        h('div', null, h('dt', null, '用户名'), h('dd', { id: 'account-name' }, me.user.name)),
        h('div', null, h('dt', null, '身份'), h('dd', { id: 'account-tier' },
          h('span', { class: `tier tier-${me.tier}` }, TIER_NAMES[me.tier] || me.tier))),
        h('div', null, h('dt', null, '有效期'), h('dd', { id: 'account-until' }, untilText(me.user.membership))),
        h('div', null, h('dt', null, '权益'), h('dd', null, TIER_TEXT[me.tier] || '')),
        h('div', null, h('dt', null, '每日全文下载'), h('dd', { id: 'account-quota' },
          quotaText(perDay, left)))),
      msg,
      h('div', { class: 'actions' }, me.tier === 'admin' ? h('a', { class: 'button', href: '/admin' }, '进入管理') : null, logout)),
    upgrade,
    mineSections(),
    passwordForm(() => sessions.load()),
    sessions.el));
  await sessions.load();
  return {};
}

// The membership's last day, or why there is none.
function untilText(m) {
  if (!m || m.tier === 'free') return '—';
  if (!m.until) return '长期有效';
  return m.active ? `${m.until}（含当日）` : `已于 ${m.until} 到期`;
}

// Full downloads of paid documents per day (public documents never count).
function quotaText(perDay, left) {
  if (perDay === null || perDay === undefined) return '不限';
  if (perDay === 0) return '无（付费文档可下载试读版；公开文档不限）';
  return `${perDay} 次，今日剩余 ${left ?? perDay} 次`;
}

// 修改密码: the current password, the new one twice. The server logs out every
// other device on success.
function passwordForm(onChanged) {
  const field = (id, label, autocomplete) => {
    const input = h('input', { id, name: id, type: 'password', autocomplete, required: true, minlength: id === 'password-current' ? '1' : '8', maxlength: '1024' });
    return { input, el: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
  };
  const current = field('password-current', '当前密码', 'current-password');
  const next = field('password-new', '新密码（至少 8 位）', 'new-password');
  const again = field('password-again', '再次输入新密码', 'new-password');
  const message = h('p', { class: 'form-message', role: 'alert', id: 'password-message' });
  const submit = h('button', { type: 'submit', class: 'primary' }, '修改密码');
  const form = h('form', { class: 'card password-form', onsubmit: async (e) => {
    e.preventDefault();
    message.textContent = '';
    if (next.input.value !== again.input.value) {
      message.textContent = '两次输入的新密码不一致';
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.post('/api/me/password', { current: current.input.value, password: next.input.value });
      form.reset();
      message.textContent = r.sessions_revoked > 0
        ? `密码已修改，其他 ${r.sessions_revoked} 台设备已退出登录。`
        : '密码已修改。';
      onChanged();
    } catch (err) {
      message.textContent = err.status === 403 ? '当前密码不正确' : describe(err);
    } finally {
      submit.disabled = false;
    }
  } },
  h('h2', null, '修改密码'),
  current.el, next.el, again.el, message, submit);
  return form;
}

// 登录设备: every session of mine (this one marked), and "log out the others".
class SessionList {
  constructor() {
    this.list = h('ul', { class: 'session-list', id: 'session-list' });
    this.message = h('p', { class: 'form-message', role: 'alert' });
    this.revoke = h('button', { type: 'button', class: 'secondary', id: 'revoke-others', onclick: () => this.revokeOthers() }, '退出其他设备');
    this.el = h('div', { class: 'card sessions' },
      h('h2', null, '登录设备'),
      h('p', { class: 'hint' }, '以下是当前登录您账户的浏览器。如有不认识的设备，请退出其他设备并修改密码。'),
      this.list, this.message, h('div', { class: 'actions' }, this.revoke));
  }

  async load() {
    try {
      const r = await api.get('/api/me/sessions');
      this.list.replaceChildren(...r.sessions.map((s) => h('li', { class: s.current ? 'session current' : 'session' },
        h('div', { class: 'session-agent' }, describeAgent(s.user_agent), s.current ? h('span', { class: 'tier' }, '本机') : null),
        h('div', { class: 'session-meta' }, `${s.ip || '未知地址'} · 登录于 ${formatTime(s.created_at)} · ${formatTime(s.expires_at)} 过期`))));
      const others = r.sessions.filter((s) => !s.current).length;
      this.revoke.disabled = others === 0;
    } catch (err) {
      this.message.textContent = describe(err);
    }
  }

  async revokeOthers() {
    this.revoke.disabled = true;
    try {
      const r = await api.post('/api/me/sessions/revoke-others');
      toast(r.revoked > 0 ? `已退出其他 ${r.revoked} 台设备` : '没有其他设备');
    } catch (err) {
      this.message.textContent = describe(err);
    }
    await this.load();
  }
}

// A short name for a User-Agent string ("Chrome · Linux"); the whole string on hover is not needed.
function describeAgent(ua) {
  if (!ua) return '未知浏览器';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : ua.split(/[\s/]/)[0];
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS'
    : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} · ${os}` : browser;
}

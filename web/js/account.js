// 账户: who I am, my tier and today's download quota; logout.
import { api, refreshMe, describe } from './api.js';
import { h, setTitle, TIER_NAMES } from './util.js';

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
      h('p', null, 'VIP 会员可阅读付费文档的全部内容并下载全文。请联系本站管理员开通。'))
    : null;
  main.append(h('section', { class: 'page narrow account-page' },
    h('h1', null, '我的账户'),
    h('div', { class: 'card' },
      h('dl', { class: 'kv' },
        h('div', null, h('dt', null, '用户名'), h('dd', { id: 'account-name' }, me.user.name)),
        h('div', null, h('dt', null, '身份'), h('dd', { id: 'account-tier' },
          h('span', { class: `tier tier-${me.tier}` }, TIER_NAMES[me.tier] || me.tier))),
        h('div', null, h('dt', null, '权益'), h('dd', null, TIER_TEXT[me.tier] || '')),
        h('div', null, h('dt', null, '每日全文下载'), h('dd', { id: 'account-quota' },
          quotaText(perDay, left)))),
      msg,
      h('div', { class: 'actions' }, me.tier === 'admin' ? h('a', { class: 'button', href: '/admin' }, '进入管理') : null, logout)),
    upgrade));
  return {};
}

// Full downloads of paid documents per day (public documents never count).
function quotaText(perDay, left) {
  if (perDay === null || perDay === undefined) return '不限';
  if (perDay === 0) return '无（付费文档可下载试读版；公开文档不限）';
  return `${perDay} 次，今日剩余 ${left ?? perDay} 次`;
}

// 管理: upload documents (several files, one multipart POST with field `files`,
// a real progress bar from XMLHttpRequest upload events), each day's intake
// (GET /api/admin/intake: counts, duration, rejected files with reasons), the
// document list with delete, and the user list with tier change and disable. Admin only; the
// server checks too, this page only avoids showing controls that would fail.
import { api, getMe, refreshMe, describe, ApiError } from './api.js';
import { h, cookie, setTitle, formatNumber, formatTime, TIER_NAMES, toast } from './util.js';

const DOC_PAGE = 20;
const ACCEPT = '.txt,.md,.markdown,.html,.htm,.docx,.pdf,.jsonl';

export async function mount(main, route, ctx) {
  setTitle('管理');
  const me = await getMe();
  if (!me.user || me.tier !== 'admin') {
    main.append(h('section', { class: 'page narrow' },
      h('h1', null, '管理'),
      h('p', { class: 'notice' }, me.user ? '需要管理员权限。' : '请先以管理员身份登录。'),
      me.user ? null : h('p', null, h('a', { class: 'button primary', href: '/login?next=/admin' }, '登录'))));
    return {};
  }
  const page = new AdminPage(main, ctx);
  await page.load();
  return page;
}

class AdminPage {
  constructor(main, ctx) {
    this.ctx = ctx;
    this.docPage = 1;
    this.docs = h('div', { class: 'admin-docs' });
    this.users = h('div', { class: 'admin-users' });
    this.intakeDays = 7;
    this.intake = h('div', { class: 'admin-intake', 'aria-live': 'polite' });
    const range = h('select', { 'aria-label': '收录记录的天数' },
      [[7, '近 7 天'], [30, '近 30 天'], [90, '近 90 天']].map(([d, t]) => h('option', { value: String(d), selected: d === 7 }, t)));
    range.addEventListener('change', () => { this.intakeDays = Number(range.value); this.loadIntake(); });
    main.append(h('section', { class: 'page admin-page' },
      h('h1', null, '管理'),
      this.uploadSection(),
      h('section', { class: 'card', id: 'intake', 'aria-labelledby': 'intake-title' },
        h('div', { class: 'intake-head' }, h('h2', { id: 'intake-title' }, '每日收录'), range),
        this.intake),
      h('section', { class: 'card', 'aria-labelledby': 'docs-title' }, h('h2', { id: 'docs-title' }, '文档'), this.docs),
      h('section', { class: 'card', 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, '用户'), this.users)));
  }

  async load() {
    await Promise.all([this.loadIntake(), this.loadDocs(), this.loadUsers()]);
  }

  async loadIntake() {
    let r;
    try {
      r = await api.get(`/api/admin/intake?days=${this.intakeDays}`);
    } catch (err) {
      this.intake.replaceChildren(h('p', { class: 'notice error' }, describe(err)));
      return;
    }
    if (!r.by_day.length) {
      this.intake.replaceChildren(h('p', { class: 'hint' }, '这段时间没有导入记录。'));
      return;
    }
    this.intake.replaceChildren(
      h('p', { class: 'hint' }, `按服务器时间（UTC${r.timezone}）分日；命令行导入、网页上传和监视文件夹都会记录。`),
      ...r.by_day.map((day) => renderIntakeDay(day)));
  }

  uploadSection() {
    const input = h('input', { id: 'upload-files', type: 'file', name: 'files', multiple: true, accept: ACCEPT });
    const chosen = h('p', { class: 'hint', id: 'upload-chosen' }, '未选择文件');
    const progress = h('progress', { id: 'upload-progress', max: '100', value: '0', hidden: true, 'aria-label': '上传进度' });
    const pct = h('span', { class: 'progress-text', 'aria-live': 'polite' });
    const result = h('div', { class: 'upload-result', 'aria-live': 'polite' });
    const button = h('button', { type: 'submit', class: 'primary' }, '上传并导入');
    let files = [];
    const setFiles = (list) => {
      files = [...list];
      chosen.textContent = files.length
        ? `已选择 ${files.length} 个文件：${files.map((f) => f.name).join('、')}`
        : '未选择文件';
    };
    input.addEventListener('change', () => setFiles(input.files));
    const drop = h('label', { class: 'dropzone', for: 'upload-files' },
      h('span', { class: 'drop-main' }, '选择文件或拖到这里'),
      h('span', { class: 'hint' }, '支持 TXT（UTF-8 / GB18030）、Word .docx、HTML、PDF、JSONL，可多选'));
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      setFiles(e.dataTransfer.files);
    });
    const form = h('form', { class: 'upload-form', onsubmit: (e) => {
      e.preventDefault();
      if (!files.length) {
        chosen.textContent = '请先选择文件';
        return;
      }
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      pct.textContent = '0%';
      result.replaceChildren();
      upload(files, (p) => {
        progress.value = Math.round(p * 100);
        pct.textContent = p < 1 ? `${Math.round(p * 100)}%` : '上传完成，正在导入…';
      }).then((r) => {
        pct.textContent = '完成';
        result.replaceChildren(renderImport(r));
        input.value = '';
        setFiles([]);
        this.docPage = 1;
        this.loadDocs();
        this.loadIntake();
      }, (err) => {
        pct.textContent = '';
        result.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, `上传失败：${describe(err)}`));
      }).finally(() => { button.disabled = false; });
    } },
    input, drop, chosen,
    h('div', { class: 'upload-actions' }, button, progress, pct));
    return h('section', { class: 'card', 'aria-labelledby': 'upload-title' }, h('h2', { id: 'upload-title' }, '上传文档'), form, result);
  }

  async loadDocs() {
    let r;
    try {
      r = await api.get(`/api/admin/documents?page=${this.docPage}&size=${DOC_PAGE}`);
    } catch (err) {
      this.docs.replaceChildren(h('p', { class: 'notice error' }, describe(err)));
      return;
    }
    const pages = Math.max(1, Math.ceil(r.total / DOC_PAGE));
    const rows = r.documents.map((d) => h('tr', { dataset: { id: d.id } },
      h('td', { class: 'title-cell' }, h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）')),
      h('td', null, d.year ?? ''),
      h('td', { class: 'wrap' }, d.source || ''),
      h('td', null, d.access === 'paid' ? '付费' : '公开'),
      h('td', { class: 'num' }, formatNumber(d.characters || 0)),
      h('td', { class: 'nowrap' }, formatTime(d.imported_at)),
      h('td', null, h('button', { type: 'button', class: 'danger small', 'aria-label': `删除 ${d.title}`,
        onclick: (e) => this.deleteDoc(d, e.currentTarget) }, '删除'))));
    this.docs.replaceChildren(
      h('p', { class: 'summary' }, `共 ${formatNumber(r.total)} 篇`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, ['标题', '年份', '来源', '权限', '字数', '导入时间', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))),
      pages > 1 ? h('nav', { class: 'pager', 'aria-label': '文档分页' },
        h('button', { type: 'button', class: 'page-link', disabled: this.docPage <= 1, onclick: () => { this.docPage--; this.loadDocs(); } }, '上一页'),
        h('span', { class: 'page-link current' }, `${this.docPage} / ${pages}`),
        h('button', { type: 'button', class: 'page-link', disabled: this.docPage >= pages, onclick: () => { this.docPage++; this.loadDocs(); } }, '下一页'))
        : '');
  }

  async deleteDoc(d, button) {
    if (!confirm(`确定删除《${d.title}》？此操作不可撤销。`)) return;
    button.disabled = true;
    try {
      await api.del(`/api/admin/documents/${encodeURIComponent(d.id)}`);
      toast(`已删除《${d.title}》`);
      await this.loadDocs();
    } catch (err) {
      toast(describe(err));
      button.disabled = false;
    }
  }

  async loadUsers() {
    let r;
    try {
      r = await api.get('/api/admin/users');
    } catch (err) {
      this.users.replaceChildren(h('p', { class: 'notice error' }, describe(err)));
      return;
    }
    const rows = r.users.map((u) => {
      const tier = h('select', { 'aria-label': `${u.name} 的身份` },
        ['free', 'vip', 'svip', 'admin'].map((t) => h('option', { value: t, selected: t === u.tier }, TIER_NAMES[t])));
      tier.addEventListener('change', () => this.patchUser({ name: u.name, tier: tier.value }, tier));
      const disabled = h('input', { type: 'checkbox', checked: !!u.disabled, 'aria-label': `停用 ${u.name}` });
      disabled.addEventListener('change', () => this.patchUser({ name: u.name, disabled: disabled.checked }, disabled));
      return h('tr', { dataset: { name: u.name }, class: u.disabled ? 'disabled-user' : null },
        h('td', null, u.name),
        h('td', null, tier),
        h('td', null, h('label', { class: 'inline' }, disabled, '停用')),
        h('td', { class: 'nowrap' }, formatTime(u.created_at)));
    });
    this.users.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('thead', null, h('tr', null, ['用户名', '身份', '状态', '注册时间'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))));
  }

  async patchUser(body, control) {
    control.disabled = true;
    try {
      const u = await api.patch('/api/admin/users', body);
      toast(`已更新 ${u.name}：${TIER_NAMES[u.tier] || u.tier}${u.disabled ? '（已停用）' : ''}`);
      const row = control.closest('tr');
      if (row) row.classList.toggle('disabled-user', !!u.disabled);
      await refreshMe();  // the admin may have changed their own tier
    } catch (err) {
      toast(describe(err));
      await this.loadUsers();
    } finally {
      control.disabled = false;
    }
  }
}

const ORIGINS = { cli: '命令行', upload: '网页上传', watch: '监视文件夹' };

function seconds(s) {
  return s < 10 ? `${s.toFixed(2)} 秒` : s < 120 ? `${Math.round(s)} 秒` : `${Math.round(s / 60)} 分钟`;
}

function renderIntakeDay(day) {
  const counts = [['导入', day.imported], ['更新', day.updated], ['未变', day.unchanged], ['拒绝', day.rejected]];
  const rejects = [];
  let dropped = 0;
  for (const run of day.run_list) {
    for (const x of run.rejects) rejects.push(x);
    dropped += run.rejects_dropped || 0;
  }
  const origins = {};
  for (const run of day.run_list) origins[run.origin] = (origins[run.origin] || 0) + 1;
  return h('section', { class: 'intake-day', dataset: { date: day.date } },
    h('h3', null, day.date),
    h('p', { class: 'intake-counts' },
      counts.map(([k, v]) => h('span', { class: `count${k === '拒绝' && v ? ' bad' : ''}`, dataset: { k } }, k, ' ', h('strong', null, formatNumber(v)))),
      h('span', null, '用时 ', h('strong', null, seconds(day.seconds)))),
    h('p', { class: 'intake-runs' }, `${formatNumber(day.runs)} 次导入：`,
      Object.entries(origins).map(([o, n]) => `${ORIGINS[o] || o} ${n} 次`).join('，')),
    rejects.length ? h('details', { class: 'intake-rejects' },
      h('summary', null, `拒绝的文件（${formatNumber(day.rejected)}）`),
      h('ul', null, rejects.map((x) => h('li', null,
        x.file ? h('span', { class: 'file' }, x.file) : null, x.file ? '：' : null, x.reason))),
      dropped ? h('p', { class: 'hint' }, `另有 ${formatNumber(dropped)} 条未逐条记录。`) : null) : null);
}

// One multipart POST; fetch() has no upload progress, XMLHttpRequest does.
function upload(files, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/admin/documents');
    xhr.setRequestHeader('X-CSRF-Token', cookie('wy_csrf'));
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      const body = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        onProgress(1);
        resolve(body);
        return;
      }
      const e = (body && body.error) || {};
      reject(new ApiError(xhr.status, e.code || 'internal', e.message || `HTTP ${xhr.status}`));
    });
    xhr.addEventListener('error', () => reject(new Error('网络中断')));
    xhr.send(form);
  });
}

function renderImport(r) {
  const counts = [['导入', r.imported], ['更新', r.updated], ['未变', r.unchanged], ['拒绝', r.rejected]];
  return h('div', { class: 'import-report' },
    h('p', { class: 'counts' }, counts.map(([k, v]) => h('span', { class: `count${k === '拒绝' && v ? ' bad' : ''}` }, k, ' ', h('strong', null, String(v ?? 0))))),
    r.errors && r.errors.length ? h('ul', { class: 'errors' }, r.errors.map((m) => h('li', null, String(m)))) : null,
    r.ids && r.ids.length ? h('p', { class: 'imported-links' }, '新文档：',
      r.ids.map((id) => h('a', { href: `/doc/${encodeURIComponent(id)}` }, id))) : null);
}

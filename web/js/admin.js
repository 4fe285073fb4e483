// 管理: upload documents (several files, one multipart POST with field `files`,
// a real progress bar from XMLHttpRequest upload events), each day's intake
// (GET /api/admin/intake: counts, duration, rejected files with reasons), the
// document list with delete, the watched folders' files that could not be
// imported (GET /api/admin/rejected; retried when they change), and the user
// list with tier change and disable. Documents: search and filter the list,
// edit metadata and paid/free in a dialog (PATCH /api/admin/documents/{id}),
// upload "as paid". Users: add one with a tier, reset a password. Admin only; the
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
    this.docFilter = { q: '', access: '', type: '' };
    this.docs = h('div', { class: 'admin-docs' });
    this.users = h('div', { class: 'admin-users' });
    this.rejected = h('div', { class: 'admin-rejected' });
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
      h('section', { class: 'card', 'aria-labelledby': 'docs-title' }, h('h2', { id: 'docs-title' }, '文档'), this.docFilterForm(), this.docs),
      h('section', { class: 'card', 'aria-labelledby': 'rejected-title' },
        h('h2', { id: 'rejected-title' }, '监控文件夹：未能导入的文件'), this.rejected),
      h('section', { class: 'card', 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, '用户'), this.addUserForm(), this.users)));
  }

  async load() {
    await Promise.all([this.loadIntake(), this.loadDocs(), this.loadRejected(), this.loadUsers()]);
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
    // 作为付费文档: files without paywall markers become paid, the first share free.
    const paid = h('input', { type: 'checkbox', id: 'upload-paid' });
    const share = h('select', { id: 'upload-share', 'aria-label': '付费文档的免费预览比例', disabled: true },
      [10, 20, 30, 50].map((p) => h('option', { value: String(p / 100), selected: p === 30 }, `免费预览 ${p}%`)));
    paid.addEventListener('change', () => { share.disabled = !paid.checked; });
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
      upload(files, { paid: paid.checked, share: share.value }, (p) => {
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
    h('p', { class: 'upload-paid' }, h('label', { class: 'inline', for: 'upload-paid' }, paid, '作为付费文档上传（会员专享，未标注付费段落的按比例预览）'), share),
    h('div', { class: 'upload-actions' }, button, progress, pct));
    return h('section', { class: 'card', 'aria-labelledby': 'upload-title' }, h('h2', { id: 'upload-title' }, '上传文档'), form, result);
  }

  // 搜索/筛选 of the document list: title, id or source contains the words; access; 文种.
  docFilterForm() {
    const q = h('input', { type: 'search', id: 'admin-doc-q', placeholder: '标题、编号或来源', autocomplete: 'off' });
    const access = h('select', { id: 'admin-doc-access' },
      h('option', { value: '' }, '全部权限'), h('option', { value: 'free' }, '公开'), h('option', { value: 'paid' }, '付费'));
    this.typeSelect = h('select', { id: 'admin-doc-type' }, h('option', { value: '' }, '全部文种'));
    api.get('/api/facets').then((f) => {
      for (const [t, n] of Object.entries(f.type_counts || {})) this.typeSelect.append(h('option', { value: t }, `${t}（${formatNumber(n)}）`));
    }, () => {});
    const apply = () => {
      this.docFilter = { q: q.value.trim(), access: access.value, type: this.typeSelect.value };
      this.docPage = 1;
      this.loadDocs();
    };
    access.addEventListener('change', apply);
    this.typeSelect.addEventListener('change', apply);
    return h('form', { class: 'admin-doc-filter', role: 'search', 'aria-label': '筛选文档', onsubmit: (e) => { e.preventDefault(); apply(); } },
      h('label', { for: 'admin-doc-q', class: 'visually-hidden' }, '搜索文档'), q,
      h('label', { for: 'admin-doc-access', class: 'visually-hidden' }, '权限'), access,
      h('label', { for: 'admin-doc-type', class: 'visually-hidden' }, '文种'), this.typeSelect,
      h('button', { type: 'submit' }, '查找'));
  }

  async loadDocs() {
    let r;
    const p = new URLSearchParams({ page: String(this.docPage), size: String(DOC_PAGE) });
    for (const [k, v] of Object.entries(this.docFilter)) if (v) p.set(k, v);
    try {
      r = await api.get(`/api/admin/documents?${p}`);
    } catch (err) {
      this.docs.replaceChildren(h('p', { class: 'notice error' }, describe(err)));
      return;
    }
    const pages = Math.max(1, Math.ceil(r.total / DOC_PAGE));
    // Long sources are cut with an ellipsis (the whole name in the title
    // attribute), so 字数 and the buttons stay on screen.
    const rows = r.documents.map((d) => h('tr', { dataset: { id: d.id } },
      h('td', { class: 'title-cell' }, h('a', { href: `/doc/${encodeURIComponent(d.id)}` }, d.title || '（无标题）')),
      h('td', null, d.year ?? ''),
      h('td', { class: 'source-cell', title: d.source || '' }, h('span', { class: 'clip' }, d.source_name || d.source || '')),
      h('td', { class: 'nowrap' }, d.type || ''),
      h('td', { class: 'nowrap' }, d.access === 'paid' ? h('span', { class: 'badge paid' }, '付费') : h('span', { class: 'badge free' }, '公开')),
      h('td', { class: 'num' }, formatNumber(d.characters || 0)),
      h('td', { class: 'nowrap' }, formatTime(d.imported_at)),
      h('td', { class: 'actions-cell' },
        h('button', { type: 'button', class: 'small edit-doc', 'aria-label': `编辑 ${d.title}`, onclick: (e) => this.editDoc(d, e.currentTarget) }, '编辑'),
        h('button', { type: 'button', class: 'danger small', 'aria-label': `删除 ${d.title}`,
          onclick: (e) => this.deleteDoc(d, e.currentTarget) }, '删除'))));
    const filtered = Object.values(this.docFilter).some(Boolean);
    this.docs.replaceChildren(
      h('p', { class: 'summary', 'aria-live': 'polite' }, filtered ? `找到 ${formatNumber(r.total)} 篇` : `共 ${formatNumber(r.total)} 篇`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data admin-doc-table' },
        h('thead', null, h('tr', null, ['标题', '年份', '来源', '文种', '权限', '字数', '导入时间', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))),
      pages > 1 ? h('nav', { class: 'pager', 'aria-label': '文档分页' },
        h('button', { type: 'button', class: 'page-link', disabled: this.docPage <= 1, onclick: () => { this.docPage--; this.loadDocs(); } }, '上一页'),
        h('span', { class: 'page-link current' }, `${this.docPage} / ${pages}`),
        h('button', { type: 'button', class: 'page-link', disabled: this.docPage >= pages, onclick: () => { this.docPage++; this.loadDocs(); } }, '下一页'))
        : '');
  }

  // The edit dialog: metadata and paid/free (with the preview share). A native
  // <dialog>: focus moves into it, Escape closes it, focus returns to the button.
  async editDoc(summary, opener) {
    let d;
    try {
      d = await api.get(`/api/docs/${encodeURIComponent(summary.id)}`);
    } catch (err) {
      toast(describe(err));
      return;
    }
    const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
    const title = h('input', { id: 'edit-title', type: 'text', value: d.title || '', required: true, maxlength: '500' });
    const year = h('input', { id: 'edit-year', type: 'text', inputmode: 'numeric', pattern: '[0-9]{4}', maxlength: '4', value: d.year == null ? '' : String(d.year) });
    const source = h('input', { id: 'edit-source', type: 'text', value: d.source || '' });
    const sourceName = h('input', { id: 'edit-source-name', type: 'text', value: d.source_name || '' });
    const type = h('input', { id: 'edit-type', type: 'text', value: d.type || '', list: 'edit-type-list' });
    const typeList = h('datalist', { id: 'edit-type-list' }, [...this.typeSelect.options].slice(1).map((o) => h('option', { value: o.value })));
    const category = h('input', { id: 'edit-category', type: 'text', value: d.category || '' });
    const access = h('select', { id: 'edit-access' },
      h('option', { value: 'free', selected: d.access !== 'paid' }, '公开（全文免费）'),
      h('option', { value: 'paid', selected: d.access === 'paid' }, '付费（会员专享，前段免费预览）'));
    const share = h('select', { id: 'edit-share' },
      h('option', { value: '' }, '不变'),
      [10, 20, 30, 50].map((p) => h('option', { value: String(p / 100) }, `免费预览前 ${p}%`)));
    const preview = d.regions && d.access === 'paid'
      ? h('p', { class: 'hint' }, `现在：前 ${formatNumber(d.regions.filter((x) => x.kind === 'preview').reduce((n, x) => n + (x.end - x.start), 0))} 字免费，其余会员专享。`)
      : null;
    const error = h('p', { class: 'notice error', role: 'alert', hidden: true });
    const dialog = h('dialog', { class: 'edit-dialog', 'aria-labelledby': 'edit-dialog-title' });
    const close = () => { dialog.close(); dialog.remove(); opener && opener.focus(); };
    const form = h('form', { method: 'dialog', onsubmit: async (e) => {
      e.preventDefault();
      if (year.value && !/^\d{4}$/.test(year.value)) {
        error.textContent = '年份应为四位数字，如 2023；不知道可留空。';
        error.hidden = false;
        year.focus();
        return;
      }
      const body = {};
      const set = (k, v, old) => { if (v !== (old ?? '')) body[k] = v; };
      set('title', title.value.trim(), d.title);
      if (year.value !== (d.year == null ? '' : String(d.year))) body.year = year.value ? Number(year.value) : null;
      set('source', source.value.trim(), d.source);
      set('source_name', sourceName.value.trim(), d.source_name);
      set('type', type.value.trim(), d.type);
      set('category', category.value.trim(), d.category);
      if (access.value !== d.access) body.access = access.value;
      if (share.value && access.value === 'paid') body.preview_share = Number(share.value);
      if (!Object.keys(body).length) { close(); return; }
      try {
        const r = await api.patch(`/api/admin/documents/${encodeURIComponent(d.id)}`, body);
        toast(`已保存《${r.title}》${r.access === 'paid' ? '（付费）' : '（公开）'}`);
        close();
        await this.loadDocs();
      } catch (err) {
        error.textContent = describe(err);
        error.hidden = false;
      }
    } },
    h('h2', { id: 'edit-dialog-title' }, '编辑文档'),
    field('edit-title', '标题', title),
    h('div', { class: 'field-row' }, field('edit-year', '年份', year), field('edit-type', '文种', type), typeList),
    field('edit-source', '来源（网址或名称）', source),
    h('div', { class: 'field-row' }, field('edit-source-name', '来源显示名', sourceName), field('edit-category', '类别', category)),
    h('div', { class: 'field-row' }, field('edit-access', '权限', access), field('edit-share', '付费部分', share)),
    preview, error,
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', onclick: close }, '取消'),
      h('button', { type: 'submit', class: 'primary' }, '保存')));
    dialog.append(form);
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
    document.body.append(dialog);
    dialog.showModal();
    title.focus();
  }

  // Paths are relative to the watched folder (the server never shows its own folders).
  async loadRejected() {
    let r;
    try {
      r = await api.get('/api/admin/rejected');
    } catch (err) {
      this.rejected.replaceChildren(h('p', { class: 'notice error' }, describe(err)));
      return;
    }
    if (!r.files.length) {
      this.rejected.replaceChildren(h('p', { class: 'summary' }, '没有未能导入的文件。'),
        h('p', { class: 'hint' }, '用 wenyuan serve --watch 文件夹 监控网盘同步文件夹：新增、修改、移入的文件自动导入，删除的文件自动移除。'));
      return;
    }
    const rows = r.files.map((f) => h('tr', null,
      h('td', { class: 'wrap' }, f.path),
      h('td', { class: 'wrap' }, f.reason),
      h('td', { class: 'nowrap' }, formatTime(f.time))));
    this.rejected.replaceChildren(
      h('p', { class: 'summary' }, `共 ${formatNumber(r.files.length)} 个文件未能导入；文件修改后会自动重试。`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, ['文件', '原因', '时间'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))));
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
      // The tier's last day (UTC); empty: no end. An expired member reads as free.
      const until = h('input', { type: 'date', value: u.until || '', 'aria-label': `${u.name} 的会员有效期至` });
      until.addEventListener('change', () => this.patchUser({ name: u.name, until: until.value || null }, until));
      const expired = u.effective_tier && u.effective_tier !== u.tier ? h('span', { class: 'hint' }, '已到期') : null;
      const reset = h('button', { type: 'button', class: 'small reset-password', 'aria-label': `重置 ${u.name} 的密码`,
        onclick: (e) => this.resetPassword(u, e.currentTarget) }, '重置密码');
      const disabled = h('input', { type: 'checkbox', checked: !!u.disabled, 'aria-label': `停用 ${u.name}` });
      disabled.addEventListener('change', () => this.patchUser({ name: u.name, disabled: disabled.checked }, disabled));
      return h('tr', { dataset: { name: u.name }, class: u.disabled ? 'disabled-user' : null },
        h('td', null, u.name),
        h('td', null, tier),
        h('td', { class: 'nowrap' }, until, expired),
        h('td', null, h('label', { class: 'inline' }, disabled, '停用')),
        h('td', { class: 'nowrap' }, formatTime(u.created_at)),
        h('td', null, reset));
    });
    this.users.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('thead', null, h('tr', null, ['用户名', '身份', '有效期至', '状态', '注册时间', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))));
  }

  // 添加用户: a name, a first password (8+ characters) and a tier.
  addUserForm() {
    const name = h('input', { id: 'new-user-name', type: 'text', autocomplete: 'off', required: true, maxlength: '64' });
    const password = h('input', { id: 'new-user-password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8' });
    const tier = h('select', { id: 'new-user-tier' }, ['free', 'vip', 'svip', 'admin'].map((t) => h('option', { value: t }, TIER_NAMES[t])));
    const out = h('p', { class: 'form-result', 'aria-live': 'polite' });
    const form = h('form', { class: 'add-user', 'aria-label': '添加用户', onsubmit: async (e) => {
      e.preventDefault();
      try {
        const u = await api.post('/api/admin/users', { name: name.value.trim(), password: password.value, tier: tier.value });
        out.textContent = `已添加 ${u.name}（${TIER_NAMES[u.tier] || u.tier}）`;
        out.className = 'form-result ok';
        name.value = '';
        password.value = '';
        await this.loadUsers();
      } catch (err) {
        out.textContent = describe(err);
        out.className = 'form-result error';
      }
    } },
    h('div', { class: 'field' }, h('label', { for: 'new-user-name' }, '用户名'), name),
    h('div', { class: 'field' }, h('label', { for: 'new-user-password' }, '初始密码（至少 8 位）'), password),
    h('div', { class: 'field' }, h('label', { for: 'new-user-tier' }, '身份'), tier),
    h('button', { type: 'submit', class: 'primary' }, '添加用户'));
    return h('details', { class: 'add-user-box' }, h('summary', null, '添加用户'), form, out);
  }

  // 重置密码: the new password in a small dialog; the user's sessions end.
  resetPassword(u, opener) {
    const password = h('input', { id: 'reset-password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8' });
    const error = h('p', { class: 'notice error', role: 'alert', hidden: true });
    const dialog = h('dialog', { class: 'edit-dialog', 'aria-labelledby': 'reset-title' });
    const close = () => { dialog.close(); dialog.remove(); opener && opener.focus(); };
    dialog.append(h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try {
        const r = await api.post('/api/admin/users/password', { name: u.name, password: password.value });
        toast(`已重置 ${u.name} 的密码${r.sessions_ended ? `，已让其 ${r.sessions_ended} 处登录下线` : ''}`);
        close();
      } catch (err) {
        error.textContent = describe(err);
        error.hidden = false;
      }
    } },
    h('h2', { id: 'reset-title' }, `重置 ${u.name} 的密码`),
    h('div', { class: 'field' }, h('label', { for: 'reset-password' }, '新密码（至少 8 位）'), password),
    h('p', { class: 'hint' }, '保存后，该用户已登录的浏览器都需要用新密码重新登录。'),
    error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, '取消'), h('button', { type: 'submit', class: 'primary' }, '保存新密码'))));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
    document.body.append(dialog);
    dialog.showModal();
    password.focus();
  }

  async patchUser(body, control) {
    control.disabled = true;
    try {
      const u = await api.patch('/api/admin/users', body);
      toast(`已更新 ${u.name}：${TIER_NAMES[u.tier] || u.tier}${u.until ? `，有效期至 ${u.until}` : ''}${u.disabled ? '（已停用）' : ''}`);
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
function upload(files, { paid, share }, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    if (paid) {
      form.append('paid', '1');
      form.append('preview_share', share);
    }
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
    r.skipped && r.skipped.length ? h('details', { class: 'skipped' },
      h('summary', null, `压缩包中未导入的文件（${r.skipped.length}）`),
      h('ul', null, r.skipped.map((sk) => h('li', null, `${sk.path}：${sk.reason}`)))) : null,
    r.ids && r.ids.length ? h('p', { class: 'imported-links' }, '新文档：',
      r.ids.map((id) => h('a', { href: `/doc/${encodeURIComponent(id)}` }, id))) : null);
}

// 查重: paste a draft or choose a file (.txt .docx .html .pdf .md); the server
// (POST /api/check) answers which stretches stand in which documents. The
// draft is shown with each copied span highlighted in the colour of its main
// source; a span links into that source at the matched place (/doc/ID?at=N).
// The report can be downloaded as .docx (POST /api/check?format=docx).
// Offsets are code points of the draft as the server decoded it (r.text).
import { api, describe, request } from './api.js';
import { h, setTitle, formatNumber, toast } from './util.js';

const COLOURS = 8;  // .src-0 … .src-7 in style.css; further sources share .src-other
const ACCEPT = '.txt,.docx,.html,.htm,.pdf,.md';

export async function mount(main) {
  setTitle('查重');
  return new CheckPage(main);
}

function percent(x) {
  return `${(x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1)}%`;
}

class CheckPage {
  constructor(main) {
    this.text = h('textarea', { id: 'check-text', name: 'text', rows: '10', placeholder: '把要检查的文稿粘贴在这里，或选择文件', 'aria-label': '草稿' });
    this.file = h('input', { id: 'check-file', type: 'file', name: 'file', accept: ACCEPT });
    this.minChars = h('input', { id: 'check-min', type: 'number', min: '8', max: '200', value: '13', 'aria-label': '最短重复字数' });
    this.result = h('div', { class: 'check-result', 'aria-live': 'polite' });
    this.download = h('button', { type: 'button', id: 'check-docx', class: 'button', hidden: true, onclick: () => this.downloadReport() }, '下载报告（.docx）');
    const form = h('form', { class: 'check-form', onsubmit: (e) => { e.preventDefault(); this.run(); } },
      this.text,
      h('div', { class: 'check-controls' },
        h('label', { class: 'button file-button' }, '选择文件', this.file),
        h('span', { class: 'hint', id: 'check-file-name' }, ''),
        h('label', { class: 'min-chars' }, '连续 ', this.minChars, ' 字相同算重复'),
        h('button', { type: 'submit', class: 'button primary', id: 'check-run' }, '开始查重')));
    this.file.addEventListener('change', () => {
      const f = this.file.files[0];
      document.getElementById('check-file-name').textContent = f ? `${f.name}（将检查此文件）` : '';
    });
    main.append(h('section', { class: 'page check-page' },
      h('h1', null, '查重'),
      h('p', { class: 'hint' }, '找出草稿中与文库文档相同的段落（标点、空格、繁简、全半角不同也算相同）。'),
      form, this.download, this.result));
  }

  body(format) {
    const fd = new FormData();
    const f = this.file.files[0];
    if (f) fd.append('file', f, f.name);
    else fd.append('text', this.text.value);
    fd.append('min_chars', this.minChars.value || '13');
    if (format) fd.append('format', format);
    return fd;
  }

  async run() {
    if (!this.file.files[0] && !this.text.value.trim()) {
      this.result.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, '请先粘贴草稿或选择文件。'));
      return;
    }
    this.result.classList.add('busy');
    let r;
    try {
      r = await api.post('/api/check', this.body());
    } catch (err) {
      this.result.classList.remove('busy');
      this.download.hidden = true;
      // The server's own sentence says what was wrong (草稿过长…, 今日查重次数已用完…).
      const own = err && (err.code === 'payload_too_large' || err.code === 'check_quota') && err.message;
      this.result.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, own || describe(err)));
      return;
    }
    this.result.classList.remove('busy');
    this.download.hidden = false;
    this.render(r);
  }

  async downloadReport() {
    try {
      const res = await request('/api/check', { method: 'POST', body: this.body('docx'), raw: true });
      const blob = await res.blob();
      const a = h('a', { href: URL.createObjectURL(blob), download: '查重报告.docx' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (err) {
      toast(describe(err));
    }
  }

  render(r) {
    const rank = new Map(r.sources.map((s, i) => [s.id, i]));
    const cls = (id) => {
      const i = rank.has(id) ? rank.get(id) : COLOURS;
      return i < COLOURS ? `src-${i}` : 'src-other';
    };
    const summary = h('div', { class: 'check-summary' },
      h('p', { class: 'share' }, '重复率 ', h('strong', { id: 'check-share' }, percent(r.share))),
      h('p', { class: 'summary' }, `共 ${formatNumber(r.chars)} 字（不计标点空格），与文库相同 ${formatNumber(r.copied_chars)} 字，`,
        `${formatNumber(r.spans.length)} 处，来自 ${formatNumber(r.source_total)} 篇文档。`,
        r.complete ? '' : '（文稿过于常见，只检查了一部分）'));
    // The draft with the spans marked.
    const cps = Array.from(r.text || '');
    const draft = h('div', { class: 'check-draft', id: 'check-draft' });
    let at = 0;
    for (const s of r.spans) {
      if (s.start > at) draft.append(cps.slice(at, s.start).join(''));
      const main = s.sources[0];
      const title = s.sources.map((x) => `《${x.title}》`).join('、') + (s.source_count > s.sources.length ? ` 等 ${s.source_count} 处` : '');
      draft.append(h('a', {
        class: `copied ${main ? cls(main.id) : ''}`,
        href: main ? `/doc/${encodeURIComponent(main.id)}?at=${main.start}` : null,
        title: `见${title}`,
        dataset: { source: main ? main.id : '' },
      }, cps.slice(Math.max(at, s.start), s.end).join('')));
      at = Math.max(at, s.end);
    }
    if (at < cps.length) draft.append(cps.slice(at).join(''));
    const sources = h('ol', { class: 'check-sources', id: 'check-sources' }, r.sources.map((s) => h('li', { dataset: { id: s.id } },
      h('span', { class: `swatch ${cls(s.id)}`, 'aria-hidden': 'true' }),
      h('a', { href: `/doc/${encodeURIComponent(s.id)}` }, s.title || '（无标题）'),
      h('span', { class: 'meta' }, [s.year, `${formatNumber(s.copied_chars)} 字`, r.chars ? percent(s.copied_chars / r.chars) : null].filter(Boolean).join(' · ')))));
    const bar = (share) => h('meter', { class: 'bar', min: '0', max: '1', value: String(share), 'aria-hidden': 'true' });
    const paras = h('ol', { class: 'check-paragraphs' }, r.paragraphs.map((p, i) => h('li', null,
      h('span', { class: 'para-label' }, `第 ${i + 1} 段`), bar(p.share),
      h('span', { class: 'meta' }, percent(p.share)))));
    this.result.replaceChildren(summary,
      h('div', { class: 'check-columns' },
        h('div', null, h('h2', null, '草稿'), draft),
        h('aside', null,
          h('h2', null, '来源'), r.sources.length ? sources : h('p', { class: 'hint' }, '文库中没有相同的段落。'),
          h('h2', null, '各段重复率'), paras)));
  }
}

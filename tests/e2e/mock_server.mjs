// A tiny stand-in for `wenyuan serve`, for working on the web UI without a
// built binary: serves web/ (SPA fallback as the real server does) and canned
// JSON in the shape of notes/api.md. The e2e tests never use it; they run
// against the real server (run.sh).
//   node tests/e2e/mock_server.mjs [port]   then open http://127.0.0.1:PORT/
// Log in as anyone; the user name picks the tier (admin, vip, else free).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };

const PARAS = [
  ['2023年度党建工作情况总结', 1],
  ['一、主要工作', 1],
  ['（一）加强政治建设。坚持把党的政治建设摆在首位，深入学习贯彻习近平新时代中国特色社会主义思想。𠀀字测试：𠀀𠀁高质量发展。', 0],
  ['（二）加强组织建设。严格落实“三会一课”制度，全年召开支部委员会12次。', 0],
  ['二、存在的问题', 1],
];
let text = '';
const blocks = [];
for (const [t, lvl] of PARAS) {
  const start = [...text].length;
  text += t + '\n';
  blocks.push({ kind: 'paragraph', start, end: start + [...t].length, text: t, heading_level: lvl });
}
const lockedStart = [...text].length;
const DOCS = [
  { id: 'f507f32534401310', title: '2023年度党建工作情况总结', year: 2023, source: '示例单位', category: '', access: 'paid', characters: lockedStart + 1800 },
  { id: 'a1', title: '中华人民共和国国旗法', year: 2020, source: '全国人民代表大会常务委员会', category: '宪法相关法', access: 'free', characters: 3120 },
];
const users = [
  { name: 'admin', tier: 'admin', disabled: false, created_at: 1764390000 },
  { name: 'reader', tier: 'free', disabled: false, created_at: 1764390100 },
];

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}
const tierOf = (req) => (/mock_tier=(\w+)/.exec(req.headers.cookie || '') || [])[1] || 'anonymous';

function docJson(tier) {
  const locked = !['vip', 'svip', 'admin'].includes(tier);
  const paid = '（三）加强作风建设。这是会员专享的段落，非会员不应看到。';
  const b = locked
    ? [...blocks, { kind: 'locked', start: lockedStart, end: lockedStart + 1800, characters: 1800 }]
    : [...blocks, { kind: 'paragraph', start: lockedStart, end: lockedStart + [...paid].length, text: paid, heading_level: 0 }];
  return {
    ...DOCS[0], date: '2023-12-20', issuer: '中共示例委员会', locked,
    outline: [{ level: 1, kind: 'chinese_number', marker: '一、', title: '主要工作', start: blocks[1].start, end: lockedStart, children: [
      { level: 2, kind: 'paren_chinese_number', marker: '（一）', title: '加强政治建设', start: blocks[2].start, end: blocks[3].start, children: [] }] },
    locked ? { locked: true, title: '会员专享内容', start: lockedStart, end: lockedStart + 1800 }
      : { level: 1, marker: '二、', title: '存在的问题', start: blocks[4].start, end: lockedStart, children: [] }],
    blocks: b,
    regions: [{ kind: 'preview', start: 0, end: lockedStart, locked: false }, { kind: 'paid', start: lockedStart, end: lockedStart + 1800, locked }],
    downloads: { left: tier === 'vip' ? 9 : null, per_day: tier === 'vip' ? 10 : null, full: !locked },
  };
}

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  const tier = tierOf(req);
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (p === '/api/me') {
      const name = (/mock_name=(\w+)/.exec(req.headers.cookie || '') || [])[1];
      return send(res, 200, { user: tier === 'anonymous' ? null : { name, tier }, tier, quotas: { downloads_per_day: tier === 'vip' ? 10 : null, downloads_left: tier === 'vip' ? 9 : null } });
    }
    if (p === '/api/auth/login' || p === '/api/auth/register') {
      const { username } = JSON.parse(body || '{}');
      const t = username === 'admin' ? 'admin' : username === 'vip' ? 'vip' : 'free';
      res.setHeader('Set-Cookie', [`mock_tier=${t}; Path=/`, `mock_name=${username}; Path=/`, 'wy_csrf=tok; Path=/']);
      return send(res, 200, { user: { name: username, tier: t } });
    }
    if (p === '/api/auth/logout') {
      res.setHeader('Set-Cookie', ['mock_tier=; Path=/; Max-Age=0', 'mock_name=; Path=/; Max-Age=0']);
      res.writeHead(204);
      return res.end();
    }
    if (p === '/api/facets') return send(res, 200, { sources: ['示例单位', '全国人民代表大会常务委员会'], categories: ['宪法相关法'], years: [2020, 2023], documents: 2 });
    if (p === '/api/new') return send(res, 200, { documents: DOCS.map((d) => ({ ...d, imported_at: 1764390000 })) });
    if (p === '/api/search') {
      const q = url.searchParams.get('q');
      if (q.includes('|') && q.trim().endsWith('|')) return send(res, 400, { error: { code: 'bad_request', message: `column ${[...q].length}: '|' needs a term after it` } });
      const page = +(url.searchParams.get('page') || 1);
      return send(res, 200, { query: q, total: 23, page, size: 10, took_us: 830, hits: Array.from({ length: 10 }, (_, i) => ({
        id: DOCS[i % 2].id, title: DOCS[i % 2].title, year: DOCS[i % 2].year, source: DOCS[i % 2].source, category: DOCS[i % 2].category, score: 1,
        snippets: i === 1 ? [{ text: '', highlights: [], locked: true }]
          : [{ text: blocks[2].text, highlights: [[blocks[2].text.indexOf('政治') , 23], [26, 28], [[...blocks[2].text].indexOf('𠀁'), [...blocks[2].text].indexOf('𠀁') + 1]], locked: false }],
      })) });
    }
    const m = /^\/api\/docs\/([^/]+)(\/download)?$/.exec(p);
    if (m && m[2]) {
      res.setHeader('Content-Disposition', `attachment; filename="doc.${url.searchParams.get('format')}"; filename*=UTF-8''${encodeURIComponent('2023年度党建工作情况总结')}.${url.searchParams.get('format')}`);
      return send(res, 200, Buffer.from('PK\x03\x04mock'), 'application/octet-stream');
    }
    if (m) return send(res, 200, docJson(tier));
    if (p === '/api/admin/documents' && req.method === 'GET') return send(res, 200, { total: 2, documents: DOCS.map((d) => ({ ...d, imported_at: 1764390000 })) });
    if (p === '/api/admin/documents' && req.method === 'POST') return send(res, 200, { imported: 1, updated: 0, unchanged: 0, rejected: 1, errors: ['bad.pdf: no text layer'], ids: ['abc123'] });
    if (p.startsWith('/api/admin/documents/')) { res.writeHead(204); return res.end(); }
    if (p === '/api/admin/rejected') return send(res, 200, { files: [{ path: '党建/2024/空白.txt', reason: 'no text', time: 1764390000 }] });
    if (p === '/api/admin/users' && req.method === 'GET') return send(res, 200, { users });
    if (p === '/api/admin/users') return send(res, 200, { ...users[1], ...JSON.parse(body) });
    if (p.startsWith('/api/')) return send(res, 404, { error: { code: 'not_found', message: 'no such route' } });
    const spa = p === '/' || /^\/(login|account|admin)\/?$/.test(p) || p.startsWith('/doc/');
    const file = path.join(WEB, spa ? 'index.html' : path.normalize(p).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, data) => {
      if (err) return send(res, 404, { error: { code: 'not_found', message: p } });
      send(res, 200, data, TYPES[path.extname(file).slice(1)] || 'application/octet-stream');
    });
  });
}).listen(+(process.argv[2] || 8090), '127.0.0.1', function () {
  console.log(`mock on http://127.0.0.1:${this.address().port}/`);
});

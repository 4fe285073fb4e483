// The JSON API client (contract: docs in /api/openapi.json).
// Every non-GET request carries the CSRF token from the readable wy_csrf cookie;
// errors become ApiError with the server's code and message.
import { cookie, withLoading } from './util.js';
import { chinese } from './messages.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const MESSAGES = {
  not_found: '没有找到',
  unauthorized: '请先登录',
  forbidden: '没有权限',
  quota_exceeded: '今日下载次数已用完，明天再试或升级会员',
  rate_limited: '请求过于频繁，请稍后再试',
  payload_too_large: '文件太大，请分批上传',
  internal: '服务器内部错误，请稍后再试',
};

// A Chinese sentence for an error: what is wrong and what to do (messages.js
// translates the server's English detail).
export function describe(err) {
  if (err instanceof ApiError) {
    const head = MESSAGES[err.code];
    const detail = chinese(err.message);
    if (err.code === 'bad_request' || !head) return detail || '请求有误，请检查后再试。';
    if (!detail || detail === head || /^HTTP \d+$/.test(err.message)) return head;
    return `${head}：${detail}`;
  }
  if (err && err.name === 'AbortError') return '';
  return '网络错误：连不上服务器，请检查网络后重试。';
}

export async function request(path, { method = 'GET', body, signal, raw = false } = {}) {
  const headers = {};
  if (method !== 'GET') {
    const csrf = cookie('wy_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await withLoading(fetch(path, { method, headers, body: payload, signal, credentials: 'same-origin' }));
  if (!res.ok) throw await errorFrom(res);
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

export async function errorFrom(res) {
  let code = 'internal';
  let message = `HTTP ${res.status}`;
  try {
    const j = await res.json();
    if (j && j.error) {
      code = j.error.code || code;
      message = j.error.message || message;
    }
  } catch (_) { /* not JSON */ }
  return new ApiError(res.status, code, message);
}

export const api = {
  get: (path, opts) => request(path, opts),
  post: (path, body) => request(path, { method: 'POST', body }),
  patch: (path, body) => request(path, { method: 'PATCH', body }),
  del: (path) => request(path, { method: 'DELETE' }),
};

// Who is logged in. Cached; pages that change it call refreshMe().
let me = null;
let meListeners = [];
export async function getMe() {
  if (!me) me = request('/api/me').catch(() => ({ user: null, tier: 'anonymous', quotas: {} }));
  return me;
}
export async function refreshMe() {
  me = null;
  const m = await getMe();
  for (const f of meListeners) f(m);
  return m;
}
export function onMe(f) { meListeners.push(f); }

// Shared helpers of the browser tests: a fresh headless Chromium profile per
// browser context (so each user has their own cookie jar), login through the
// real login form, API calls straight to the server, and screenshots at
// desktop and phone widths into artifacts/ (gitignored).
//
// Environment (set by run.sh): WENYUAN_URL (http://127.0.0.1:PORT), WENYUAN_BIN,
// WENYUAN_REPO (the source tree), CHROMIUM (default /usr/bin/chromium).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = process.env.WENYUAN_REPO || path.resolve(HERE, '../..');
export const BASE = process.env.WENYUAN_URL;
export const BIN = process.env.WENYUAN_BIN;
export const ARTIFACTS = path.join(HERE, 'artifacts');
if (!BASE) throw new Error('WENYUAN_URL is not set: run the tests through tests/e2e/run.sh');
fs.mkdirSync(ARTIFACTS, { recursive: true });

// The accounts run.sh creates.
export const USERS = {
  admin: { name: 'admin', password: 'e2e-admin-password' },
  free: { name: 'reader', password: 'e2e-reader-password' },
  vip: { name: 'vipreader', password: 'e2e-vip-password' },
};

const profiles = [];

// A new browser with its own profile directory; close with ctx.close().
export async function newContext() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-e2e-profile-'));
  profiles.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  });
  ctx.setDefaultTimeout(15000);
  const page = ctx.pages()[0] || (await ctx.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`); });
  return { ctx, page, errors };
}

export function cleanupProfiles() {
  for (const d of profiles.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export async function login(page, user) {
  await page.goto(`${BASE}/login`);
  await page.fill('#username', user.name);
  await page.fill('#password', user.password);
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(`${BASE}/account`);
  await page.waitForSelector('#account-name');
}

// GET an API path from node, as anonymous.
export async function apiGet(p) {
  const res = await fetch(BASE + p);
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

// The id of the document with exactly this title (found through search).
export async function findDocId(query, title) {
  const r = await apiGet(`/api/search?q=${encodeURIComponent(query)}&size=50`);
  const hit = r.hits.find((x) => x.title === title);
  if (!hit) throw new Error(`no hit titled ${title} for ${query}: ${r.hits.map((x) => x.title).join(' / ')}`);
  return hit.id;
}

// Screenshots at desktop (1280) and phone (375) widths, or at `sizes`
// ([[suffix, width, height], …]): the whole page, or with { fullPage: false }
// only the viewport (long documents).
export const DEFAULT_SIZES = [['desktop', 1280, 900], ['phone', 375, 812]];
export async function shoot(page, name, { fullPage = true, sizes = DEFAULT_SIZES } = {}) {
  for (const [suffix, width, height] of sizes) {
    await page.setViewportSize({ width, height });
    // Layout, transitions and smooth scrolling settle.
    await page.waitForTimeout(150);
    await page.waitForFunction(() => new Promise((r) => {
      const y = window.scrollY;
      setTimeout(() => r(window.scrollY === y), 120);
    }));
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${suffix}.png`), fullPage });
    // Nothing may stick out sideways (a phone would scroll horizontally).
    const wide = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= w) return null;
      const el = [...document.querySelectorAll('body *')].find((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'));
      return `${document.documentElement.scrollWidth} > ${w}: ${el ? el.outerHTML.slice(0, 120) : '?'}`;
    });
    if (wide) throw new Error(`${name}-${suffix}: page wider than the viewport, ${wide}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// Lines (long enough to be distinctive) from the seed sample's paid part,
// between the ##paidbegin## and ##paidend## markers, without the advertising
// trailer inside it (【…】 lines), which the importer's cleaner removes for everyone.
export function paidLines() {
  const { paid } = seedParts();
  return paid.split('\n').map((l) => l.trim()).filter((l) => [...l].length >= 12 && !/^【|公众号/.test(l));
}

// A phrase of `n` characters that occurs in the paid part and nowhere else in the sample.
export function paidOnlyPhrase(n = 10) {
  const { paid, free } = seedParts();
  for (const line of paidLines()) {
    const cps = [...line];
    for (let i = 2; i + n <= cps.length; i += 3) {
      const phrase = cps.slice(i, i + n).join('');
      if (!/[，。、；：“”（）\s]/.test(phrase) && !free.includes(phrase) && paid.split(phrase).length === 2) return phrase;
    }
  }
  throw new Error('no paid-only phrase');
}

function seedParts() {
  const raw = fs.readFileSync(path.join(REPO, 'data/sample/000_f507f32534401310.txt'), 'utf8');
  const m = /##paidbegin##([\s\S]*?)##paidend##/.exec(raw);
  if (!m) throw new Error('seed sample has no paid part');
  return { paid: m[1], free: raw.slice(0, m.index) + raw.slice(m.index + m[0].length) };
}

// Reads the code point ranges of each snippet's <mark>s back from the page.
export async function marksOf(page) {
  return page.$$eval('.hit', (hits) => hits.map((hit) => [...hit.querySelectorAll('.snippet:not(.locked)')].map((sn) => {
    const ranges = [];
    let at = 0;
    const walk = document.createTreeWalker(sn, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const len = [...node.textContent].length;
      if (node.parentElement.closest('mark')) ranges.push([at, at + len]);
      at += len;
    }
    return { text: sn.textContent, ranges };
  })));
}

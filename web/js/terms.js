// The words of a search query, to mark them on the document page when a reader
// arrives from a search (?q=). The engine's exact match offsets belong to the
// results list; here the query's positive words are found in each paragraph,
// ignoring case, full-width forms and whitespace between characters, which is
// what the search's normalization does for the common cases (not traditional
// characters: a 繁体 paragraph matched by a simplified query stays unmarked).

const FIELD = /^(title|heading|year|source|category|type)[:：]/i;
const SKIP_VALUE = /^(year|source|category|type)[:：]/i;
const OPERATORS = new Set(['AND', 'OR', '与', '且', '|', '｜']);

// '高质量 AND "个人 信息" -廉政 title:条例 year:2020' -> ['高质量', '个人信息', '条例'].
export function searchWords(q) {
  const out = [];
  const re = /(-?)(?:([A-Za-z]+[:：])?(?:"([^"]*)"|“([^”]*)”|([^\s()（）"“|｜]+)))/g;
  for (const m of q.matchAll(re)) {
    const [, minus, field, quoted, cquoted, bare] = m;
    if (minus) continue;
    if (field && SKIP_VALUE.test(field)) continue;
    if (field && !FIELD.test(field)) continue;
    const word = (quoted ?? cquoted ?? bare ?? '').replace(/\s+/g, '');
    if (!word || OPERATORS.has(word)) continue;
    out.push(fold(word));
  }
  return [...new Set(out)].filter((w) => w.length > 0);
}

// Full-width ASCII to ASCII, lowercase.
function fold(s) {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).toLowerCase();
}

// Code point ranges [s, e) in `text` where one of `words` occurs (whitespace
// inside the text skipped, as the search skips it), sorted and disjoint.
export function findWords(text, words) {
  if (!words || !words.length) return [];
  const cps = Array.from(text);
  const kept = [];  // indexes of non-space code points
  let folded = '';
  const pos = [];   // folded UTF-16 index -> kept index
  cps.forEach((c, i) => {
    if (/\s/.test(c)) return;
    const f = fold(c);
    for (let k = 0; k < f.length; k++) pos.push(kept.length);
    kept.push(i);
    folded += f;
  });
  const ranges = [];
  for (const w of words) {
    for (let at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + 1)) {
      const first = kept[pos[at]];
      const last = kept[pos[at + w.length - 1]];
      ranges.push([first, last + 1]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out = [];
  for (const r of ranges) {
    if (out.length && r[0] < out[out.length - 1][1]) out[out.length - 1][1] = Math.max(out[out.length - 1][1], r[1]);
    else out.push([...r]);
  }
  return out;
}

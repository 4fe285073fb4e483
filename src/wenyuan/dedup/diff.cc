#include "wenyuan/dedup/diff.h"

#include <algorithm>

#include "wenyuan/dedup/check_text.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

namespace {

bool ends_sentence(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'\n' || c == U'!' || c == U'?' || c == U';';
}

void push(std::vector<DiffOp>& ops, DiffOp::Kind kind, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1) {
  if (a0 == a1 && b0 == b1) return;
  if (!ops.empty() && ops.back().kind == kind) {
    ops.back().a_end = a1;
    ops.back().b_end = b1;
    return;
  }
  ops.push_back({kind, a0, a1, b0, b1});
}

}  // namespace

void sentence_units(std::string_view text_utf8, uint32_t offset, std::vector<DiffUnit>& out) {
  const std::u32string t = text::decode_utf8(text_utf8);
  size_t start = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (ends_sentence(t[i]) || i + 1 == t.size() || i + 1 - start >= 200) {
      DiffUnit u;
      u.start = offset + static_cast<uint32_t>(start);
      u.end = offset + static_cast<uint32_t>(i + 1);
      u.key = to_check_text(text::encode_utf8(t.substr(start, i + 1 - start))).chars;
      if (!u.key.empty()) out.push_back(std::move(u));  // punctuation or blank only: nothing to compare
      start = i + 1;
    }
  }
}

DiffResult diff(const std::vector<DiffUnit>& a, const std::vector<DiffUnit>& b, size_t max_edits) {
  DiffResult r;
  const auto n = static_cast<uint32_t>(a.size()), m = static_cast<uint32_t>(b.size());
  uint32_t head = 0;
  while (head < n && head < m && a[head].key == b[head].key) ++head;
  uint32_t tail = 0;
  while (tail < n - head && tail < m - head && a[n - 1 - tail].key == b[m - 1 - tail].key) ++tail;
  push(r.ops, DiffOp::Kind::kSame, 0, head, 0, head);
  // The middle: a[head, n - tail) against b[head, m - tail).
  const int N = static_cast<int>(n - tail - head), M = static_cast<int>(m - tail - head);
  auto same = [&](int x, int y) { return a[head + x].key == b[head + y].key; };
  const int max_d = static_cast<int>(std::min<size_t>(max_edits, static_cast<size_t>(N + M)));
  const int off = max_d + 1;
  std::vector<int> v(2 * off + 1, 0);
  std::vector<std::vector<int>> trace;  // v after each d, only the diagonals -d..d
  int found = -1;
  for (int d = 0; d <= max_d && found < 0; ++d) {
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
      int y = x - k;
      while (x < N && y < M && same(x, y)) ++x, ++y;
      v[off + k] = x;
      if (x >= N && y >= M) {
        found = d;
        break;
      }
    }
    trace.emplace_back(v.begin() + off - d, v.begin() + off + d + 1);
  }
  std::vector<DiffOp> middle;
  if (found < 0) {
    r.complete = false;
    push(middle, DiffOp::Kind::kDeleted, head, head + N, head, head);
    push(middle, DiffOp::Kind::kInserted, head + N, head + N, head, head + M);
  } else {
    // Walk the trace back from (N, M), collecting ops in reverse.
    std::vector<DiffOp> rev;
    int x = N, y = M;
    for (int d = found; d > 0; --d) {
      const std::vector<int>& prev = trace[d - 1];  // diagonals -(d-1)..(d-1)
      auto at = [&](int k) { return prev[k + d - 1]; };
      const int k = x - y;
      const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
      const int pk = down ? k + 1 : k - 1;
      const int px = at(pk), py = px - pk;
      const int sx = down ? px : px + 1, sy = down ? py + 1 : py;  // after the edit, before the snake
      if (x > sx) rev.push_back({DiffOp::Kind::kSame, uint32_t(head + sx), uint32_t(head + x), uint32_t(head + sy), uint32_t(head + y)});
      if (down) rev.push_back({DiffOp::Kind::kInserted, uint32_t(head + px), uint32_t(head + px), uint32_t(head + py), uint32_t(head + sy)});
      else rev.push_back({DiffOp::Kind::kDeleted, uint32_t(head + px), uint32_t(head + sx), uint32_t(head + py), uint32_t(head + py)});
      x = px;
      y = py;
    }
    if (x > 0) rev.push_back({DiffOp::Kind::kSame, head, uint32_t(head + x), head, uint32_t(head + y)});
    for (auto it = rev.rbegin(); it != rev.rend(); ++it) push(middle, it->kind, it->a_begin, it->a_end, it->b_begin, it->b_end);
  }
  for (const auto& op : middle) push(r.ops, op.kind, op.a_begin, op.a_end, op.b_begin, op.b_end);
  push(r.ops, DiffOp::Kind::kSame, n - tail, n, m - tail, m);
  return r;
}

}  // namespace wenyuan::dedup

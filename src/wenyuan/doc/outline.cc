#include "wenyuan/doc/outline.h"

#include <algorithm>
#include <unordered_map>

#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/outline_headings.h"
#include "wenyuan/doc/outline_plain.h"
#include "wenyuan/text/chars.h"
#include "wenyuan/text/cn_number.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {

namespace {

using text::cn_digit;
using text::is_heading_space;
using text::is_cn_numeral;
using text::parse_cn_number;
using text::trim_heading_space;
using U32View = std::u32string_view;

// Which lines open a heading is outline_headings.cc's; this file builds the
// tree from the matches (ranks, extents, enumerations, sentences).
using outline_detail::HeadingMatch;
using outline_detail::match_heading_at;
using outline_detail::skip_space;

// Kinds that nest in a known order; a kind never nests under a later one of
// its family, whatever appears first.
int family_of(const std::string& key, int* index) {
  static constexpr const char* kLegal[] = {"part", "chapter", "section", "article"};
  static constexpr const char* kNumbered[] = {"cn_num", "paren_cn", "arabic", "paren_arabic"};
  for (int i = 0; i < 4; ++i) {
    if (key == kLegal[i]) {
      *index = i;
      return 0;
    }
    if (key == kNumbered[i]) {
      *index = i;
      return 1;
    }
  }
  if (key.rfind("heading", 0) == 0) {
    *index = key.size() > 7 ? key[7] - '0' : 0;
    return 2;
  }
  *index = 0;
  return 3;
}

// Where `key` ranks among the kinds seen so far (0 = outermost): the order of
// first appearance, corrected so that family order holds.
std::vector<std::string> with_key(const std::vector<std::string>& order, const std::string& key) {
  if (std::find(order.begin(), order.end(), key) != order.end()) return order;
  int idx = 0;
  const int fam = family_of(key, &idx);
  std::vector<std::string> out = order;
  for (size_t i = 0; i < out.size(); ++i) {
    int other = 0;
    if (family_of(out[i], &other) == fam && other > idx) {
      out.insert(out.begin() + static_cast<std::ptrdiff_t>(i), key);
      return out;
    }
  }
  out.push_back(key);
  return out;
}

// An unnumbered heading ranks right above the numbered headings that follow it
// (the 一、 of an old report's section, the 第X条 of a law whose 第X章 numbers
// are missing, under the 第X章 that are there); with none after it, outermost.
// Its rank is fixed by its first appearance, as every kind's is.
std::vector<std::string> with_plain(const std::vector<std::string>& order, const std::string& next_kind) {
  if (std::find(order.begin(), order.end(), "plain") != order.end()) return order;
  std::vector<std::string> out = order;
  if (next_kind.empty()) {
    out.insert(out.begin(), "plain");
    return out;
  }
  auto it = std::find(out.begin(), out.end(), next_kind);
  out.insert(it, "plain");  // at the end when next_kind has not been seen: it comes after
  return out;
}

int rank_of(const std::vector<std::string>& order, const std::string& key) {
  return static_cast<int>(std::find(order.begin(), order.end(), key) - order.begin());
}

struct FlatNode {
  OutlineNode node;  // children unused here
  std::string key;   // to_string(kind), or "heading<level>" for hints
  int number = 0;
  int parent = -1;
  std::vector<int> children;
  // The number of the last child of each key: in_sequence's answer without
  // walking the children (a key is one of ~20 kinds, so a short list).
  std::vector<std::pair<std::string, int>> last_child_number;
};

// Source-marked headings by their trimmed text; the first hint of a text wins.
using HintMap = std::unordered_map<std::u32string, int>;

struct Line {
  size_t start = 0;  // code points into the text
  size_t end = 0;    // excluding '\n'
};

std::vector<Line> split_lines(U32View text) {
  std::vector<Line> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == U'\n') {
      if (i == text.size() && start == i && !lines.empty()) break;
      lines.push_back({start, i});
      start = i + 1;
    }
  }
  return lines;
}

class OutlineBuilder {
 public:
  explicit OutlineBuilder(U32View text) : text_(text) {}

  // `plain_before`: the line is an unnumbered heading (outline_plain.h) and
  // this is the kind of the next numbered heading after it ("" if none).
  void add_line(const Line& line, const HintMap& hints, const std::string* plain_before) {
    const U32View s = text_.substr(line.start, line.end - line.start);
    const U32View t = trim_heading_space(s);
    if (t.empty()) return;
    std::optional<HeadingMatch> m = match_heading_at(s);
    ++steps_;
    if (!hints.empty()) {
      std::u32string key(t);
      steps_ += hints.bucket_size(hints.bucket(key));  // the hints compared with this line
      if (auto hint = hints.find(key); hint != hints.end()) {
        // A marked heading that is numbered keeps its numbering: the run-in
        // headings after it (（二）… in body paragraphs) go on in its sequence.
        if (m) {
          add(line, *m, to_string(m->kind), /*always=*/true);
          return;
        }
        HeadingMatch h;
        h.kind = OutlineKind::kHeading;
        const size_t b = static_cast<size_t>(t.data() - s.data());
        h.marker_begin = h.marker_end = b;
        if (m) {
          h.marker_end = m->marker_end;
          h.title_begin = m->title_begin;
          h.title_end = m->title_end;
        } else {
          h.title_begin = b;
          h.title_end = b + t.size();
        }
        add(line, h, "heading" + std::to_string(std::clamp(hint->second, 1, 9)), /*always=*/true);
        return;
      }
    }
    if (m) {
      add(line, *m, to_string(m->kind), /*always=*/false);
    } else if (plain_before != nullptr) {
      HeadingMatch h;
      h.kind = OutlineKind::kPlain;
      const size_t b = static_cast<size_t>(t.data() - s.data());
      h.marker_begin = h.marker_end = h.title_begin = b;
      h.title_end = b + t.size();
      next_kind_ = *plain_before;
      add(line, h, "plain", /*always=*/true);
    }
  }

  // Units of work done so far (lines looked up, stack and sibling steps).
  uint64_t steps() const { return steps_; }

  std::vector<FlatNode> finish() { return std::move(nodes_); }

 private:
  void add(const Line& line, const HeadingMatch& m, const std::string& key, bool always) {
    const std::vector<std::string> order = key == "plain" ? with_plain(order_, next_kind_) : with_key(order_, key);
    const int rank = rank_of(order, key);
    size_t depth = stack_.size();
    while (depth > 0 && rank_of(order, nodes_[stack_[depth - 1]].key) >= rank) {
      --depth;
      ++steps_;
    }
    const int parent = depth == 0 ? -1 : stack_[depth - 1];
    if (!always && !in_sequence(m, key, parent)) return;

    order_ = order;
    stack_.resize(depth);
    FlatNode f;
    f.key = key;
    f.number = m.number;
    f.parent = parent;
    f.node.kind = m.kind;
    f.node.marker = text::encode_utf8(text_.substr(line.start + m.marker_begin, m.marker_end - m.marker_begin));
    f.node.title = text::encode_utf8(text_.substr(line.start + m.title_begin, m.title_end - m.title_begin));
    f.node.start = static_cast<uint32_t>(line.start + m.marker_begin);
    f.node.heading.start = f.node.start;
    f.node.heading.end = static_cast<uint32_t>(line.start + std::max(m.marker_end, m.title_end));
    const int id = static_cast<int>(nodes_.size());
    if (parent >= 0)
      nodes_[parent].children.push_back(id);
    else
      roots_.push_back(id);
    set_last_number(parent, key, m.number);
    if (key == "article") last_article_ = id;
    nodes_.push_back(std::move(f));
    stack_.push_back(id);
  }

  // 一、 must follow 一、 with 二、 under the same parent; 第X条 numbers rise over
  // the whole document (chapters do not restart them), and 第十条之一 may repeat 第十条.
  bool in_sequence(const HeadingMatch& m, const std::string& key, int parent) {
    if (key == "article") {
      if (last_article_ < 0) return true;
      const int prev = nodes_[last_article_].number;
      return m.number > prev || (m.sub && m.number == prev);
    }
    const auto& last = parent >= 0 ? nodes_[parent].last_child_number : root_last_number_;
    for (const auto& [k, number] : last) {
      ++steps_;
      if (k == key) return m.number == number + 1;
    }
    if (m.number == 1) return true;
    // Under an unnumbered heading, numbering may also go on from before it
    // (一、 二、, then 结束语's 三、 in some reports).
    const int owner = numbering_owner(parent);
    if (owner == parent) return false;
    const auto& outer = owner >= 0 ? nodes_[owner].last_child_number : root_last_number_;
    for (const auto& [k, number] : outer) {
      ++steps_;
      if (k == key) return m.number == number + 1;
    }
    return false;
  }

  // The nearest ancestor (or the root, -1) that is not an unnumbered heading.
  int numbering_owner(int parent) const {
    while (parent >= 0 && nodes_[parent].key == "plain") parent = nodes_[parent].parent;
    return parent;
  }

  void set_last_number(int parent, const std::string& key, int number) {
    if (const int owner = numbering_owner(parent); owner != parent) set_number_of(owner, key, number);
    set_number_of(parent, key, number);
  }

  void set_number_of(int parent, const std::string& key, int number) {
    auto& last = parent >= 0 ? nodes_[parent].last_child_number : root_last_number_;
    for (auto& [k, n] : last) {
      ++steps_;
      if (k == key) {
        n = number;
        return;
      }
    }
    last.emplace_back(key, number);
  }

 public:
  const std::vector<int>& roots() const { return roots_; }

 private:
  U32View text_;
  std::vector<FlatNode> nodes_;
  std::vector<int> roots_;
  std::vector<std::pair<std::string, int>> root_last_number_;
  std::vector<int> stack_;
  uint64_t steps_ = 0;
  std::vector<std::string> order_;
  int last_article_ = -1;
  std::string next_kind_;  // of the unnumbered heading being added
};

// ---------------------------------------------------------------- 一是 二是

bool enum_boundary_before(U32View text, size_t i, size_t body_begin) {
  if (i == body_begin) return true;
  const char32_t p = text[i - 1];
  return p == U'\n' || is_heading_space(p) || p == U'。' || p == U'；' || p == U'：' || p == U'，' || p == U'！' ||
         p == U'？' || p == U'”' || p == U'）' || p == U';' || p == U':' || p == U',' || p == U'、';
}

// 一是 二是 … inside [begin, end): items in sequence; a new 一是 starts over.
std::vector<OutlineNode> find_enumerations(U32View text, size_t begin, size_t end) {
  std::vector<OutlineNode> items;
  int expected = 1;
  for (size_t i = begin; i + 1 < end; ++i) {
    if (text[i + 1] != U'是') continue;
    size_t j = i;
    while (j > begin && is_cn_numeral(text[j - 1]) && i - j < 2) --j;
    if (!is_cn_numeral(text[i]) || cn_digit(text[i]) == 0) continue;
    const int n = parse_cn_number(text.substr(j, i + 1 - j));
    if (!enum_boundary_before(text, j, begin)) continue;
    if (n != expected && n != 1) continue;
    expected = n + 1;
    OutlineNode item;
    item.kind = OutlineKind::kEnum;
    item.marker = text::encode_utf8(text.substr(j, i + 2 - j));
    item.start = static_cast<uint32_t>(j);
    size_t t = i + 2;
    size_t stop = t;
    while (stop < end && text[stop] != U'。' && text[stop] != U'；' && text[stop] != U';' && text[stop] != U'\n') {
      ++stop;
    }
    item.title = text::encode_utf8(text.substr(t, stop - t));
    item.heading = {static_cast<uint32_t>(j), static_cast<uint32_t>(stop)};
    items.push_back(std::move(item));
    i = i + 1;
  }
  // A lone 一是 without 二是 is ordinary prose ("其中一是…"); keep runs of two or more.
  std::vector<OutlineNode> kept;
  for (size_t k = 0; k < items.size(); ++k) {
    const bool starts = items[k].marker.rfind("一是", 0) == 0;
    const bool has_next = k + 1 < items.size() && items[k + 1].marker.rfind("一是", 0) != 0;
    const bool in_run = !starts || has_next;
    if (in_run) kept.push_back(std::move(items[k]));
  }
  for (size_t k = 0; k < kept.size(); ++k) {
    OutlineNode& item = kept[k];
    item.end = k + 1 < kept.size() ? kept[k + 1].start : static_cast<uint32_t>(end);
    if (item.heading.end > item.end) {
      // "一是甲、二是乙。": the title stops where the next item begins, without the 、.
      uint32_t stop = item.end;
      while (stop > item.start && (text[stop - 1] == U'、' || text[stop - 1] == U'，' || is_heading_space(text[stop - 1]))) {
        --stop;
      }
      const uint32_t title_begin = item.start + static_cast<uint32_t>(text::count_code_points(item.marker));
      stop = std::max(stop, title_begin);
      item.heading.end = stop;
      item.title = text::encode_utf8(text.substr(title_begin, stop - title_begin));
    }
  }
  return kept;
}

// Builds the tree, fixing extents and adding enumerations to each heading's own
// text (before its first child heading).
OutlineNode build_tree(const std::vector<FlatNode>& flat, int id, uint32_t end, U32View text) {
  OutlineNode node = flat[id].node;
  node.end = end;
  const auto& kids = flat[id].children;
  const uint32_t own_end = kids.empty() ? end : flat[kids.front()].node.start;
  node.children = find_enumerations(text, node.heading.end, own_end);
  for (size_t k = 0; k < kids.size(); ++k) {
    const uint32_t kid_end = k + 1 < kids.size() ? flat[kids[k + 1]].node.start : end;
    node.children.push_back(build_tree(flat, kids[k], kid_end, text));
  }
  return node;
}

void set_levels(std::vector<OutlineNode>& nodes, int level) {
  for (auto& n : nodes) {
    n.level = level;
    set_levels(n.children, level + 1);
  }
}

// ---------------------------------------------------------------- sentences

bool is_sentence_end(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'!' || c == U'?' || c == U';';
}
bool is_closing(char32_t c) {
  return c == U'”' || c == U'’' || c == U'）' || c == U'」' || c == U'』' || c == U'"' || c == U'\'' || c == U')' ||
         c == U'》' || c == U'】';
}

void add_sentence(U32View text, size_t b, size_t e, std::vector<Span>& out) {
  while (b < e && is_heading_space(text[b])) ++b;
  while (e > b && is_heading_space(text[e - 1])) --e;
  if (b < e) out.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
}

}  // namespace

bool is_structural_line(std::string_view line) { return is_structural_line(std::u32string_view(text::decode_utf8(line))); }

bool is_structural_line(std::u32string_view u) {
  const U32View t = trim_heading_space(u);
  if (t == U"目录" || t == U"目 录" || t == U"目　录") return true;
  return match_heading_at(t).has_value();
}

bool begins_with_heading(std::u32string_view line) { return match_heading_at(line).has_value(); }

Analysis analyze(std::string_view text_utf8, const std::vector<HeadingHint>& hints, std::string_view given_title) {
  Analysis a;
  const std::u32string text = text::decode_utf8(text_utf8);
  const std::vector<Line> lines = split_lines(text);

  HintMap hint_texts;
  for (const HeadingHint& h : hints) {
    const std::u32string u = text::decode_utf8(h.text);
    const U32View t = trim_heading_space(u);
    if (!t.empty()) hint_texts.emplace(std::u32string(t), h.level);  // keeps the first
  }

  // Unnumbered headings, and for each the kind of the next numbered one.
  std::vector<std::u32string_view> views;
  std::vector<bool> numbered;
  std::vector<std::string> kinds;
  for (const Line& line : lines) {
    views.push_back(U32View(text).substr(line.start, line.end - line.start));
    std::optional<HeadingMatch> m = match_heading_at(views.back());
    numbered.push_back(m.has_value());
    kinds.push_back(m ? to_string(m->kind) : std::string());
  }
  const std::vector<bool> plain = plain_heading_lines(views, numbered);
  std::vector<std::string> next_kind(lines.size());
  for (size_t i = lines.size(), k = lines.size(); i-- > 0;) {
    if (plain[i]) next_kind[i] = k < lines.size() ? kinds[k] : std::string();
    if (numbered[i]) k = i;
  }

  OutlineBuilder builder(text);
  for (size_t li = 0; li < lines.size(); ++li) {
    const Line& line = lines[li];
    builder.add_line(line, hint_texts, plain[li] ? &next_kind[li] : nullptr);
    const U32View s = U32View(text).substr(line.start, line.end - line.start);
    if (!trim_heading_space(s).empty()) a.paragraphs.push_back({static_cast<uint32_t>(line.start), static_cast<uint32_t>(line.end)});
    size_t b = line.start;
    for (size_t i = line.start; i < line.end; ++i) {
      if (!is_sentence_end(text[i])) continue;
      size_t e = i + 1;
      while (e < line.end && (is_sentence_end(text[e]) || is_closing(text[e]))) ++e;
      add_sentence(text, b, e, a.sentences);
      b = e;
      i = e - 1;
    }
    add_sentence(text, b, line.end, a.sentences);
  }
  a.outline_steps = builder.steps();
  const std::vector<int> roots = builder.roots();
  const std::vector<FlatNode> flat = builder.finish();
  for (size_t k = 0; k < roots.size(); ++k) {
    const uint32_t end = k + 1 < roots.size() ? flat[roots[k + 1]].node.start : static_cast<uint32_t>(text.size());
    a.outline.push_back(build_tree(flat, roots[k], end, text));
  }
  set_levels(a.outline, 1);

  if (!given_title.empty()) {
    a.title = std::string(given_title);
  } else {
    for (const Line& line : lines) {
      const U32View s = U32View(text).substr(line.start, line.end - line.start);
      if (trim_heading_space(s).empty()) continue;
      if (looks_like_title(s)) a.title = text::encode_utf8(trim_heading_space(s));
      break;
    }
  }
  // metadata.cc reads the non-blank lines, which are the paragraphs.
  const std::u32string title = text::decode_utf8(a.title);
  a.year = year_in_title(title);
  if (!a.year) a.year = year_from_text(text, a.paragraphs);
  a.issuer = issuer_from_title(title);
  if (a.issuer.empty()) a.issuer = issuer_from_signature(text, a.paragraphs);
  return a;
}

}  // namespace wenyuan::doc

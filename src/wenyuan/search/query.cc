// The query parser: a hand-written lexer and recursive descent over code points.
//
// Choices a reader may wonder about (also documented in query.h):
// - ASCII ( ) | " are syntax, and so are the forms a Chinese IME types: ｜, “…” (a
//   phrase, as "…") and （…） — but （…） groups only when it encloses a space or a
//   '|', so （一） is still searched verbatim (the 公文 numbering people look for).
// - AND, 与, 且 standing alone are the implicit AND (not words to search).
// - "letters:" that is no known field is an error listing the fields; other "x:"
//   (http://…, 10:30) is part of a plain term.
// - '|' always splits: "a|b" is a OR b (no official text needs a literal ASCII '|').
// - '-' excludes only at the start of a token; inside a word it is a character
//   ("2019-2023", "COVID-19").
// - No escapes inside quotes: a phrase runs to the next ASCII '"'.
#include "wenyuan/search/query.h"

#include <algorithm>
#include <string>
#include <utility>

#include "wenyuan/text/chars.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {

namespace {

constexpr size_t kMaxQueryChars = 4096;
constexpr size_t kMaxLeaves = 64;
constexpr int kMaxDepth = 32;

// Unicode White_Space (text::is_space) separates words. The Normalizer deletes
// these inside a quoted phrase anyway, so a phrase and the words of it differ
// only in grouping.
using text::is_space;

// Full-width forms of the syntax characters, as an IME types them: ｜ is '|', and
// “…” quote a phrase. （…） group only when what they enclose is clearly a query
// (it holds a space or an operator), so （一） and （二） stay searchable verbatim.
constexpr char32_t kFullLParen = U'\uFF08', kFullRParen = U'\uFF09', kFullBar = U'\uFF5C';
constexpr char32_t kOpenQuote = U'\u201C', kCloseQuote = U'\u201D', kFullColon = U'\uFF1A';

bool is_bar(char32_t c) { return c == U'|' || c == kFullBar; }

bool ends_word(char32_t c) { return is_space(c) || c == U'(' || c == U')' || c == U'"' || is_bar(c); }

std::string col_msg(size_t column, const std::string& what) {
  return "column " + std::to_string(column) + ": " + what;
}

enum class Tok { kWord, kPhrase, kField, kLParen, kRParen, kOr, kAnd, kMinus, kEnd };

// The field names, in the order an error lists them.
constexpr const char* kFields[] = {"title", "heading", "year", "source", "category"};

std::string field_list() {
  std::string out;
  for (const char* f : kFields) out += std::string(out.empty() ? "" : " ") + f + ":";
  return out;
}

bool is_ascii_letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }

struct Token {
  Tok kind = Tok::kEnd;
  size_t column = 0;      // 1-based code point column
  std::string text;       // word / phrase / field value, as written
  std::string field;      // kField: lowercase field name
};

// Splits the decoded query into tokens. Errors are syntax the parser cannot see
// (unclosed quotes, a dangling '-', an empty field value).
class Lexer {
 public:
  explicit Lexer(const std::u32string& q) : q_(q) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      while (pos_ < q_.size() && is_space(q_[pos_])) ++pos_;
      if (pos_ >= q_.size()) break;
      const size_t col = pos_ + 1;
      const char32_t c = q_[pos_];
      if (c == U'(' || (c == kFullLParen && full_width_group_at(pos_))) {
        if (c == kFullLParen) full_closers_.push_back(matching_full_paren(pos_));
        out.push_back({Tok::kLParen, col, {}, {}});
        ++pos_;
      } else if (c == U')' || (c == kFullRParen && !full_closers_.empty() && full_closers_.back() == pos_)) {
        if (c == kFullRParen) full_closers_.pop_back();
        out.push_back({Tok::kRParen, col, {}, {}});
        ++pos_;
      } else if (c == kOpenQuote && q_.find(kCloseQuote, pos_ + 1) != std::u32string::npos) {
        // Only a token that starts with “ and has a ” later: an unpaired “ (a
        // pasted half sentence) is a character, as is one inside a word.
        const size_t close = q_.find(kCloseQuote, pos_ + 1);
        out.push_back({Tok::kPhrase, col, text::encode_utf8(std::u32string_view(q_).substr(pos_ + 1, close - pos_ - 1)), {}});
        pos_ = close + 1;
      } else if (is_bar(c)) {
        out.push_back({Tok::kOr, col, {}, {}});
        ++pos_;
      } else if (c == U'-') {
        const char32_t next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : U' ';
        if (is_space(next) || next == U')' || is_bar(next) || next == U'-') {
          return Status::invalid_argument(
              col_msg(col, "'-' must be followed by a term, a quoted phrase or a group"));
        }
        out.push_back({Tok::kMinus, col, {}, {}});
        ++pos_;
      } else if (c == U'"') {
        WENYUAN_ASSIGN_OR_RETURN(auto phrase, quoted());
        out.push_back({Tok::kPhrase, col, std::move(phrase), {}});
      } else {
        WENYUAN_ASSIGN_OR_RETURN(auto tok, word_or_field());
        out.push_back(std::move(tok));
      }
    }
    out.push_back({Tok::kEnd, q_.size() + 1, {}, {}});
    return out;
  }

 private:
  // At a '"': returns the characters up to the closing '"'.
  Result<std::string> quoted() {
    const size_t open = pos_;
    const size_t close = q_.find(U'"', open + 1);
    if (close == std::u32string::npos) {
      return Status::invalid_argument(col_msg(open + 1, "unclosed quote"));
    }
    pos_ = close + 1;
    return text::encode_utf8(std::u32string_view(q_).substr(open + 1, close - open - 1));
  }

  // The position of the '）' matching the '（' at `open`, or npos.
  size_t matching_full_paren(size_t open) const {
    int depth = 0;
    for (size_t i = open; i < q_.size(); ++i) {
      if (q_[i] == kFullLParen) ++depth;
      if (q_[i] == kFullRParen && --depth == 0) return i;
    }
    return std::u32string::npos;
  }

  // A '（' at a token start groups when it is closed and what it encloses holds a
  // space or a '|': "（国旗 | 国徽） 法" groups, "（一）" and "第（三）条" do not.
  bool full_width_group_at(size_t open) const {
    const size_t close = matching_full_paren(open);
    if (close == std::u32string::npos) return false;
    for (size_t i = open + 1; i < close; ++i)
      if (is_space(q_[i]) || is_bar(q_[i])) return true;
    return false;
  }

  static const char* known_field(std::u32string_view name) {
    for (const char* f : kFields) {
      const std::string_view fv(f);
      if (fv.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < fv.size() && same; ++i) {
        char32_t c = name[i];
        if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
        same = c == static_cast<char32_t>(fv[i]);
      }
      if (same) return f;
    }
    return nullptr;
  }

  Result<Token> word_or_field() {
    const size_t start = pos_;
    size_t end = start;
    const size_t closer = full_closers_.empty() ? std::u32string::npos : full_closers_.back();
    while (end < q_.size() && !ends_word(q_[end]) && end != closer) ++end;
    // A '（' inside a word or not grouping is a term character; its '）' then too.
    const std::u32string_view word(q_.data() + start, end - start);
    size_t colon = word.find(U':');
    if (colon == std::u32string_view::npos) colon = word.find(kFullColon);
    if (colon != std::u32string_view::npos) {
      const std::u32string_view name = word.substr(0, colon);
      const std::u32string_view rest = word.substr(colon + 1);
      const bool letters = !name.empty() && std::all_of(name.begin(), name.end(), is_ascii_letter);
      // "foo:bar" would silently find nothing; say which fields exist. A URL
      // (http://…) and "10:30" stay plain terms.
      if (letters && !known_field(name) && !(rest.size() >= 2 && rest[0] == U'/' && rest[1] == U'/') &&
          (!rest.empty() || (end < q_.size() && q_[end] == U'"'))) {
        return Status::invalid_argument(col_msg(start + 1, "unknown field '" + text::encode_utf8(name) +
                                                               ":' (fields: " + field_list() + ")"));
      }
      if (const char* field = known_field(name)) {
        pos_ = start + colon + 1;
        Token t{Tok::kField, start + 1, {}, field};
        if (pos_ < q_.size() && q_[pos_] == U'"') {
          WENYUAN_ASSIGN_OR_RETURN(auto phrase, quoted());
          t.text = std::move(phrase);
        } else {
          pos_ = end;
          t.text = text::encode_utf8(word.substr(colon + 1));
        }
        return t;
      }
    }
    pos_ = end;
    Token t{Tok::kWord, start + 1, text::encode_utf8(word), {}};
    if (t.text == "OR") t.kind = Tok::kOr;
    // AND, 与 and 且 standing alone say what the space already says; taken as
    // words they would be searched for and find (nearly) nothing.
    if (t.text == "AND" || t.text == "与" || t.text == "且") t.kind = Tok::kAnd;
    return t;
  }

  const std::u32string& q_;
  size_t pos_ = 0;
  std::vector<size_t> full_closers_;  // positions of the '）' of open full-width groups
};

bool parse_year(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 9999) return false;
  out = v;
  return true;
}

// Recursive descent over the tokens. Precedence: '-' > OR > implicit AND.
class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  Result<QueryNode> run() {
    WENYUAN_ASSIGN_OR_RETURN(auto root, sequence(0));
    if (peek().kind == Tok::kRParen) {
      return Status::invalid_argument(col_msg(peek().column, "')' has no matching '('"));
    }
    return root;
  }

 private:
  const Token& peek() const { return toks_[i_]; }
  const Token& next() { return toks_[i_++]; }

  // query := or_expr+   (until ')' or the end)
  Result<QueryNode> sequence(int depth) {
    QueryNode all;
    all.kind = QueryNode::Kind::kAnd;
    all.column = peek().column;
    while (peek().kind != Tok::kEnd && peek().kind != Tok::kRParen) {
      if (peek().kind == Tok::kAnd) {
        const Token& op = next();
        const Tok after = peek().kind;
        if (all.children.empty()) {
          return Status::invalid_argument(col_msg(op.column, "'" + op.text + "' needs a term before it"));
        }
        if (after == Tok::kEnd || after == Tok::kRParen || after == Tok::kOr || after == Tok::kAnd) {
          return Status::invalid_argument(col_msg(op.column, "'" + op.text + "' needs a term after it"));
        }
        continue;
      }
      WENYUAN_ASSIGN_OR_RETURN(auto child, or_expr(depth));
      add_flattened(all, std::move(child), QueryNode::Kind::kAnd);
    }
    if (all.children.size() == 1) return std::move(all.children.front());
    return all;
  }

  // or_expr := unary (('|' | 'OR') unary)*
  Result<QueryNode> or_expr(int depth) {
    WENYUAN_ASSIGN_OR_RETURN(auto first, unary(depth));
    if (peek().kind != Tok::kOr) return first;
    QueryNode any;
    any.kind = QueryNode::Kind::kOr;
    any.column = first.column;
    add_flattened(any, std::move(first), QueryNode::Kind::kOr);
    while (peek().kind == Tok::kOr) {
      const Token& op = next();
      const Tok after = peek().kind;
      if (after == Tok::kEnd || after == Tok::kRParen || after == Tok::kOr || after == Tok::kAnd) {
        return Status::invalid_argument(col_msg(op.column, "'" + op_text(op) + "' needs a term after it"));
      }
      WENYUAN_ASSIGN_OR_RETURN(auto alt, unary(depth));
      add_flattened(any, std::move(alt), QueryNode::Kind::kOr);
    }
    return any;
  }

  // unary := '-' primary | primary
  Result<QueryNode> unary(int depth) {
    if (peek().kind == Tok::kOr || peek().kind == Tok::kAnd) {
      return Status::invalid_argument(col_msg(peek().column, "'" + op_text(peek()) + "' needs a term before it"));
    }
    if (peek().kind != Tok::kMinus) return primary(depth);
    const Token& minus = next();
    WENYUAN_ASSIGN_OR_RETURN(auto inner, primary(depth));
    QueryNode neg;
    neg.kind = QueryNode::Kind::kNot;
    neg.column = minus.column;
    neg.children.push_back(std::move(inner));
    return neg;
  }

  // primary := '(' query ')' | field ':' value | '"' chars '"' | bareword
  Result<QueryNode> primary(int depth) {
    const Token& t = next();
    switch (t.kind) {
      case Tok::kLParen: {
        if (depth + 1 > kMaxDepth) {
          return Status::too_large(col_msg(t.column, "parentheses nested deeper than " + std::to_string(kMaxDepth)));
        }
        if (peek().kind == Tok::kRParen) return Status::invalid_argument(col_msg(t.column, "empty parentheses"));
        WENYUAN_ASSIGN_OR_RETURN(auto group, sequence(depth + 1));
        if (peek().kind != Tok::kRParen) return Status::invalid_argument(col_msg(t.column, "'(' is not closed"));
        next();
        return group;
      }
      case Tok::kWord:
      case Tok::kPhrase:
        return term(t, Field::kAny);
      case Tok::kField:
        return field(t);
      case Tok::kRParen:
        return Status::invalid_argument(col_msg(t.column, "')' has no matching '('"));
      case Tok::kEnd:
        return Status::invalid_argument(col_msg(t.column, "a term is missing at the end"));
      default:
        return Status::invalid_argument(col_msg(t.column, "a term is expected here"));
    }
  }

  Result<QueryNode> term(const Token& t, Field f) {
    QueryNode n;
    n.kind = QueryNode::Kind::kTerm;
    n.field = f;
    n.text = t.text;
    n.column = t.column;
    n.normalized = text::Normalizer::instance().normalize(t.text);
    if (n.normalized.empty()) {
      return Status::invalid_argument(col_msg(t.column, "\"" + t.text + "\" has no searchable characters"));
    }
    return n;
  }

  Result<QueryNode> field(const Token& t) {
    if (t.text.empty()) return Status::invalid_argument(col_msg(t.column, "'" + t.field + ":' needs a value"));
    if (t.field == "title") return term(t, Field::kTitle);
    if (t.field == "heading") return term(t, Field::kHeading);
    QueryNode n;
    n.column = t.column;
    n.text = t.text;
    if (t.field == "year") {
      n.kind = QueryNode::Kind::kYear;
      // Full-width digits (２０２３) are common in pasted text; NFKC makes them ASCII.
      const std::string v = text::Normalizer::instance().normalize_utf8(t.text);
      if (!parse_year_range(v, false, n.year_from, n.year_to)) {
        return Status::invalid_argument(
            col_msg(t.column, "bad year \"" + t.text + "\" (want YYYY or YYYY..YYYY, 1..9999)"));
      }
      if (n.year_from > n.year_to) {
        return Status::invalid_argument(col_msg(t.column, "year range \"" + t.text + "\" runs backwards"));
      }
      return n;
    }
    n.kind = t.field == "source" ? QueryNode::Kind::kSource : QueryNode::Kind::kCategory;
    n.prefix = n.kind == QueryNode::Kind::kSource;
    return n;
  }

  static std::string op_text(const Token& t) {
    if (t.kind == Tok::kAnd) return t.text;
    return t.text == "OR" ? "OR" : "|";
  }

  // a AND (b AND c) is a AND b AND c; likewise for OR. Keeps the tree shallow and
  // makes "(-b -c) a" the same as "a -b -c".
  static void add_flattened(QueryNode& parent, QueryNode child, QueryNode::Kind kind) {
    if (child.kind == kind) {
      for (auto& c : child.children) parent.children.push_back(std::move(c));
    } else {
      parent.children.push_back(std::move(child));
    }
  }

  std::vector<Token> toks_;
  size_t i_ = 0;
};

bool is_leaf(const QueryNode& n) {
  return n.kind != QueryNode::Kind::kAnd && n.kind != QueryNode::Kind::kOr && n.kind != QueryNode::Kind::kNot;
}

// Structural rules that make every valid tree evaluable by set algebra without a
// "universe" of all documents: a kNot is a child of a kAnd that also has a
// non-kNot child; at most kMaxLeaves leaves.
Status check_tree(const QueryNode& n, size_t& leaves) {
  if (is_leaf(n)) {
    if (++leaves > kMaxLeaves) {
      return Status::too_large(col_msg(n.column, "more than " + std::to_string(kMaxLeaves) + " terms"));
    }
    return Status::ok();
  }
  bool has_positive_child = false;
  for (const auto& c : n.children) {
    if (c.kind == QueryNode::Kind::kNot) {
      if (n.kind != QueryNode::Kind::kAnd) {
        return Status::invalid_argument(
            col_msg(c.column, "an excluded term cannot stand alone here; put a positive term beside it"));
      }
    } else {
      has_positive_child = true;
    }
    WENYUAN_RETURN_IF_ERROR(check_tree(c, leaves));
  }
  if (n.kind == QueryNode::Kind::kAnd && !has_positive_child) {
    return Status::invalid_argument(
        col_msg(n.column, "a group of only excluded terms; put a positive term beside them"));
  }
  return Status::ok();
}

bool has_positive_term(const QueryNode& n) {
  if (n.kind == QueryNode::Kind::kTerm) return true;
  if (n.kind == QueryNode::Kind::kNot) return false;
  return std::any_of(n.children.begin(), n.children.end(), has_positive_term);
}

void collect_positive(const QueryNode& n, std::vector<const QueryNode*>& out) {
  if (n.kind == QueryNode::Kind::kTerm) out.push_back(&n);
  if (n.kind == QueryNode::Kind::kNot) return;
  for (const auto& c : n.children) collect_positive(c, out);
}

}  // namespace

Result<Query> parse_query(std::string_view q) {
  // Decode, rejecting ill-formed UTF-8 with the column of the first bad byte.
  std::u32string cps;
  cps.reserve(q.size());
  for (size_t i = 0; i < q.size();) {
    const size_t before = i;
    const char32_t c = text::decode_one(q, i);
    if (c == 0xFFFD && i - before == 1) {
      return Status::invalid_argument(col_msg(cps.size() + 1, "invalid UTF-8"));
    }
    cps.push_back(c);
    if (cps.size() > kMaxQueryChars) {
      return Status::too_large(col_msg(kMaxQueryChars + 1, "query longer than " + std::to_string(kMaxQueryChars) +
                                                               " characters"));
    }
  }
  if (std::all_of(cps.begin(), cps.end(), is_space)) {
    return Status::invalid_argument(col_msg(1, "empty query"));
  }
  WENYUAN_ASSIGN_OR_RETURN(auto toks, Lexer(cps).run());
  WENYUAN_ASSIGN_OR_RETURN(auto root, Parser(std::move(toks)).run());
  if (root.kind == QueryNode::Kind::kNot || !has_positive_term(root)) {
    return Status::invalid_argument(col_msg(root.column, "the query has no positive term (only exclusions or filters)"));
  }
  size_t leaves = 0;
  WENYUAN_RETURN_IF_ERROR(check_tree(root, leaves));
  return Query{std::string(q), std::move(root)};
}

bool source_matches(const QueryNode& filter, std::string_view source) {
  if (!filter.prefix) return source == filter.text;
  if (source.size() < filter.text.size()) return false;
  for (size_t i = 0; i < filter.text.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(source[i]) != lower(filter.text[i])) return false;
  }
  return true;
}

std::vector<const QueryNode*> positive_terms(const QueryNode& root) {
  std::vector<const QueryNode*> out;
  collect_positive(root, out);
  return out;
}

bool parse_year_range(std::string_view s, bool open_ends, int& from, int& to) {
  const size_t dots = s.find("..");
  if (dots == std::string_view::npos) return parse_year(s, from) && parse_year(s, to);
  const std::string_view a = s.substr(0, dots), b = s.substr(dots + 2);
  auto end = [open_ends](std::string_view d, int fallback, int& out) {
    if (d.empty() && open_ends) {
      out = fallback;
      return true;
    }
    return parse_year(d, out);
  };
  return end(a, 1, from) && end(b, 9999, to);
}

}  // namespace wenyuan::search

// The query language (parse -> tree). Execution lives in search/engine.
//
//   terms separated by whitespace are ANDed      党建 工作总结
//   "…" quotes a term that contains spaces       "Party building"
//   A | B   or   A OR B                          OR binds tighter than AND
//   A AND B   A 与 B   A 且 B                      the same as A B
//   -term   -"…"   -(…)                          excludes
//   ( … )                                        groups
//   title:X  heading:X                           term restricted to a field
//   year:2023  year:2019..2023                   filters
//   source:X  category:X  type:X                 filters: source: matches a source that
//                                                starts with X (ASCII case-insensitive),
//                                                category: and type: (the 文种) the exact value
//
// A malformed query is an error naming what and where (1-based column in code
// points), never a silent reinterpretation.
//
// Lexical rules:
//   - ASCII ( ) | " are syntax, and so are their IME forms: ｜ is '|', “…” at the start
//     of a token is a phrase like "…" (an unpaired “, or one inside a word, is a
//     character), and （…） groups — but only when it encloses a space or a '|' (so
//     （一） and 第（三）条 are still searched verbatim);
//   - AND, 与 and 且 as standalone words are the implicit AND (they need a term on
//     each side); quote them to search for them;
//   - words are separated by Unicode White_Space (including U+3000);
//   - '|' always separates: a|b is a OR b; OR is an operator only as a standalone
//     uppercase bareword (quote it to search for it: "OR");
//   - '-' excludes only at the start of a token ("2019-2023" is one term); it must be
//     followed directly by a term, a quoted phrase or a group;
//   - quotes have no escapes: a phrase runs to the next ASCII '"';
//   - a field prefix is recognised for title: heading: year: source: category: type:
//     (ASCII, any case; the full-width colon ： too); other ASCII letters before a
//     colon are an error naming the fields ("unknown field 'foo:'"), except a URL
//     (http://…); any other "x:" stays part of a plain term (10:30, 附件1:).
//     A field value is a bareword or a quoted phrase (source:"国务院 公报");
//   - year values may use full-width digits (year:２０２３).
// Structural rules (so every tree is evaluable by set algebra, without a universe
// of all documents): a kNot is only a child of a kAnd that has a non-kNot child
// (so "a | -b" and "a | (-b -c)" are errors, "a (-b -c)" is a -b -c); nested ANDs
// and ORs are flattened; a one-child group is its child; the query needs at least
// one positive kTerm. Limits: 4096 code points, 64 leaves (terms and filters),
// parentheses 32 deep (kTooLarge). Ill-formed UTF-8 is "column N: invalid UTF-8".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::search {

enum class Field { kAny, kTitle, kHeading };

struct QueryNode {
  enum class Kind {
    kTerm,      // `text`/`normalized` in `field`
    kAnd,       // all children
    kOr,        // any child
    kNot,       // one child, excluded (only meaningful inside an AND with a positive part)
    kYear,      // year_from..year_to inclusive
    kSource,    // metadata equals `text` (or, with `prefix`, starts with it: source_matches)
    kCategory,  // metadata equals `text`
    kType,      // the 文种 (doc::Document::type, public) equals `text`
  };
  Kind kind = Kind::kTerm;
  Field field = Field::kAny;
  std::string text;            // the term as written (without quotes)
  std::u32string normalized;   // text::Normalizer of `text` (non-empty for kTerm)
  int year_from = 0;
  int year_to = 0;
  bool prefix = false;         // kSource: match sources starting with `text` (the query's source:)
  int column = 0;              // 1-based code point column where the node starts
  std::vector<QueryNode> children;
};

struct Query {
  std::string source;  // the query string as given
  QueryNode root;
};

// Parses `q`. Errors: empty query, unbalanced parentheses or quotes, dangling
// OR/|, a term that normalizes to nothing, an empty field value, bad year, a
// query with no positive term ("-x" alone), the limits above. Message:
// "column N: what is wrong". Never crashes, whatever the bytes.
Result<Query> parse_query(std::string_view q);

// The one rule for a year range, wherever one is typed (year: in a query, the
// year= filter of /api/search, `wenyuan list --year`): "2023" or "2019..2023",
// each year 1..9999 in ASCII digits (at most 4). With `open_ends`, either side
// of ".." may be left out and stands for 1 or 9999. The order (from <= to) is
// the caller's to check, so it can say so in its own words.
bool parse_year_range(std::string_view s, bool open_ends, int& from, int& to);
// Whether a kSource filter accepts a document's `source`: equal, or with
// `filter.prefix` (what source: in a query means) starting with `filter.text`,
// ASCII case-insensitively — people type 国务院 for 国务院办公厅, gov for gov.cn.
bool source_matches(const QueryNode& filter, std::string_view source);

// All positive kTerm nodes (not under a kNot), for highlighting.
std::vector<const QueryNode*> positive_terms(const QueryNode& root);

}  // namespace wenyuan::search

// The query language (parse -> tree). Execution lives in search/engine.
//
//   terms separated by whitespace are ANDed      党建 工作总结
//   "…" quotes a term that contains spaces       "Party building"
//   A | B   or   A OR B                          OR binds tighter than AND
//   -term   -"…"   -(…)                          excludes
//   ( … )                                        groups
//   title:X  heading:X                           term restricted to a field
//   year:2023  year:2019..2023                   filters
//   source:X  category:X                         filters (exact match of the metadata value)
//
// A malformed query is an error naming what and where (1-based column in code
// points), never a silent reinterpretation.
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
    kSource,    // metadata equals `text`
    kCategory,  // metadata equals `text`
  };
  Kind kind = Kind::kTerm;
  Field field = Field::kAny;
  std::string text;            // the term as written (without quotes)
  std::u32string normalized;   // text::Normalizer of `text` (non-empty for kTerm)
  int year_from = 0;
  int year_to = 0;
  int column = 0;              // 1-based code point column where the node starts
  std::vector<QueryNode> children;
};

struct Query {
  std::string source;  // the query string as given
  QueryNode root;
};

// Parses `q`. Errors: empty query, unbalanced parentheses or quotes, dangling
// OR/|, a term that normalizes to nothing, unknown field, bad year, a query
// with no positive term ("-x" alone). Message: "column N: what is wrong".
Result<Query> parse_query(std::string_view q);

// All positive kTerm nodes (not under a kNot), for highlighting.
std::vector<const QueryNode*> positive_terms(const QueryNode& root);

}  // namespace wenyuan::search

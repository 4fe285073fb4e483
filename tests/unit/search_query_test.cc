// The query language: structure of parsed trees, every documented error with its
// column, and robustness on 100k random inputs.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "wenyuan/search/query.h"
#include "wenyuan/text/normalize.h"

namespace wenyuan::search {
namespace {

using K = QueryNode::Kind;

QueryNode parse_ok(std::string_view q) {
  auto r = parse_query(q);
  EXPECT_TRUE(r.is_ok()) << q << " -> " << r.status().message();
  if (!r.is_ok()) return {};
  return r->root;
}

std::string parse_err(std::string_view q) {
  auto r = parse_query(q);
  EXPECT_FALSE(r.is_ok()) << q << " parsed, but should not";
  return r.is_ok() ? std::string() : r.status().message();
}

// A compact rendering of the tree, for structural assertions.
std::string show(const QueryNode& n) {
  auto kids = [&](const char* op) {
    std::string s = std::string("(") + op;
    for (const auto& c : n.children) s += " " + show(c);
    return s + ")";
  };
  switch (n.kind) {
    case K::kTerm: {
      const char* f = n.field == Field::kTitle ? "title:" : n.field == Field::kHeading ? "heading:" : "";
      return f + std::string("[") + n.text + "]";
    }
    case K::kAnd: return kids("AND");
    case K::kOr: return kids("OR");
    case K::kNot: return kids("NOT");
    case K::kYear: return "year:" + std::to_string(n.year_from) + ".." + std::to_string(n.year_to);
    case K::kSource: return "source=" + n.text;
    case K::kCategory: return "category=" + n.text;
    case K::kType: return "type=" + n.text;
  }
  return "?";
}

std::string tree(std::string_view q) { return show(parse_ok(q)); }

TEST(ParseQuery, ImplicitAndOrBindsTighter) {
  EXPECT_EQ(tree("党建 工作总结"), "(AND [党建] [工作总结])");
  EXPECT_EQ(tree("a b | c"), "(AND [a] (OR [b] [c]))");
  EXPECT_EQ(tree("a OR b OR c"), "(OR [a] [b] [c])");
  EXPECT_EQ(tree("a|b"), "(OR [a] [b])");
  EXPECT_EQ(tree("(a b) | c"), "(OR (AND [a] [b]) [c])");
  EXPECT_EQ(tree("((a))"), "[a]");
  EXPECT_EQ(tree("a (b c)"), "(AND [a] [b] [c])");  // flattened
  EXPECT_EQ(tree("(a|b)|c"), "(OR [a] [b] [c])");
}

TEST(ParseQuery, OrIsAnOperatorOnlyAsAStandaloneUppercaseWord) {
  EXPECT_EQ(tree("a or b"), "(AND [a] [or] [b])");
  EXPECT_EQ(tree("ORACLE"), "[ORACLE]");
  EXPECT_EQ(tree("\"OR\" a"), "(AND [OR] [a])");
}

TEST(ParseQuery, NegationAndFilters) {
  EXPECT_EQ(tree("a -b"), "(AND [a] (NOT [b]))");
  EXPECT_EQ(tree("a -(b|c)"), "(AND [a] (NOT (OR [b] [c])))");
  EXPECT_EQ(tree("a -\"b c\""), "(AND [a] (NOT [b c]))");
  EXPECT_EQ(tree("(-b -c) a"), "(AND (NOT [b]) (NOT [c]) [a])");
  EXPECT_EQ(tree("2019-2023 COVID-19"), "(AND [2019-2023] [COVID-19])");
  EXPECT_EQ(tree("a -year:2020"), "(AND [a] (NOT year:2020..2020))");
  EXPECT_EQ(tree("title:条例 year:2019..2023"), "(AND title:[条例] year:2019..2023)");
  EXPECT_EQ(tree("heading:总则 a"), "(AND heading:[总则] [a])");
  EXPECT_EQ(tree("TITLE:x a"), "(AND title:[x] [a])");
  EXPECT_EQ(tree("source:\"国务院 公报\" a"), "(AND source=国务院 公报 [a])");
  EXPECT_EQ(tree("category:行政法规 a"), "(AND category=行政法规 [a])");
  EXPECT_EQ(tree("a year:２０２３"), "(AND [a] year:2023..2023)");
}

TEST(ParseQuery, FullWidthSyntaxAsAnImeTypesIt) {
  // （…） enclosing no space or '|' is a term: the 公文 numbering people search for.
  EXPECT_EQ(tree("（一）"), "[（一）]");
  EXPECT_EQ(tree("第（三）条"), "[第（三）条]");
  EXPECT_EQ(tree("（一） 总则"), "(AND [（一）] [总则])");
  // ... and groups when it encloses a query.
  EXPECT_EQ(tree("（国旗 | 国徽） 法"), "(AND (OR [国旗] [国徽]) [法])");
  EXPECT_EQ(tree("法 -（国旗 国徽）"), "(AND [法] (NOT (AND [国旗] [国徽])))");
  EXPECT_EQ(tree("（a （b c））"), "(AND [a] [b] [c])");
  EXPECT_EQ(tree("（a b"), "(AND [（a] [b])");  // unclosed: characters, not syntax
  // “…” is a phrase, ｜ is '|'.
  EXPECT_EQ(tree("“两个维护”"), "[两个维护]");
  EXPECT_EQ(tree("“国务院 公报” a"), "(AND [国务院 公报] [a])");
  EXPECT_EQ(tree("a｜b"), "(OR [a] [b])");
  EXPECT_EQ(tree("党建　工作"), "(AND [党建] [工作])");  // U+3000 separates words
  EXPECT_EQ(tree("title：条例"), "title:[条例]");
  EXPECT_EQ(tree("a “b c"), "(AND [a] [“b] [c])");  // unpaired: a character
  EXPECT_EQ(tree("坚持“两个维护”"), "[坚持“两个维护”]");  // inside a word: characters
}

TEST(ParseQuery, AndYuQieAreTheImplicitAnd) {
  EXPECT_EQ(tree("高质量 AND 发展"), "(AND [高质量] [发展])");
  EXPECT_EQ(tree("高质量 与 发展"), "(AND [高质量] [发展])");
  EXPECT_EQ(tree("a 且 b | c"), "(AND [a] (OR [b] [c]))");
  EXPECT_EQ(tree("\"AND\" a"), "(AND [AND] [a])");
  EXPECT_EQ(tree("与会 参与"), "(AND [与会] [参与])");  // only standalone
  EXPECT_EQ(parse_err("AND a"), "column 1: 'AND' needs a term before it");
  EXPECT_EQ(parse_err("a 与"), "column 3: '与' needs a term after it");
  EXPECT_EQ(parse_err("a AND | b"), "column 3: 'AND' needs a term after it");
  EXPECT_EQ(parse_err("a | AND b"), "column 3: '|' needs a term after it");
}

TEST(ParseQuery, UnknownFieldIsAnErrorThatListsTheFields) {
  EXPECT_EQ(parse_err("a foo:bar"),
            "column 3: unknown field 'foo:' (fields: title: heading: year: source: category: type:)");
  EXPECT_EQ(parse_err("Titel:\"x\""),
            "column 1: unknown field 'Titel:' (fields: title: heading: year: source: category: type:)");
  EXPECT_EQ(tree("http://www.gov.cn"), "[http://www.gov.cn]");
  EXPECT_EQ(tree("10:30"), "[10:30]");
  EXPECT_EQ(tree("附件1:"), "[附件1:]");
  EXPECT_EQ(tree("note:"), "[note:]");  // no value: nothing was meant as a field
  EXPECT_EQ(tree("title:a:b"), "title:[a:b]");
}

TEST(ParseQuery, TypeIsAFilterOnTheWenzhong) {
  EXPECT_EQ(tree("发展 type:通知"), "(AND [发展] type=通知)");
  EXPECT_EQ(tree("发展 TYPE：工作总结"), "(AND [发展] type=工作总结)");
  EXPECT_EQ(parse_err("a type:"), "column 3: 'type:' needs a value");
}

TEST(SourceMatches, QuerySourceIsAPrefixFilterParameterIsExact) {
  const QueryNode q = parse_ok("a source:国务院").children[1];
  ASSERT_EQ(q.kind, K::kSource);
  EXPECT_TRUE(source_matches(q, "国务院"));
  EXPECT_TRUE(source_matches(q, "国务院办公厅"));
  EXPECT_FALSE(source_matches(q, "中共中央 国务院"));
  EXPECT_FALSE(source_matches(q, "国务"));
  const QueryNode gov = parse_ok("a source:GOV").children[1];
  EXPECT_TRUE(source_matches(gov, "gov.cn"));
  QueryNode exact = q;
  exact.prefix = false;  // the API's ?source= (chosen from the list) is exact
  EXPECT_TRUE(source_matches(exact, "国务院"));
  EXPECT_FALSE(source_matches(exact, "国务院办公厅"));
}

TEST(ParseQuery, NormalizedAndColumns) {
  const QueryNode root = parse_ok("經濟  ＡＢ\"x y\"");
  ASSERT_EQ(root.kind, K::kAnd);
  ASSERT_EQ(root.children.size(), 3u);
  const auto& norm = text::Normalizer::instance();
  EXPECT_EQ(root.children[0].normalized, norm.normalize("經濟"));
  EXPECT_EQ(root.children[0].normalized, norm.normalize("经济"));
  EXPECT_EQ(root.children[0].column, 1);
  EXPECT_EQ(root.children[1].column, 5);
  EXPECT_EQ(root.children[1].normalized, U"ab");
  EXPECT_EQ(root.children[2].column, 7);
  EXPECT_EQ(root.children[2].text, "x y");
  EXPECT_EQ(root.children[2].normalized, U"xy");
  // Supplementary-plane characters count one column each.
  const QueryNode sup = parse_ok("\U00030F84 鋂");
  ASSERT_EQ(sup.children.size(), 2u);
  EXPECT_EQ(sup.children[1].column, 3);
}

TEST(ParseQuery, ErrorsNameTheColumn) {
  EXPECT_EQ(parse_err(""), "column 1: empty query");
  EXPECT_EQ(parse_err("  \t　"), "column 1: empty query");
  EXPECT_EQ(parse_err("a \"b c"), "column 3: unclosed quote");
  EXPECT_EQ(parse_err("a (b c"), "column 3: '(' is not closed");
  EXPECT_EQ(parse_err("a b)"), "column 4: ')' has no matching '('");
  EXPECT_EQ(parse_err("a ()"), "column 3: empty parentheses");
  EXPECT_EQ(parse_err("OR a"), "column 1: 'OR' needs a term before it");
  EXPECT_EQ(parse_err("| a"), "column 1: '|' needs a term before it");
  EXPECT_EQ(parse_err("a OR"), "column 3: 'OR' needs a term after it");
  EXPECT_EQ(parse_err("a | | b"), "column 3: '|' needs a term after it");
  EXPECT_EQ(parse_err("a (b |)"), "column 6: '|' needs a term after it");
  EXPECT_EQ(parse_err("a -"), "column 3: '-' must be followed by a term, a quoted phrase or a group");
  EXPECT_EQ(parse_err("a - b"), "column 3: '-' must be followed by a term, a quoted phrase or a group");
  EXPECT_EQ(parse_err("a --b"), "column 3: '-' must be followed by a term, a quoted phrase or a group");
  EXPECT_EQ(parse_err("a \"   \""), "column 3: \"   \" has no searchable characters");
  EXPECT_EQ(parse_err("a title:"), "column 3: 'title:' needs a value");
  EXPECT_EQ(parse_err("a source:\"\""), "column 3: 'source:' needs a value");
  EXPECT_EQ(parse_err("a year:0"), "column 3: bad year \"0\" (want YYYY or YYYY..YYYY, 1..9999)");
  EXPECT_EQ(parse_err("a year:10000"), "column 3: bad year \"10000\" (want YYYY or YYYY..YYYY, 1..9999)");
  EXPECT_EQ(parse_err("a year:20x1"), "column 3: bad year \"20x1\" (want YYYY or YYYY..YYYY, 1..9999)");
  EXPECT_EQ(parse_err("a year:2019.."), "column 3: bad year \"2019..\" (want YYYY or YYYY..YYYY, 1..9999)");
  EXPECT_EQ(parse_err("a year:2023..2019"), "column 3: year range \"2023..2019\" runs backwards");
  EXPECT_EQ(parse_err("-x"), "column 1: the query has no positive term (only exclusions or filters)");
  EXPECT_EQ(parse_err("-(a|b)"), "column 1: the query has no positive term (only exclusions or filters)");
  EXPECT_EQ(parse_err("year:2020 source:x"), "column 1: the query has no positive term (only exclusions or filters)");
  EXPECT_EQ(parse_err("a | -b"), "column 5: an excluded term cannot stand alone here; put a positive term beside it");
  EXPECT_EQ(parse_err("a | (-b -c)"), "column 6: a group of only excluded terms; put a positive term beside them");
  EXPECT_EQ(parse_err("ab\xFF" "c"), "column 3: invalid UTF-8");
  EXPECT_EQ(parse_err("经\xE6\xB5"), "column 2: invalid UTF-8");
}

TEST(ParseQuery, ResourceLimits) {
  std::string q(4096, 'a');
  EXPECT_TRUE(parse_query(q).is_ok());
  q.push_back('a');
  auto r = parse_query(q);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(r.status().message(), "column 4097: query longer than 4096 characters");

  std::string many;
  for (int i = 0; i < 64; ++i) many += "t" + std::to_string(i) + " ";
  EXPECT_TRUE(parse_query(many).is_ok());
  many += "x";
  r = parse_query(many);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(r.status().message().find("more than 64 terms"), std::string::npos);

  const std::string deep = std::string(40, '(') + "a" + std::string(40, ')');
  r = parse_query(deep);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTooLarge);
}

TEST(PositiveTerms, SkipsExcludedAndFilters) {
  auto r = parse_query("a (b | title:c) -d -(e f) year:2020");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  std::vector<std::string> got;
  for (const QueryNode* t : positive_terms(r->root)) got.push_back(t->text);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));
}

// Every kTerm has a non-empty normalized form; every kNot sits in a kAnd beside a
// positive child; columns are within the query.
void check_invariants(const QueryNode& n, size_t query_chars, const std::string& q) {
  ASSERT_GE(n.column, 1) << q;
  ASSERT_LE(static_cast<size_t>(n.column), query_chars + 1) << q;
  if (n.kind == K::kTerm) { ASSERT_FALSE(n.normalized.empty()) << q; }
  if (n.kind == K::kNot) { ASSERT_EQ(n.children.size(), 1u) << q; }
  if (n.kind == K::kAnd || n.kind == K::kOr) { ASSERT_GE(n.children.size(), 2u) << q; }
  bool positive = false;
  for (const auto& c : n.children) {
    if (c.kind == K::kNot) {
      ASSERT_EQ(n.kind, K::kAnd) << q;
    } else {
      positive = true;
    }
    check_invariants(c, query_chars, q);
  }
  if (n.kind == K::kAnd) { ASSERT_TRUE(positive) << q; }
}

TEST(ParseQuery, RandomInputsNeverCrash) {
  const std::vector<std::string> alphabet = {
      "(", ")", "|", "\"", "-", " ", " ", "OR", "title:", "heading:", "year:", "2020", "..", "source:",
      "category:", ":", "党", "建", "經", "济", "（", "）", "“", "”", "　", "ａ", "x", "1", "\U00030F84",
      "\xFF", "\xE5", "\x80", "\xED\xA0\x80", "\xF0\x9F", "\t", "\n", "\u200B", "\u0301", "\0"};
  std::mt19937 rng(20240611);
  size_t ok = 0, errors = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string q;
    const int len = std::uniform_int_distribution<int>(0, 24)(rng);
    for (int k = 0; k < len; ++k) q += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    auto r = parse_query(q);
    if (!r.is_ok()) {
      ++errors;
      const std::string& m = r.status().message();
      ASSERT_EQ(m.rfind("column ", 0), 0u) << q << " -> " << m;
      continue;
    }
    ++ok;
    ASSERT_FALSE(positive_terms(r->root).empty()) << q;
    check_invariants(r->root, q.size(), q);
  }
  // Both outcomes must actually be exercised, or the test proves nothing.
  EXPECT_GT(ok, 1000u);
  EXPECT_GT(errors, 1000u);
}

// The one year-range rule (query year:, /api/search year=, wenyuan list --year).
TEST(YearRange, OneRuleForEveryPlaceAYearIsTyped) {
  int from = 0, to = 0;
  EXPECT_TRUE(parse_year_range("2023", false, from, to));
  EXPECT_EQ(from, 2023);
  EXPECT_EQ(to, 2023);
  EXPECT_TRUE(parse_year_range("2019..2023", false, from, to));
  EXPECT_EQ(from, 2019);
  EXPECT_EQ(to, 2023);
  EXPECT_TRUE(parse_year_range("..2023", true, from, to));
  EXPECT_EQ(from, 1);
  EXPECT_EQ(to, 2023);
  EXPECT_TRUE(parse_year_range("2019..", true, from, to));
  EXPECT_EQ(from, 2019);
  EXPECT_EQ(to, 9999);
  EXPECT_FALSE(parse_year_range("..2023", false, from, to));
  EXPECT_FALSE(parse_year_range("2019..", false, from, to));
  // The CLI once took "2019..2023x" for 2019..2023 (std::stoi stops at the x).
  for (const char* bad : {"2019..2023x", "2023x", "x2023", "0", "10000", "20230", "-1", "", "2019...2023", " 2023", "+2023"}) {
    EXPECT_FALSE(parse_year_range(bad, true, from, to)) << bad;
  }
  // The order is the caller's to check: parsed as written.
  EXPECT_TRUE(parse_year_range("2023..2019", true, from, to));
  EXPECT_GT(from, to);
}

// The parser recurses once per parenthesis level: deeper than 32 is an error
// (issue 14), however deep the input goes, so neither the parser nor any walk
// over the tree needs more stack than that bound allows.
TEST(QueryDepth, ParenthesesNestDeeperThan32AreRejectedNotACrash) {
  auto nested = [](size_t n) { return std::string(n, '(') + "公文" + std::string(n, ')'); };
  EXPECT_TRUE(parse_query(nested(32)).is_ok());
  EXPECT_EQ(parse_err(nested(33)), "column 33: parentheses nested deeper than 32");
  EXPECT_EQ(parse_err(nested(2'000)), "column 33: parentheses nested deeper than 32");  // within the 4096-character cap
}

}  // namespace
}  // namespace wenyuan::search

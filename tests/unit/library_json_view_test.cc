// The JSON shapes of library/json_view and their schemas (library::schemas(),
// served as /api/openapi.json's components): objects written from a real
// import and a real search have exactly the properties, and the types, their
// schemas name; every $ref resolves; and the check itself refuses an object
// with a property too many, one missing, or one of the wrong type.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "support/json_schema_check.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/library/library.h"

namespace wenyuan::library {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::schema_mismatches;

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& item : object.items()) out.insert(item.key());
  return out;
}

std::set<std::string> properties(const std::string& name) { return keys(schemas()[name]["properties"]); }

class JsonView : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("wy_json_view_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    auto lib = Library::open(*dir_ / "lib");
    ASSERT_TRUE(lib) << lib.status().message();
    lib_ = lib.value().release();
    auto report = lib_->import_paths({std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt"}, ImportOptions{});
    ASSERT_EQ(report.imported, 1u);
  }
  static void TearDownTestSuite() {
    delete lib_;
    lib_ = nullptr;
    fs::remove_all(*dir_);
    delete dir_;
  }
  static search::SearchResult search(search::SearchRequest::Unit unit) {
    search::SearchRequest r;
    r.query = "党建";
    r.unit = unit;
    auto res = lib_->engine().search(r);
    EXPECT_TRUE(res) << res.status().message();
    EXPECT_FALSE(res->hits.empty());
    return res.value();
  }
  static fs::path* dir_;
  static Library* lib_;
};
fs::path* JsonView::dir_ = nullptr;
Library* JsonView::lib_ = nullptr;

// The document view's parts, written with and without what a non-member may
// not learn (nulls), match their schemas; so does every error code.
TEST_F(JsonView, DocumentViewPartsMatchTheirSchemas) {
  for (const std::optional<uint32_t> end : {std::optional<uint32_t>(40), std::optional<uint32_t>()}) {
    EXPECT_EQ(schema_mismatches(locked_block_json(10, end, end), "Block", schemas()), "");
    EXPECT_EQ(schema_mismatches(view_region_json("body", 10, end, !end), "ViewRegion", schemas()), "");
    for (bool heading : {true, false}) {
      json e = locked_outline_entry_json("（会员内容）", 10, end, heading, "locked_heading", 2, "一、");
      EXPECT_EQ(schema_mismatches(e, "LockedOutlineEntry", schemas()), "") << e.dump();
    }
  }
  EXPECT_EQ(schema_mismatches(paragraph_block_json(0, 5, "第一条", 1), "Block", schemas()), "");
  // A block of neither kind is refused (the anyOf is not a free pass).
  EXPECT_NE(schema_mismatches(json{{"kind", "locked"}, {"start", 1}}, "Block", schemas()), "");
  for (std::string_view code : error_codes()) {
    EXPECT_EQ(schema_mismatches(error_json(code, "m"), "Error", schemas()), "") << code;
  }
}

TEST_F(JsonView, EveryReferenceResolves) {
  const json all = schemas();
  EXPECT_EQ(keys(all), (std::set<std::string>{"Year", "OutlineEntry", "Summary", "Snippet", "SearchHit", "SearchResult", "Error",
                                              "Block", "ViewRegion", "LockedOutlineEntry", "Document"}));
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object() && j.contains("$ref")) {
      const std::string ref = j["$ref"];
      EXPECT_TRUE(all.contains(ref.substr(std::string("#/components/schemas/").size()))) << ref;
    }
    if (j.is_structured()) {
      for (const auto& item : j.items()) walk(item.value());
    }
  };
  walk(all);
}

TEST_F(JsonView, SummaryAndYearMatchTheirSchemas) {
  auto list = lib_->catalog().list({});
  ASSERT_TRUE(list);
  ASSERT_FALSE(list->empty());
  for (const auto& year : {std::optional<int>(2023), std::optional<int>()}) {
    const json s = summary_json(list->front(), year);
    EXPECT_EQ(schema_mismatches(s, "Summary", schemas()), "") << s.dump();
    EXPECT_EQ(keys(s), properties("Summary"));
    EXPECT_EQ(schema_mismatches(year_json(year), "Year", schemas()), "");
  }
}

TEST_F(JsonView, OutlineEntriesMatchTheirSchema) {
  auto list = lib_->catalog().list({});
  ASSERT_TRUE(list);
  auto d = lib_->catalog().get(list->front().id);
  ASSERT_TRUE(d);
  const json outline = outline_json(d->outline);
  ASSERT_FALSE(outline.empty()) << "the sample has an outline";
  size_t nested = 0;
  for (const auto& entry : outline) {
    EXPECT_EQ(schema_mismatches(entry, "OutlineEntry", schemas()), "") << entry.dump();
    EXPECT_EQ(keys(entry), properties("OutlineEntry"));
    nested += entry["children"].size();
  }
  EXPECT_GT(nested, 0u) << "children were checked too";
}

TEST_F(JsonView, SearchResultsMatchTheirSchemas) {
  for (auto unit : {search::SearchRequest::Unit::kDocument, search::SearchRequest::Unit::kParagraph}) {
    const auto r = search(unit);
    json hits = json::array();
    for (const auto& h : r.hits) {
      json snippets = json::array();
      for (const auto& s : h.snippets) snippets.push_back(snippet_json(s.text, s.start, s.end, s.highlights));
      snippets.push_back(locked_snippet_json());
      hits.push_back(search_hit_json(h, "free", std::move(snippets)));
    }
    hits.push_back(search_hit_json(r.hits.front(), std::nullopt, json::array()));  // a vanished document
    const json result = search_result_json("党建", r.total, 1, 10, r.took_us, hits);
    EXPECT_EQ(schema_mismatches(result, "SearchResult", schemas()), "") << result.dump();
    EXPECT_EQ(keys(result), properties("SearchResult"));
    const json& first = result["hits"][0];
    ASSERT_GT(first["snippets"].size(), 1u);
    // Every property, where each can be: a paragraph hit, a readable snippet.
    if (unit == search::SearchRequest::Unit::kParagraph) {
      EXPECT_EQ(keys(first), properties("SearchHit"));
    }
    EXPECT_EQ(keys(first["snippets"][0]), properties("Snippet"));
  }
}

TEST_F(JsonView, TheCheckRefusesWhatDiffersFromTheSchema) {
  auto list = lib_->catalog().list({});
  ASSERT_TRUE(list);
  const json good = summary_json(list->front(), 2023);
  ASSERT_EQ(schema_mismatches(good, "Summary", schemas()), "");
  json extra = good;
  extra["category"] = "党建";
  EXPECT_NE(schema_mismatches(extra, "Summary", schemas()).find("property category not in the schema"),
            std::string::npos);
  json missing = good;
  missing.erase("source");
  EXPECT_NE(schema_mismatches(missing, "Summary", schemas()).find("missing source"), std::string::npos);
  json wrong = good;
  wrong["year"] = "2023";
  EXPECT_NE(schema_mismatches(wrong, "Summary", schemas()).find("Summary.year: string, not integer"),
            std::string::npos);
  json null_title = good;
  null_title["title"] = nullptr;
  EXPECT_NE(schema_mismatches(null_title, "Summary", schemas()), "");
  json bad_access = search_hit_json(search(search::SearchRequest::Unit::kDocument).hits.front(), "gratis", json::array());
  EXPECT_NE(schema_mismatches(bad_access, "SearchHit", schemas()).find("not in the enum"), std::string::npos);
}

}  // namespace
}  // namespace wenyuan::library

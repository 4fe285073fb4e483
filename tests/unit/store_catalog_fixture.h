// The shared part of the catalog tests: real sample documents with every field
// set, field-by-field comparison, and a fixture with a fresh catalog file.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <utility>
#include <nlohmann/json.hpp>

#include "wenyuan/store/catalog.h"
#include "wenyuan/store/codec.h"
#include "wenyuan/store/schema.h"
#include "wenyuan/store/sqlite_db.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::store::testing_support {

namespace fs = std::filesystem;

// One corpus record, as the test turns it into a Document.
struct Sample {
  std::string title, text, date, source, category;
};

inline std::vector<Sample> load_samples() {
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::vector<Sample> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    Sample s;
    s.title = j.at("title").get<std::string>();
    s.text = j.at("text").get<std::string>();
    s.date = j.value("date", "");
    // The corpus source is a URL per document; group by host so filters and
    // stats have something to group ("github.com", "zh.wikisource.org", ...).
    std::string src = j.value("source", "");
    if (src.rfind("https://", 0) == 0) src = src.substr(8);
    s.source = src.substr(0, src.find('/'));
    s.category = j.value("category", "");
    out.push_back(std::move(s));
  }
  return out;
}

inline const std::vector<Sample>& samples() {
  static const std::vector<Sample> s = load_samples();
  return s;
}

inline std::optional<int> year_of(const std::string& date) {
  if (date.size() >= 4 && std::all_of(date.begin(), date.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return std::stoi(date.substr(0, 4));
  }
  return std::nullopt;
}

// Code point offset of the byte offset `b` (a code point boundary) of a text
// whose boundaries are `offsets` (text::code_point_byte_offsets).
inline uint32_t cp(const std::vector<uint32_t>& offsets, size_t b) {
  return static_cast<uint32_t>(std::lower_bound(offsets.begin(), offsets.end(), b) - offsets.begin());
}

// A Document with every field set from real text: paragraphs at '\n', sentences
// at '。', an outline from the 第…条 articles (or the first lines), a paid
// second half, one removal.
inline doc::Document make_document(const Sample& s, const std::string& id) {
  doc::Document d;
  d.id = id;
  d.title = s.title;
  d.year = year_of(s.date);
  d.date = s.date;
  d.source = s.source;
  d.category = s.category;
  d.issuer = s.category.empty() ? "国务院" : "全国人民代表大会常务委员会";
  d.tags = {"样本", s.source};
  d.access = doc::Access::kPaid;
  d.format = "jsonl";
  d.encoding = "UTF-8";
  d.origin = "corpus_sample.jsonl:" + id;
  d.original = nlohmann::json{{"title", s.title}, {"text", s.text}, {"date", s.date}}.dump();
  d.text = s.text;
  d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
  const uint32_t half = d.text_chars / 2;
  const std::vector<uint32_t> offsets = text::code_point_byte_offsets(d.text);
  d.regions = {{doc::RegionKind::kPreview, 0, half}, {doc::RegionKind::kPaid, half, d.text_chars}};
  size_t b = 0;
  while (b <= d.text.size()) {
    size_t e = d.text.find('\n', b);
    if (e == std::string::npos) e = d.text.size();
    if (e > b) d.paragraphs.push_back({cp(offsets, b), cp(offsets, e)});
    b = e + 1;
  }
  const std::string stop = "。";
  b = 0;
  for (size_t e = d.text.find(stop); e != std::string::npos; e = d.text.find(stop, b)) {
    d.sentences.push_back({cp(offsets, b), cp(offsets, e + stop.size())});
    b = e + stop.size();
  }
  // Two top-level nodes, the first with two children, from real lines.
  std::vector<doc::Span> heads;
  for (const doc::Span& p : d.paragraphs) {
    if (heads.size() == 4) break;
    heads.push_back(p);
  }
  if (heads.size() == 4) {
    auto node = [&](int level, const doc::Span& h, uint32_t end) {
      doc::OutlineNode n;
      n.level = level;
      n.kind = level == 1 ? doc::OutlineKind::kChapter : doc::OutlineKind::kArticle;
      n.marker = text::substr_code_points(d.text, h.start, std::min(h.start + 2, h.end));
      n.title = text::substr_code_points(d.text, std::min(h.start + 2, h.end), h.end);
      n.start = h.start;
      n.end = end;
      n.heading = h;
      return n;
    };
    doc::OutlineNode first = node(1, heads[0], heads[3].start);
    first.children.push_back(node(2, heads[1], heads[2].start));
    first.children.push_back(node(2, heads[2], heads[3].start));
    d.outline = {first, node(1, heads[3], d.text_chars)};
  }
  d.removed = {{"paywall_marker", "##paidbegin##", half}, {"promo_line", "关注公众号“公文库”", d.text_chars}};
  d.content_hash = "sha256-" + std::to_string(std::hash<std::string>{}(d.title + '\0' + d.text + "paid"));
  d.imported_at = 1'700'000'000 + static_cast<int64_t>(std::hash<std::string>{}(id) % 1000);
  return d;
}

inline void expect_same_outline(const std::vector<doc::OutlineNode>& a, const std::vector<doc::OutlineNode>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].level, b[i].level);
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].marker, b[i].marker);
    EXPECT_EQ(a[i].title, b[i].title);
    EXPECT_EQ(a[i].start, b[i].start);
    EXPECT_EQ(a[i].end, b[i].end);
    EXPECT_EQ(a[i].heading.start, b[i].heading.start);
    EXPECT_EQ(a[i].heading.end, b[i].heading.end);
    expect_same_outline(a[i].children, b[i].children);
  }
}

inline void expect_same_spans(const std::vector<doc::Span>& a, const std::vector<doc::Span>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].start, b[i].start) << i;
    EXPECT_EQ(a[i].end, b[i].end) << i;
  }
}

// `field(x)` of every element of `v`: a list compared in one EXPECT_EQ, which
// prints both sides when they differ.
template <typename T, typename F>
auto fields_of(const std::vector<T>& v, F field) {
  std::vector<decltype(field(std::declval<const T&>()))> out;
  for (const T& x : v) out.push_back(field(x));
  return out;
}

// Every field; `original` only when `with_original`.
inline void expect_same_document(const doc::Document& a, const doc::Document& b, bool with_original) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.year, b.year);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.issuer, b.issuer);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.access, b.access);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.encoding, b.encoding);
  EXPECT_EQ(a.origin, b.origin);
  if (with_original) {
    EXPECT_EQ(a.original, b.original);
  }
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.text_chars, b.text_chars);
  const auto region = [](const doc::Region& r) { return std::tuple(static_cast<int>(r.kind), r.start, r.end); };
  EXPECT_EQ(fields_of(a.regions, region), fields_of(b.regions, region));
  expect_same_outline(a.outline, b.outline);
  expect_same_spans(a.paragraphs, b.paragraphs);
  expect_same_spans(a.sentences, b.sentences);
  const auto removal = [](const doc::Removed& r) { return std::tuple(r.reason, r.text, r.position); };
  EXPECT_EQ(fields_of(a.removed, removal), fields_of(b.removed, removal));
  EXPECT_EQ(a.content_hash, b.content_hash);
  EXPECT_EQ(a.imported_at, b.imported_at);
}

inline std::string doc_id(size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "doc-%03zu", i);
  return buf;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("wenyuan_store_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "catalog.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Catalog> open_catalog() {
    auto c = Catalog::open(path_);
    EXPECT_TRUE(c.is_ok()) << c.status().message();
    return c.is_ok() ? std::move(c).value() : nullptr;
  }

  // Raw SQL on the catalog file, for checks the API does not offer.
  static Result<sqlite::Db> raw(const fs::path& path) {
    auto db = sqlite::Db::open(path.string());
    if (db.is_ok()) sqlite3_busy_timeout(db->get(), 10'000);
    return db;
  }
  int64_t sql_int(const std::string& sql) {
    auto db = raw(path_);
    EXPECT_TRUE(db.is_ok());
    auto v = db->query_int(sql);
    EXPECT_TRUE(v.is_ok()) << sql << ": " << v.status().message();
    return v.is_ok() ? *v : -1;
  }
  std::string sql_text(const std::string& sql) {
    auto db = raw(path_);
    auto v = db->query_text(sql);
    EXPECT_TRUE(v.is_ok()) << sql << ": " << v.status().message();
    return v.is_ok() ? *v : "";
  }
  void sql_exec(const std::string& sql) {
    auto db = raw(path_);
    ASSERT_TRUE(db.is_ok());
    Status st = db->exec(sql);
    ASSERT_TRUE(st.is_ok()) << st.message();
  }

  // The rest of a document as an older schema wrote it by hand (the tests of
  // migrations insert its documents row themselves): the bodies row (rowid 1:
  // the first document) with the original compressed at `original_level`,
  // and its change-log entry.
  static void insert_old_body(const sqlite::Db& db, const doc::Document& d, int original_level = 3) {
    auto body = db.prepare("INSERT INTO bodies VALUES (1, ?1, ?2, ?3, ?4)");
    ASSERT_TRUE(body.is_ok()) << body.status().message();
    body->bind_blob(1, compress(d.original, original_level));
    body->bind_blob(2, compress(d.text));
    body->bind_blob(3, spans_to_blob(d.paragraphs));
    body->bind_blob(4, spans_to_blob(d.sentences));
    ASSERT_TRUE(body->run().is_ok());
    ASSERT_TRUE(db.exec("INSERT INTO changes (id, deleted) VALUES ('" + d.id + "', 0)").is_ok());
  }

  // The closed catalog at path_ made a catalog of schema `version` holding the
  // same documents and bodies: a file migrated to `version`, the rows copied
  // column by column (the columns `version` has), for tests of the steps after
  // it. Change-log, edge-line and cluster rows are not copied.
  void as_older_catalog(int version) {
    const fs::path latest = dir_ / "latest.db";
    fs::remove(latest);
    fs::rename(path_, latest);
    auto db = raw(path_);
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(migrate(*db, version).is_ok());
    ASSERT_TRUE(db->exec("ATTACH DATABASE '" + latest.string() + "' AS src").is_ok());
    for (const char* table : {"documents", "bodies"}) {
      auto cols = db->query_text(std::string("SELECT group_concat(name, ', ') FROM pragma_table_info('") + table + "')");
      ASSERT_TRUE(cols.is_ok()) << cols.status().message();
      const Status st = db->exec("INSERT INTO main." + std::string(table) + " (" + *cols + ") SELECT " + *cols +
                                 " FROM src." + table);
      ASSERT_TRUE(st.is_ok()) << st.message();
    }
    ASSERT_TRUE(db->exec("DETACH DATABASE src").is_ok());
  }

  // All samples, put in one batch; returns what was put.
  std::vector<doc::Document> put_all(Catalog& c) {
    std::vector<doc::Document> docs;
    EXPECT_TRUE(c.begin_batch().is_ok());
    for (size_t i = 0; i < samples().size(); ++i) {
      docs.push_back(make_document(samples()[i], doc_id(i)));
      auto r = c.put(docs.back());
      EXPECT_TRUE(r.is_ok()) << r.status().message();
    }
    EXPECT_TRUE(c.commit_batch().is_ok());
    return docs;
  }

  fs::path dir_;
  fs::path path_;
};

}  // namespace wenyuan::store::testing_support

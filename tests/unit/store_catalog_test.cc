// Tests of store::Catalog on real documents from tests/data/corpus_sample.jsonl.
// Documents are built here directly (not through doc::prepare) so these tests
// exercise the catalog alone.
// Over 1,000 lines on purpose: every catalog rule (changes, log, migrations,
// concurrency, corruption) against one fixture; splitting would copy it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "wenyuan/store/catalog.h"
#include "wenyuan/store/codec.h"
#include "wenyuan/store/schema.h"
#include "wenyuan/store/sqlite_db.h"
#include "wenyuan/text/utf8.h"

#include "store_catalog_fixture.h"

namespace wenyuan::store {
namespace {

using namespace testing_support;  // NOLINT: the shared samples and fixture


TEST_F(CatalogTest, RoundTripsEveryFieldOfARealDocument) {
  ASSERT_GE(samples().size(), 40u);
  auto c = open_catalog();
  ASSERT_TRUE(c);
  // A law with 第…条 lines and a long government work report.
  for (size_t i : {size_t{0}, samples().size() - 1}) {
    const doc::Document d = make_document(samples()[i], doc_id(i));
    ASSERT_GT(d.sentences.size(), 5u);
    ASSERT_EQ(d.outline.size(), 2u);
    auto put = c->put(d);
    ASSERT_TRUE(put.is_ok()) << put.status().message();
    EXPECT_EQ(*put, PutOutcome::kInserted);

    auto with = c->get(d.id, /*with_original=*/true);
    ASSERT_TRUE(with.is_ok()) << with.status().message();
    expect_same_document(d, *with, true);

    auto without = c->get(d.id);
    ASSERT_TRUE(without.is_ok());
    EXPECT_TRUE(without->original.empty());
    expect_same_document(d, *without, false);

    auto original = c->get_original(d.id);
    ASSERT_TRUE(original.is_ok());
    EXPECT_EQ(*original, d.original);

    // What a results page's snippet check reads: access, length, regions, and
    // the text's start (at least text_up_to code points) only when wanted.
    EXPECT_EQ(c->get_for_snippets("absent", 1).status().code(), StatusCode::kNotFound);
    const std::u32string all = text::decode_utf8(d.text);
    for (const uint32_t n : {0u, 1u, 100u, d.text_chars / 2, d.text_chars, d.text_chars + 5}) {
      for (const bool wanted : {false, true}) {
        int asked = 0;
        auto part = c->get_for_snippets(d.id, n, [&](const doc::Document& row) {
          ++asked;
          EXPECT_EQ(row.access, d.access);
          EXPECT_EQ(row.regions.size(), d.regions.size());
          EXPECT_TRUE(row.text.empty());
          return wanted;
        });
        ASSERT_TRUE(part.is_ok()) << part.status().message();
        EXPECT_EQ(part->id, d.id);
        EXPECT_EQ(part->access, d.access);
        EXPECT_EQ(part->text_chars, d.text_chars);
        ASSERT_EQ(part->regions.size(), d.regions.size());
        for (size_t k = 0; k < d.regions.size(); ++k) {
          EXPECT_EQ(part->regions[k].kind, d.regions[k].kind);
          EXPECT_EQ(part->regions[k].start, d.regions[k].start);
          EXPECT_EQ(part->regions[k].end, d.regions[k].end);
        }
        EXPECT_EQ(asked, n > 0 ? 1 : 0);
        if (!wanted || n == 0) {
          EXPECT_TRUE(part->text.empty()) << n;
          continue;
        }
        EXPECT_EQ(d.text.compare(0, part->text.size(), part->text), 0) << "not a prefix, n=" << n;
        EXPECT_GE(text::decode_utf8(part->text).size(), std::min<size_t>(n, all.size())) << n;
      }
      auto plain = c->get_for_snippets(d.id, n);  // no predicate: the text is wanted
      ASSERT_TRUE(plain.is_ok());
      EXPECT_GE(text::decode_utf8(plain->text).size(), std::min<size_t>(n, all.size())) << n;
    }
  }
  // Reopening reads the same thing from disk.
  c.reset();
  c = open_catalog();
  const doc::Document d = make_document(samples()[0], doc_id(0));
  auto again = c->get(d.id, true);
  ASSERT_TRUE(again.is_ok());
  expect_same_document(d, *again, true);
}

// Schema v5: the 文种 and the source's display name are stored, listed and
// counted by (stats group sources by their display name).
TEST_F(CatalogTest, StoresTypeAndSourceName) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  doc::Document d = make_document(samples()[0], doc_id(0));
  d.type = "法律法规";
  d.source = "https://zh.wikisource.org/wiki/a";
  d.source_name = "维基文库";
  doc::Document e = make_document(samples()[1], doc_id(1));
  e.type = "报告";
  e.source = "https://zh.wikisource.org/wiki/b";
  e.source_name = "维基文库";
  ASSERT_TRUE(c->put(d).is_ok());
  ASSERT_TRUE(c->put(e).is_ok());
  auto got = c->get(d.id);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->type, "法律法规");
  EXPECT_EQ(got->source_name, "维基文库");
  auto rows = c->list({});
  ASSERT_TRUE(rows.is_ok());
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) EXPECT_EQ(r.source_name, "维基文库");
  auto st = c->stats();
  ASSERT_TRUE(st.is_ok());
  ASSERT_EQ(st->by_source.size(), 1u);
  EXPECT_EQ(st->by_source[0].first, "维基文库");
  EXPECT_EQ(st->by_source[0].second, 2u);
  e.type = "决议";  // a changed type is a change
  EXPECT_EQ(*c->put(e), PutOutcome::kUpdated);
}

TEST_F(CatalogTest, StoresTextCompressedAndApartFromTheListedRow) {
  auto c = open_catalog();
  const doc::Document d = make_document(samples()[0], doc_id(0));
  ASSERT_TRUE(c->put(d).is_ok());
  const int64_t stored = sql_int("SELECT length(text) FROM bodies");
  EXPECT_GT(stored, 0);
  EXPECT_LT(stored, static_cast<int64_t>(d.text.size()));  // zstd actually shrank it
  // Ordered spans are stored as varint gaps and lengths (schema v8): fewer than
  // the 8 bytes a span the fixed form takes.
  EXPECT_EQ(sql_int("SELECT spans_codec FROM bodies"), 1);
  EXPECT_GT(sql_int("SELECT length(sentences) FROM bodies"), 0);
  EXPECT_LT(sql_int("SELECT length(sentences) FROM bodies"), static_cast<int64_t>(8 * d.sentences.size()));
  EXPECT_EQ(sql_text("PRAGMA journal_mode"), "wal");
}

TEST_F(CatalogTest, PuttingTheSameDocumentAgainChangesNothing) {
  auto c = open_catalog();
  doc::Document d = make_document(samples()[3], doc_id(3));
  ASSERT_EQ(*c->put(d), PutOutcome::kInserted);
  const uint64_t seq = c->last_seq();
  EXPECT_EQ(seq, 1u);
  // A later import of the same content (another time, another path) is not a change.
  d.imported_at += 500;
  d.origin = "elsewhere.jsonl:9";
  auto again = c->put(d);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, PutOutcome::kUnchanged);
  EXPECT_EQ(c->last_seq(), seq);
  EXPECT_EQ(c->changes_since(0)->size(), 1u);
  EXPECT_EQ(c->get(d.id)->imported_at, d.imported_at - 500);
}

TEST_F(CatalogTest, ChangedContentOrMetadataReplacesTheDocument) {
  auto c = open_catalog();
  doc::Document d = make_document(samples()[5], doc_id(5));
  ASSERT_EQ(*c->put(d, {"首行", "末行"}), PutOutcome::kInserted);

  doc::Document v2 = make_document(samples()[6], doc_id(5));  // another text under the same id
  auto r = c->put(v2, {"新首行"});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(*r, PutOutcome::kUpdated);
  auto got = c->get(d.id, true);
  ASSERT_TRUE(got.is_ok());
  expect_same_document(v2, *got, true);
  EXPECT_EQ(c->documents_with_edge_line(d.source, "首行"), 0u);
  EXPECT_EQ(c->documents_with_edge_line(v2.source, "新首行"), 1u);
  EXPECT_EQ(sql_int("SELECT count(*) FROM documents"), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM bodies"), 1);

  // Same content, corrected category: still an update (filters and the index see it).
  v2.category = "行政法规";
  EXPECT_EQ(*c->put(v2), PutOutcome::kUpdated);
  EXPECT_EQ(c->get(d.id)->category, "行政法规");

  auto changes = c->changes_since(0);
  ASSERT_TRUE(changes.is_ok());
  ASSERT_EQ(changes->size(), 3u);
  for (const Change& ch : *changes) {
    EXPECT_EQ(ch.id, d.id);
    EXPECT_FALSE(ch.deleted);
  }
}

TEST_F(CatalogTest, RemoveDeletesEverythingAndThenReportsNotFound) {
  auto c = open_catalog();
  const doc::Document d = make_document(samples()[7], doc_id(7));
  ASSERT_TRUE(c->put(d, {"第一行"}).is_ok());
  ASSERT_TRUE(c->remove(d.id).is_ok());
  EXPECT_EQ(c->get(d.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c->get_original(d.id).status().code(), StatusCode::kNotFound);
  Status again = c->remove(d.id);
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_NE(again.message().find(d.id), std::string::npos) << again.message();
  // The body and edge lines went with the row (foreign keys cascade).
  EXPECT_EQ(sql_int("SELECT count(*) FROM bodies"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM edge_lines"), 0);
  auto changes = c->changes_since(0);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_FALSE((*changes)[0].deleted);
  EXPECT_TRUE((*changes)[1].deleted);
  EXPECT_EQ((*changes)[1].id, d.id);
  // The failed second remove logged nothing.
  EXPECT_EQ(c->last_seq(), 2u);
}

TEST_F(CatalogTest, ListFiltersPagesAndOrders) {
  auto c = open_catalog();
  const std::vector<doc::Document> docs = put_all(*c);

  auto all = c->list({});
  ASSERT_TRUE(all.is_ok()) << all.status().message();
  ASSERT_EQ(all->size(), docs.size());
  // Default order: imported_at, then insertion order.
  for (size_t i = 1; i < all->size(); ++i) {
    const auto& a = (*all)[i - 1];
    const auto& b = (*all)[i];
    EXPECT_LE(a.imported_at, b.imported_at);
  }

  ListFilter years;
  years.year_from = 2018;
  years.year_to = 2022;
  auto in_range = c->list(years);
  ASSERT_TRUE(in_range.is_ok());
  std::set<std::string> expected, got;
  for (const doc::Document& d : docs) {
    if (d.year && *d.year >= 2018 && *d.year <= 2022) expected.insert(d.id);
  }
  for (const DocumentSummary& s : *in_range) got.insert(s.id);
  EXPECT_EQ(got, expected);
  EXPECT_GT(expected.size(), 5u);
  EXPECT_EQ(*c->count(years), expected.size());

  ListFilter src;
  src.source = "zh.wikisource.org";
  src.category = "";
  auto wiki = c->list(src);
  size_t n_wiki = std::count_if(docs.begin(), docs.end(), [](const auto& d) { return d.source == "zh.wikisource.org"; });
  EXPECT_EQ(wiki->size(), n_wiki);
  for (const auto& s : *wiki) EXPECT_EQ(s.source, "zh.wikisource.org");

  ListFilter cat;
  cat.category = "DLC";
  cat.source = "github.com";
  size_t n_dlc = std::count_if(docs.begin(), docs.end(), [](const auto& d) { return d.category == "DLC"; });
  EXPECT_EQ(c->list(cat)->size(), n_dlc);
  EXPECT_GT(n_dlc, 10u);

  // By date, newest first: years descending, the undated last.
  ListFilter by_date;
  by_date.order = ListOrder::kDate;
  by_date.newest_first = true;
  auto dated = c->list(by_date);
  ASSERT_EQ(dated->size(), docs.size());
  for (size_t i = 1; i < dated->size(); ++i) {
    const auto& a = (*dated)[i - 1];
    const auto& b = (*dated)[i];
    if (a.year && b.year) {
      EXPECT_TRUE(*a.year > *b.year || (*a.year == *b.year && a.date >= b.date)) << a.id << " " << b.id;
    } else {
      EXPECT_FALSE(a.year.has_value() == false && b.year.has_value()) << "undated before dated";
    }
  }
  EXPECT_EQ(dated->front().date, "2026-02-12");

  // Pages put together are the whole list, in the same order.
  ListFilter page = by_date;
  page.limit = 7;
  std::vector<std::string> paged;
  for (page.offset = 0;; page.offset += page.limit) {
    auto p = c->list(page);
    ASSERT_TRUE(p.is_ok());
    ASSERT_LE(p->size(), 7u);
    for (const auto& s : *p) paged.push_back(s.id);
    if (p->size() < page.limit) break;
  }
  std::vector<std::string> whole;
  for (const auto& s : *dated) whole.push_back(s.id);
  EXPECT_EQ(paged, whole);

  // Recently imported.
  const int64_t cut = docs[10].imported_at;
  ListFilter recent;
  recent.imported_since = cut;
  recent.newest_first = true;
  auto fresh = c->list(recent);
  size_t n_fresh = std::count_if(docs.begin(), docs.end(), [&](const auto& d) { return d.imported_at >= cut; });
  EXPECT_EQ(fresh->size(), n_fresh);
  for (size_t i = 1; i < fresh->size(); ++i) EXPECT_GE((*fresh)[i - 1].imported_at, (*fresh)[i].imported_at);
  // Summaries carry the document's own values.
  for (const auto& s : *fresh) {
    const auto& d = docs[std::stoul(s.id.substr(4))];
    EXPECT_EQ(s.title, d.title);
    EXPECT_EQ(s.text_chars, d.text_chars);
    EXPECT_EQ(s.access, d.access);
    EXPECT_EQ(s.year, d.year);
  }
}

TEST_F(CatalogTest, StatsCountBySourceAndYear) {
  auto c = open_catalog();
  auto empty = c->stats();
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->documents, 0u);
  EXPECT_EQ(empty->characters, 0u);

  const std::vector<doc::Document> docs = put_all(*c);
  std::map<std::string, uint64_t> sources;
  std::map<int, uint64_t> years;
  uint64_t chars = 0;
  for (const doc::Document& d : docs) {
    ++sources[d.source];
    if (d.year) ++years[*d.year];
    chars += d.text_chars;
  }
  auto st = c->stats();
  ASSERT_TRUE(st.is_ok()) << st.status().message();
  EXPECT_EQ(st->documents, docs.size());
  EXPECT_EQ(st->characters, chars);
  ASSERT_EQ(st->by_source.size(), sources.size());
  for (size_t i = 0; i < st->by_source.size(); ++i) {
    EXPECT_EQ(st->by_source[i].second, sources[st->by_source[i].first]);
    if (i > 0) {
      EXPECT_GE(st->by_source[i - 1].second, st->by_source[i].second);
    }
  }
  EXPECT_EQ(st->by_source.front().first, "github.com");
  const std::vector<std::pair<int, uint64_t>> expected_years(years.begin(), years.end());
  EXPECT_EQ(st->by_year, expected_years);
}

TEST_F(CatalogTest, ChangesSinceLetsAReaderCatchUp) {
  auto c = open_catalog();
  EXPECT_EQ(c->last_seq(), 0u);
  EXPECT_TRUE(c->changes_since(0)->empty());
  for (size_t i = 0; i < 5; ++i) ASSERT_TRUE(c->put(make_document(samples()[i], doc_id(i))).is_ok());
  const uint64_t seen = c->last_seq();
  ASSERT_TRUE(c->remove(doc_id(1)).is_ok());
  ASSERT_TRUE(c->put(make_document(samples()[9], doc_id(2))).is_ok());  // update
  ASSERT_TRUE(c->put(make_document(samples()[9], doc_id(2))).is_ok());  // unchanged: no entry

  auto tail = c->changes_since(seen);
  ASSERT_TRUE(tail.is_ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].id, doc_id(1));
  EXPECT_TRUE((*tail)[0].deleted);
  EXPECT_EQ((*tail)[1].id, doc_id(2));
  EXPECT_FALSE((*tail)[1].deleted);
  EXPECT_GT((*tail)[0].seq, seen);
  EXPECT_GT((*tail)[1].seq, (*tail)[0].seq);
  EXPECT_EQ(c->last_seq(), (*tail)[1].seq);
  EXPECT_TRUE(c->changes_since(c->last_seq())->empty());

  // Seqs are never reused, even if the log's tail is deleted (AUTOINCREMENT).
  const uint64_t last = c->last_seq();
  c.reset();
  sql_exec("DELETE FROM changes WHERE seq = " + std::to_string(last));
  c = open_catalog();
  EXPECT_EQ(c->last_seq(), last);
  ASSERT_TRUE(c->remove(doc_id(0)).is_ok());
  EXPECT_EQ(c->changes_since(last)->at(0).seq, last + 1);
}

TEST_F(CatalogTest, ATrimmedLogIsDetectedNotSilentlySkipped) {
  auto c = open_catalog();
  for (size_t i = 0; i < 5; ++i) ASSERT_TRUE(c->put(make_document(samples()[i], doc_id(i))).is_ok());
  ASSERT_TRUE(c->trim_changes(3).is_ok());
  auto rest = c->changes_since(3);
  ASSERT_TRUE(rest.is_ok()) << rest.status().message();
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].seq, 4u);
  // A reader that stopped at 1 has missed 2 and 3: it is told, not handed 4 and 5.
  auto behind = c->changes_since(1);
  EXPECT_EQ(behind.status().code(), StatusCode::kNotFound);
  EXPECT_NE(behind.status().message().find("trimmed"), std::string::npos) << behind.status().message();
  EXPECT_FALSE(c->changes_since(0).is_ok());
  // All trimmed: a reader that is up to date is fine, one behind is not.
  ASSERT_TRUE(c->trim_changes(c->last_seq()).is_ok());
  EXPECT_TRUE(c->changes_since(5)->empty());
  EXPECT_FALSE(c->changes_since(4).is_ok());
  EXPECT_EQ(c->last_seq(), 5u);
}

TEST_F(CatalogTest, ForEachVisitsEveryDocumentInIdOrderAndStopsOnError) {
  auto c = open_catalog();
  // Put in reverse so id order differs from insertion order.
  std::vector<std::string> ids;
  for (size_t i = 12; i-- > 0;) {
    ASSERT_TRUE(c->put(make_document(samples()[i], doc_id(i))).is_ok());
    ids.push_back(doc_id(i));
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> seen;
  Status st = c->for_each([&](const doc::Document& d) {
    seen.push_back(d.id);
    EXPECT_TRUE(d.original.empty());
    EXPECT_EQ(d.text, samples()[std::stoul(d.id.substr(4))].text);
    // Reading the catalog from inside the callback is allowed.
    EXPECT_TRUE(c->get(d.id).is_ok());
    return Status::ok();
  });
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(seen, ids);

  size_t calls = 0;
  st = c->for_each([&](const doc::Document&) {
    return ++calls == 3 ? Status::internal("stop here") : Status::ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 3u);
}

TEST_F(CatalogTest, EdgeLineStatsCountDocumentsPerSource) {
  auto c = open_catalog();
  const std::string footer = "本文来源：某某政府网";
  size_t in_github = 0, with_footer = 0;
  for (size_t i = 0; i < samples().size(); ++i) {
    doc::Document d = make_document(samples()[i], doc_id(i));
    std::vector<std::string> edges = {"首：" + d.title};
    if (i % 3 == 0) {
      edges.push_back(footer);
      edges.push_back(footer);  // a repeated line counts once per document
      if (d.source == "github.com") ++with_footer;
    }
    if (d.source == "github.com") ++in_github;
    ASSERT_TRUE(c->put(d, edges).is_ok());
  }
  const doc::EdgeLineStats& stats = *c;
  EXPECT_EQ(stats.documents_in_source("github.com"), in_github);
  EXPECT_EQ(stats.documents_with_edge_line("github.com", footer), with_footer);
  EXPECT_GT(with_footer, 3u);
  EXPECT_EQ(stats.documents_with_edge_line("github.com", "首：" + samples()[0].title),
            samples()[0].source == "github.com" ? 1u : 0u);
  EXPECT_EQ(stats.documents_with_edge_line("no-such-source", footer), 0u);
  EXPECT_EQ(stats.documents_in_source("no-such-source"), 0u);
  EXPECT_EQ(stats.documents_with_edge_line("github.com", "本文来源"), 0u);  // whole lines only
}

// The catalog as the cleaner's EdgeLineStats, end to end: a site footer on the
// raw text of many stored documents of a source is recognised on the next one.
TEST_F(CatalogTest, TheCleanerRecognisesARecurringFooterThroughTheCatalog) {
  auto c = open_catalog();
  const std::string footer = "本页内容整理自法律法规数据库，以正式公布文本为准";
  auto raw_of = [&](size_t i) { return samples()[i].text + "\n\n" + footer + "\n"; };
  doc::CleanOptions opts;
  opts.edge_stats = c.get();
  opts.source = "github.com";
  opts.remove_promotions = false;  // only the recurring-line rule is under test

  // Nothing stored yet: the footer is not known to recur, so it stays.
  const std::string next = raw_of(39);
  ASSERT_EQ(samples()[39].source, "github.com");
  doc::CleanResult before = doc::clean(next, opts);
  EXPECT_NE(before.text.find(footer), std::string::npos);

  size_t stored = 0;
  for (size_t i = 0; i < 39 && stored < 8; ++i) {
    if (samples()[i].source != "github.com") continue;
    doc::Document d = make_document(samples()[i], doc_id(i));
    d.original = raw_of(i);
    ASSERT_TRUE(c->put(d, doc::edge_lines(d.original)).is_ok());
    ++stored;
  }
  ASSERT_EQ(stored, 8u);
  EXPECT_EQ(c->documents_with_edge_line("github.com", footer), 8u);

  doc::CleanResult after = doc::clean(next, opts);
  EXPECT_EQ(after.text.find(footer), std::string::npos);
  const auto it = std::find_if(after.removed.begin(), after.removed.end(),
                               [&](const doc::Removed& r) { return r.text.find(footer) != std::string::npos; });
  ASSERT_NE(it, after.removed.end());
  EXPECT_EQ(it->reason, "recurring_footer");
  // The law's own last lines are not taken for a footer.
  EXPECT_GT(after.text.size(), samples()[39].text.size() * 9 / 10);
}

TEST_F(CatalogTest, RefusesDocumentsThatBreakTheModelInvariants) {
  auto c = open_catalog();
  const doc::Document good = make_document(samples()[2], doc_id(2));

  doc::Document d = good;
  d.text_chars += 1;
  Result<PutOutcome> r = c->put(d);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("text_chars"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(good.id), std::string::npos) << r.status().message();

  d = good;
  d.regions[1].start += 1;  // a gap: text no access rule covers
  EXPECT_EQ(c->put(d).status().code(), StatusCode::kInvalidArgument);

  d = good;
  d.outline[0].children[1].end = good.text_chars + 10;
  EXPECT_EQ(c->put(d).status().code(), StatusCode::kInvalidArgument);

  d = good;
  d.sentences.back().end = good.text_chars + 1;
  EXPECT_EQ(c->put(d).status().code(), StatusCode::kInvalidArgument);

  d = good;
  d.content_hash.clear();
  EXPECT_EQ(c->put(d).status().code(), StatusCode::kInvalidArgument);

  d = good;
  d.id.clear();
  EXPECT_EQ(c->put(d).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(c->last_seq(), 0u);
  EXPECT_TRUE(c->put(good).is_ok());
}

TEST_F(CatalogTest, EmptyDocumentAndZeroImportTime) {
  auto c = open_catalog();
  doc::Document d;
  d.id = "empty";
  d.content_hash = "h";
  const int64_t before = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(c->put(d).is_ok());
  auto got = c->get("empty", true);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_TRUE(got->text.empty());
  EXPECT_TRUE(got->original.empty());
  EXPECT_FALSE(got->year.has_value());
  EXPECT_GE(got->imported_at, before);  // stamped at put
}

// A statement that fails after the document row and body are written (a trigger
// standing in for a full disk or a bug) must leave no part of the document.
TEST_F(CatalogTest, AFailedPutLeavesNoTraceOfTheDocument) {
  auto c = open_catalog();
  const doc::Document kept = make_document(samples()[0], doc_id(0));
  ASSERT_TRUE(c->put(kept, {"甲"}).is_ok());
  sql_exec(
      "CREATE TRIGGER fail_on_boom BEFORE INSERT ON edge_lines WHEN NEW.key = " +
      std::to_string(edge_line_key("BOOM")) + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  const uint64_t seq = c->last_seq();

  // A new document.
  const doc::Document fresh = make_document(samples()[1], doc_id(1));
  auto r = c->put(fresh, {"ok", "BOOM"});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("injected failure"), std::string::npos) << r.status().message();
  EXPECT_EQ(c->get(fresh.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c->last_seq(), seq);

  // An update of a stored document: the old version survives whole.
  doc::Document changed = make_document(samples()[4], doc_id(0));
  ASSERT_FALSE(c->put(changed, {"BOOM"}).is_ok());
  auto old = c->get(kept.id, true);
  ASSERT_TRUE(old.is_ok());
  expect_same_document(kept, *old, true);
  EXPECT_EQ(c->documents_with_edge_line(kept.source, "甲"), 1u);

  // Inside a batch, the failure undoes only that document.
  ASSERT_TRUE(c->begin_batch().is_ok());
  ASSERT_TRUE(c->put(make_document(samples()[2], doc_id(2))).is_ok());
  ASSERT_FALSE(c->put(make_document(samples()[3], doc_id(3)), {"BOOM"}).is_ok());
  EXPECT_TRUE(c->in_batch());
  ASSERT_TRUE(c->put(make_document(samples()[5], doc_id(5))).is_ok());
  ASSERT_TRUE(c->commit_batch().is_ok());
  EXPECT_TRUE(c->get(doc_id(2)).is_ok());
  EXPECT_EQ(c->get(doc_id(3)).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(c->get(doc_id(5)).is_ok());
  auto changes = c->changes_since(seq);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].id, doc_id(2));
  EXPECT_EQ((*changes)[1].id, doc_id(5));
  EXPECT_EQ(sql_int("SELECT count(*) FROM documents"), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM bodies"), 3);
}

TEST_F(CatalogTest, BatchMisuseIsAnError) {
  auto c = open_catalog();
  EXPECT_EQ(c->commit_batch().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(c->begin_batch().is_ok());
  EXPECT_EQ(c->begin_batch().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(c->put(make_document(samples()[0], doc_id(0))).is_ok());
  c.reset();  // destroyed with the batch open: rolled back
  c = open_catalog();
  EXPECT_EQ(c->get(doc_id(0)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c->last_seq(), 0u);
}

// The server's model: one Catalog per thread on the same file. Writers wait for
// each other (busy timeout, BEGIN IMMEDIATE) instead of failing; readers see
// only committed, whole documents while a writer works.
TEST_F(CatalogTest, OneCatalogPerThreadReadsAndWritesConcurrently) {
  { auto init = open_catalog(); }
  std::atomic<int> writers_done{0};
  std::vector<std::string> errors;
  std::mutex errors_mu;
  auto report = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock(errors_mu);
    errors.push_back(e);
  };
  auto writer = [&](size_t first) {
    auto c = Catalog::open(path_);
    if (!c.is_ok()) return report(c.status().message());
    for (size_t i = first; i < first + 20; ++i) {
      const bool batch = i % 4 == 0;
      if (batch && !(*c)->begin_batch().is_ok()) report("begin_batch");
      auto r = (*c)->put(make_document(samples()[i % samples().size()], doc_id(i)));
      if (!r.is_ok()) report(r.status().message());
      if (batch && !(*c)->commit_batch().is_ok()) report("commit_batch");
    }
    ++writers_done;
  };
  std::thread w1(writer, 0), w2(writer, 100);
  size_t reads = 0;
  {
    auto c = Catalog::open(path_);
    ASSERT_TRUE(c.is_ok());
    while (writers_done < 2) {
      auto all = (*c)->list({});
      if (!all.is_ok()) {
        report(all.status().message());
        break;
      }
      for (const DocumentSummary& s : *all) {
        auto d = (*c)->get(s.id);
        if (!d.is_ok()) report(d.status().message());
        else if (d->text != samples()[std::stoul(s.id.substr(4)) % samples().size()].text) report("torn " + s.id);
        ++reads;
      }
    }
  }
  w1.join();
  w2.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_GT(reads, 0u);
  EXPECT_EQ(sql_int("SELECT count(*) FROM documents"), 40);
}

// Checks a catalog after a crash: SQLite's own integrity check, every listed
// document readable and equal to what was put, every change naming a stored
// document, and the committed batches all there.
void expect_whole_after_crash(const fs::path& path, size_t at_least) {
  {
    auto db = sqlite::Db::open(path.string());
    ASSERT_TRUE(db.is_ok());
    EXPECT_EQ(*db->query_text("PRAGMA integrity_check"), "ok");
    // No row from foreign_key_check: every body and edge line has its document.
    EXPECT_EQ(db->query_text("PRAGMA foreign_key_check").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(*db->query_int("SELECT count(*) FROM documents d LEFT JOIN bodies b USING (rid) WHERE b.rid IS NULL"), 0);
    EXPECT_EQ(*db->query_int("SELECT count(*) FROM changes c LEFT JOIN documents d USING (id) WHERE d.id IS NULL"), 0);
  }
  auto c = Catalog::open(path);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  auto all = (*c)->list({});
  ASSERT_TRUE(all.is_ok());
  EXPECT_GE(all->size(), at_least);
  EXPECT_EQ((*c)->changes_since(0)->size(), all->size());
  for (const DocumentSummary& s : *all) {
    const size_t i = std::stoul(s.id.substr(4));
    auto d = (*c)->get(s.id, true);
    ASSERT_TRUE(d.is_ok()) << d.status().message();
    expect_same_document(make_document(samples()[i % samples().size()], s.id), *d, true);
  }
}

TEST_F(CatalogTest, ACrashBeforeCommitLosesTheWholeBatchAndNothingElse) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto c = Catalog::open(path_);
    if (!c.is_ok()) _exit(2);
    for (size_t batch = 0; batch < 3; ++batch) {
      if (!(*c)->begin_batch().is_ok()) _exit(3);
      for (size_t i = batch * 5; i < batch * 5 + 5; ++i) {
        if (!(*c)->put(make_document(samples()[i], doc_id(i))).is_ok()) _exit(4);
      }
      // The third batch is never committed: the process dies with it open.
      if (batch < 2 && !(*c)->commit_batch().is_ok()) _exit(5);
    }
    _exit(0);  // no destructors, no rollback: as if killed
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  expect_whole_after_crash(path_, 10);
  auto c = open_catalog();
  EXPECT_EQ(c->list({})->size(), 10u);
  EXPECT_EQ(c->get(doc_id(10)).status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogTest, AnImportKilledAtARandomMomentLeavesOnlyWholeDocuments) {
  // The child imports forever, committing every 3 documents; the parent kills it
  // with SIGKILL mid-stream, at a different moment each round.
  for (int round = 0; round < 3; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto c = Catalog::open(path_);
      if (!c.is_ok()) _exit(2);
      for (size_t i = round * 99999;; ++i) {  // a multiple of 3: starts a batch
        if (i % 3 == 0 && !(*c)->begin_batch().is_ok()) _exit(3);
        if (!(*c)->put(make_document(samples()[i % samples().size()], doc_id(i))).is_ok()) _exit(4);
        if (i % 3 == 2 && !(*c)->commit_batch().is_ok()) _exit(5);
      }
    }
    // Wait until some batches are in, then kill without warning.
    auto committed = [&]() -> int64_t {
      auto db = raw(path_);
      if (!db.is_ok()) return -1;
      auto n = db->query_int("SELECT count(*) FROM changes");  // fails until the schema exists
      return n.is_ok() ? *n : -1;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + 7 * round));
      if (committed() >= 6 * (round + 1)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(13 * round));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the importer stopped by itself: " << WEXITSTATUS(status);
    expect_whole_after_crash(path_, 6 * (round + 1));
    EXPECT_EQ(sql_int("SELECT count(*) FROM documents") % 3, 0) << "a batch was cut in half";
  }
}

TEST_F(CatalogTest, OpeningAVersion1CatalogMigratesIt) {
  const doc::Document d = make_document(samples()[8], doc_id(8));
  {
    // A catalog as the first release wrote it: schema v1, one document.
    auto db = sqlite::Db::open(path_.string());
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(migrate(*db, 1).is_ok());
    ASSERT_EQ(*db->query_int("PRAGMA user_version"), 1);
    ASSERT_FALSE(db->query_int("SELECT count(*) FROM edge_lines").is_ok());
    auto ins = db->prepare(
        "INSERT INTO documents (id, title, year, date, source, category, issuer, tags, access, format, "
        "encoding, origin, text_chars, regions, outline, removed, content_hash, imported_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
    ASSERT_TRUE(ins.is_ok()) << ins.status().message();
    const std::vector<std::string> texts = {d.id, d.title, "", d.date, d.source, d.category, d.issuer,
                                            tags_to_json(d.tags), "paid", d.format, d.encoding, d.origin, "",
                                            regions_to_json(d.regions), outline_to_json(d.outline),
                                            removed_to_json(d.removed), d.content_hash};
    for (int i = 0; i < static_cast<int>(texts.size()); ++i) ins->bind_text(i + 1, texts[i]);
    ins->bind_optional_int(3, d.year);
    ins->bind_int(13, d.text_chars);
    ins->bind_int(18, d.imported_at);
    ASSERT_TRUE(ins->run().is_ok());
    ASSERT_NO_FATAL_FAILURE(insert_old_body(*db, d));
  }
  auto c = open_catalog();
  ASSERT_TRUE(c);
  EXPECT_EQ(sql_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(latest_schema_version(), 9);  // v3: public metadata (docs/paywall.md); v4: per-source counts; v5: 文种, source name; v6: duplicate clusters; v7: smaller bodies; v8: a public outline equal to the outline stored once; v9: edge lines by key
  auto got = c->get(d.id, true);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  expect_same_document(d, *got, true);
  // The old document counts in its source but has no edge lines; new ones do.
  EXPECT_EQ(c->documents_in_source(d.source), 1u);
  doc::Document e = make_document(samples()[9], doc_id(9));
  e.source = d.source;
  ASSERT_TRUE(c->put(e, {"页眉"}).is_ok());
  EXPECT_EQ(c->documents_with_edge_line(d.source, "页眉"), 1u);
  EXPECT_EQ(c->last_seq(), 2u);
}

TEST_F(CatalogTest, ACatalogFromANewerWenyuanIsRefused) {
  { auto c = open_catalog(); }
  sql_exec("PRAGMA user_version = 99");
  auto c = Catalog::open(path_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("99"), std::string::npos) << c.status().message();
  EXPECT_EQ(c.status().message().rfind(path_.string(), 0), 0u) << c.status().message();
}

TEST_F(CatalogTest, AFileThatIsNotACatalogIsNamedAndRefused) {
  const std::string prefix = path_.string() + ": not a wenyuan catalog (";
  {
    std::ofstream out(path_, std::ios::binary);
    out << "这不是数据库, just text that is long enough to fill what SQLite reads as a header. "
        << std::string(200, 'x');
  }
  const auto size = fs::file_size(path_);
  auto c = Catalog::open(path_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(c.status().message().rfind(prefix, 0), 0u) << c.status().message();
  // Nothing was written into it.
  EXPECT_EQ(fs::file_size(path_), size);

  // Another application's SQLite database.
  fs::remove(path_);
  sql_exec("CREATE TABLE contacts (name TEXT)");
  c = Catalog::open(path_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().message().rfind(prefix, 0), 0u) << c.status().message();
  EXPECT_EQ(sql_int("SELECT count(*) FROM sqlite_schema WHERE name = 'documents'"), 0);
  EXPECT_EQ(sql_text("PRAGMA journal_mode"), "delete");  // not switched to WAL either

  // An empty file is a new catalog.
  fs::remove(path_);
  std::ofstream(path_).close();
  EXPECT_TRUE(Catalog::open(path_).is_ok());

  // A directory that does not exist.
  auto missing = Catalog::open(dir_ / "no" / "such" / "dir" / "catalog.db");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("no/such/dir"), std::string::npos) << missing.status().message();
}

TEST_F(CatalogTest, ACorruptStoredFieldIsReportedNotTrusted) {
  auto c = open_catalog();
  ASSERT_TRUE(c->put(make_document(samples()[0], doc_id(0))).is_ok());
  ASSERT_TRUE(c->put(make_document(samples()[1], doc_id(1))).is_ok());
  sql_exec("UPDATE documents SET outline = '[{\"level\":1}' WHERE id = '" + doc_id(0) + "'");
  sql_exec("UPDATE bodies SET sentences = x'0102030405' WHERE rid = (SELECT rid FROM documents WHERE id = '" +
           doc_id(1) + "')");
  auto a = c->get(doc_id(0));
  EXPECT_EQ(a.status().code(), StatusCode::kCorruption);
  EXPECT_NE(a.status().message().find(doc_id(0)), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("outline"), std::string::npos) << a.status().message();
  auto b = c->get(doc_id(1));
  EXPECT_EQ(b.status().code(), StatusCode::kCorruption);
  EXPECT_NE(b.status().message().find("sentences"), std::string::npos) << b.status().message();
  EXPECT_EQ(c->for_each([](const doc::Document&) { return Status::ok(); }).code(), StatusCode::kCorruption);
}

TEST(StoreCodec, RejectsMalformedBlobsAndJson) {
  EXPECT_EQ(spans_from_blob(std::string(12, '\0')).status().code(), StatusCode::kCorruption);
  auto spans = spans_from_blob(spans_to_blob({{1, 2}, {70000, 4000000000u}}));
  ASSERT_TRUE(spans.is_ok());
  EXPECT_EQ((*spans)[1].end, 4000000000u);
  EXPECT_EQ(decompress("not zstd at all").status().code(), StatusCode::kCorruption);
  std::string frame = compress(samples()[0].text);
  EXPECT_EQ(*decompress(frame), samples()[0].text);
  frame.resize(frame.size() / 2);
  EXPECT_EQ(decompress(frame).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decompress(compress(samples()[0].text), 100).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(regions_from_json(R"([{"kind":"secret","start":0,"end":1}])").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(regions_from_json(R"([{"kind":"paid","start":-1,"end":1}])").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(removed_from_json(R"({"reason":"x"})").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(tags_from_json(R"(["a", 3])").status().code(), StatusCode::kCorruption);
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += R"([{"level":1,"kind":"","marker":"","title":"","start":0,"end":0,"heading":[0,0],"children":)";
  deep += "[]";
  for (int i = 0; i < 100; ++i) deep += "}]";
  auto too_deep = outline_from_json(deep);
  EXPECT_EQ(too_deep.status().code(), StatusCode::kCorruption);
  EXPECT_NE(too_deep.status().message().find("deeper"), std::string::npos) << too_deep.status().message();
}

// Outline kinds are stored by name: every kind comes back as itself, and a name
// no build writes is corruption, as an unknown region kind is.
// decompress_head: the start of the content, at least N code points, over
// several 16 KB steps of a long text; damage is an error, never a shorter text.
TEST(StoreCodec, DecompressHeadGivesTheStartAndRefusesDamage) {
  std::string text;
  for (int i = 0; text.size() < 200'000; ++i) text += "第" + std::to_string(i) + "条　依法行政，ab。\n";
  const size_t chars = text::decode_utf8(text).size();
  const std::string frame = compress(text);
  for (const size_t n : {size_t{1}, size_t{7}, size_t{5'000}, size_t{16'384}, chars / 2, chars - 1, chars, chars + 1}) {
    auto got = decompress_head(frame, n);
    ASSERT_TRUE(got.is_ok()) << got.status().message();
    EXPECT_EQ(text.compare(0, got->size(), *got), 0) << n;
    EXPECT_GE(text::decode_utf8(*got).size(), std::min(n, chars)) << n;
    if (n < chars / 2) {
      EXPECT_LT(got->size(), text.size()) << "decoded all of it for " << n;
    }
  }
  EXPECT_EQ(*decompress_head(frame, chars), text);
  EXPECT_TRUE(decompress_head(frame, 0)->empty());
  EXPECT_TRUE(decompress_head("", 10)->empty());
  EXPECT_EQ(decompress_head(frame.substr(0, frame.size() / 2), chars).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decompress_head("not a zstd frame", 10).status().code(), StatusCode::kCorruption);
}

TEST(StoreCodec, OutlineKindsRoundTripByName) {
  using doc::OutlineKind;
  for (OutlineKind k : {OutlineKind::kPart, OutlineKind::kChapter, OutlineKind::kSection, OutlineKind::kArticle,
                        OutlineKind::kCnNum, OutlineKind::kParenCn, OutlineKind::kArabic, OutlineKind::kParenArabic,
                        OutlineKind::kEnum, OutlineKind::kHeading}) {
    doc::OutlineNode n;
    n.kind = k;
    const std::string json = outline_to_json({n});
    EXPECT_NE(json.find(std::string("\"kind\":\"") + doc::to_string(k) + "\""), std::string::npos) << json;
    auto back = outline_from_json(json);
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].kind, k) << doc::to_string(k);
  }
  auto unknown = outline_from_json(
      R"([{"level":1,"kind":"secret","marker":"","title":"","start":0,"end":0,"heading":[0,0],"children":[]}])");
  EXPECT_EQ(unknown.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace wenyuan::store

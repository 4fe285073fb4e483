// Schema v8. (1) catalog_internal.h WENYUAN_PUBLIC_OUTLINE_SQL: a public outline
// equal to the outline is stored once, as a zero-length BLOB meaning "the same";
// a different one (a paid document's headings cut at its visible part) keeps its
// own copy; none stays NULL. Every reader sees the public outline itself, and a
// v7 catalog is rewritten so on opening without changing what it reads.
// (2) bodies.spans_codec: paragraphs and sentences as varint deltas (codec.h),
// u32 pairs for rows before v8 and for lists out of order.
#include <gtest/gtest.h>

#include "store_catalog_fixture.h"

namespace wenyuan::store {
namespace {

using namespace testing_support;  // NOLINT: the shared samples and fixture

using CatalogV8Test = CatalogTest;

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

// The document's public outline as a reader gets it back (get and for_each).
void expect_public_outline(Catalog& c, const doc::Document& d) {
  auto got = c.get(d.id);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  expect_same_document(d, *got, false);
  ASSERT_EQ(got->public_outline.has_value(), d.public_outline.has_value()) << d.id;
  if (d.public_outline) expect_same_outline(*d.public_outline, *got->public_outline);
  bool seen = false;
  ASSERT_TRUE(c.for_each([&](const doc::Document& e) {
                 if (e.id != d.id) return Status::ok();
                 seen = true;
                 EXPECT_EQ(e.public_outline.has_value(), d.public_outline.has_value());
                 if (d.public_outline && e.public_outline) expect_same_outline(*d.public_outline, *e.public_outline);
                 return Status::ok();
               }).is_ok());
  EXPECT_TRUE(seen) << d.id;
}

TEST_F(CatalogV8Test, APublicOutlineEqualToTheOutlineIsStoredOnceAndReadsWhole) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  // Same as the outline (a free document's case).
  doc::Document same = make_document(samples()[0], doc_id(0));
  ASSERT_GE(same.outline.size(), 2u);
  same.access = doc::Access::kFree;
  same.public_outline = same.outline;
  // A paid document whose public outline lacks the headings in its paid half.
  doc::Document cut = make_document(samples()[2], doc_id(2));
  ASSERT_GE(cut.outline.size(), 2u);
  cut.public_outline = std::vector<doc::OutlineNode>{cut.outline.front()};
  // None (a Document built by hand): NULL, and readers then see none.
  doc::Document none = make_document(samples()[3], doc_id(3));
  none.public_outline.reset();
  for (const auto* d : {&same, &cut, &none}) ASSERT_TRUE(c->put(*d).is_ok()) << d->id;

  const auto stored = [&](const doc::Document& d, const std::string& what) {
    return sql_text("SELECT " + what + " FROM documents WHERE id = '" + d.id + "'");
  };
  EXPECT_EQ(stored(same, "typeof(public_outline)"), "blob");
  EXPECT_EQ(stored(same, "length(public_outline)"), "0");
  EXPECT_NE(stored(cut, "length(public_outline)"), "0");
  EXPECT_NE(stored(cut, "quote(public_outline)"), stored(cut, "quote(outline)"));
  EXPECT_EQ(stored(none, "typeof(public_outline)"), "null");
  for (const auto* d : {&same, &cut, &none}) ASSERT_NO_FATAL_FAILURE(expect_public_outline(*c, *d));

  // Put again: unchanged, whichever way it is stored.
  for (const auto* d : {&same, &cut, &none}) EXPECT_EQ(*c->put(*d), PutOutcome::kUnchanged) << d->id;
  // Only the public outline changes: the document is updated, now stored apart.
  same.public_outline = std::vector<doc::OutlineNode>{same.outline.back()};
  EXPECT_EQ(*c->put(same), PutOutcome::kUpdated);
  EXPECT_NE(stored(same, "length(public_outline)"), "0");
  ASSERT_NO_FATAL_FAILURE(expect_public_outline(*c, same));
  // And back to equal: stored once again.
  same.public_outline = same.outline;
  EXPECT_EQ(*c->put(same), PutOutcome::kUpdated);
  EXPECT_EQ(stored(same, "length(public_outline)"), "0");
  ASSERT_NO_FATAL_FAILURE(expect_public_outline(*c, same));
}

TEST_F(CatalogV8Test, AVersion7CatalogIsRewrittenToOneCopyAndReadsTheSame) {
  doc::Document same = make_document(samples()[0], doc_id(0));
  same.public_outline = same.outline;
  doc::Document cut = make_document(samples()[2], doc_id(2));
  cut.public_outline = std::vector<doc::OutlineNode>{cut.outline.front()};
  auto c = open_catalog();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->put(same).is_ok());
  ASSERT_TRUE(c->put(cut).is_ok());
  c.reset();
  // A v7 file holding these rows as v7 stored them (a second copy of the packed
  // outline, spans as u32 pairs): the rows are copied column by column into a
  // catalog migrated to 7, so opening it runs step 8 and every later one.
  ASSERT_NO_FATAL_FAILURE(as_older_catalog(7));
  sql_exec("UPDATE documents SET public_outline = outline WHERE public_outline = X''");
  for (const auto* d : {&same, &cut}) {
    sql_exec("UPDATE bodies SET paragraphs = X'" + hex(spans_to_blob(d->paragraphs)) + "', sentences = X'" +
             hex(spans_to_blob(d->sentences)) + "' WHERE rid = (SELECT rid FROM documents WHERE id = '" + d->id +
             "')");
  }
  ASSERT_EQ(sql_int("PRAGMA user_version"), 7);
  EXPECT_EQ(sql_int("SELECT count(*) FROM documents WHERE public_outline = outline"), 1);
  c = open_catalog();
  ASSERT_TRUE(c);
  EXPECT_EQ(sql_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(sql_int("SELECT count(*) FROM documents WHERE public_outline = X''"), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM documents WHERE length(public_outline) > 0"), 1);
  ASSERT_NO_FATAL_FAILURE(expect_public_outline(*c, same));
  ASSERT_NO_FATAL_FAILURE(expect_public_outline(*c, cut));
  EXPECT_EQ(sql_int("SELECT count(*) FROM bodies WHERE spans_codec = 0"), 2);  // not rewritten
  EXPECT_EQ(*c->put(same), PutOutcome::kUnchanged);
  EXPECT_EQ(*c->put(cut), PutOutcome::kUnchanged);
}

TEST_F(CatalogV8Test, SpansAreStoredAsDeltasAndOldOrUnorderedOnesAsPairs) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  const doc::Document d = make_document(samples()[0], doc_id(0));
  ASSERT_GE(d.sentences.size(), 5u);
  ASSERT_TRUE(c->put(d).is_ok());
  EXPECT_EQ(sql_int("SELECT spans_codec FROM bodies"), 1);
  EXPECT_LT(sql_int("SELECT length(sentences) FROM bodies") * 2, static_cast<int64_t>(d.sentences.size() * 8));
  expect_same_document(d, *c->get(d.id), false);
  // Overlapping spans (no import makes them, but a Document may hold them) stay pairs.
  doc::Document overlap = make_document(samples()[1], doc_id(1));
  ASSERT_GE(overlap.sentences.size(), 2u);
  overlap.sentences[1].start = overlap.sentences[0].start;
  ASSERT_TRUE(c->put(overlap).is_ok());
  EXPECT_EQ(sql_int("SELECT spans_codec FROM bodies WHERE rid = 2"), 0);
  expect_same_document(overlap, *c->get(overlap.id), false);
  // A row as v7 wrote it (pairs, codec 0) reads whole.
  sql_exec("UPDATE bodies SET spans_codec = 0, paragraphs = X'" + hex(spans_to_blob(d.paragraphs)) +
           "', sentences = X'" + hex(spans_to_blob(d.sentences)) + "' WHERE rid = 1");
  expect_same_document(d, *c->get(d.id), false);
  // Damage is reported, never read as other spans.
  sql_exec("UPDATE bodies SET spans_codec = 7 WHERE rid = 1");
  auto bad = c->get(d.id);
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("codec"), std::string::npos) << bad.status().message();
  sql_exec("UPDATE bodies SET spans_codec = 1, sentences = X'0580' WHERE rid = 1");
  EXPECT_EQ(c->get(d.id).status().code(), StatusCode::kCorruption);
}

TEST(StoreCodecV8, SpanDeltasRoundTripAndRefuseDamage) {
  const doc::Document d = make_document(samples()[2], doc_id(2));
  for (const auto* spans : {&d.paragraphs, &d.sentences}) {
    auto blob = spans_to_deltas(*spans);
    ASSERT_TRUE(blob);
    auto back = spans_from_deltas(*blob);
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    expect_same_spans(*spans, *back);
    // Every cut inside the last span's bytes is refused or yields fewer spans, never garbage past the end.
    for (size_t cut = 1; cut <= std::min<size_t>(blob->size(), 4); ++cut) {
      auto shorter = spans_from_deltas(std::string_view(*blob).substr(0, blob->size() - cut));
      if (shorter.is_ok()) {
        EXPECT_LT(shorter->size(), spans->size());
      }
    }
  }
  // Empty spans, and the largest positions.
  const std::vector<doc::Span> edge = {{0, 0}, {0, 0}, {5, 5}, {UINT32_MAX - 1, UINT32_MAX}};
  expect_same_spans(edge, *spans_from_deltas(*spans_to_deltas(edge)));
  EXPECT_FALSE(spans_to_deltas({{3, 2}}));
  EXPECT_FALSE(spans_to_deltas({{0, 5}, {4, 6}}));
  // A varint past 32 bits, or positions that sum past them.
  EXPECT_EQ(spans_from_deltas("\xff\xff\xff\xff\x1f\x00").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(spans_from_deltas("\xff\xff\xff\xff\x0f\xff\xff\xff\xff\x0f").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(spans_from_deltas("\x01").status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(spans_from_deltas("")->empty());
}

}  // namespace
}  // namespace wenyuan::store

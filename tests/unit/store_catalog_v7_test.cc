// Schema v7 (store/codec.h): the original stored against the cleaned text, the
// outlines as zstd frames of their JSON, and a v6 catalog read and updated
// without losing anything.
#include <gtest/gtest.h>

#include "store_catalog_fixture.h"

namespace wenyuan::store {
namespace {

using namespace testing_support;  // NOLINT: the shared samples and fixture

using CatalogV7Test = CatalogTest;

TEST_F(CatalogV7Test, StoresTheOriginalAgainstTheTextAndTheOutlineCompressed) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  const doc::Document d = make_document(samples()[0], doc_id(0));
  ASSERT_GE(d.outline.size(), 2u);
  ASSERT_TRUE(c->put(d).is_ok());
  // The original (the JSON record around the text) costs far less than a frame of its own.
  const int64_t stored = sql_int("SELECT length(original) FROM bodies");
  EXPECT_LT(stored * 4, static_cast<int64_t>(compress(d.original, 1).size())) << stored;
  EXPECT_EQ(sql_int("SELECT original_codec FROM bodies"), 1);
  EXPECT_EQ(sql_text("SELECT typeof(outline) FROM documents"), "blob");
  EXPECT_LT(sql_int("SELECT length(outline) FROM documents"), static_cast<int64_t>(outline_to_json(d.outline).size()));
  auto got = c->get(d.id, true);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  expect_same_document(d, *got, true);
  auto original = c->get_original(d.id);
  ASSERT_TRUE(original.is_ok()) << original.status().message();
  EXPECT_EQ(*original, d.original);
  // A short outline stays JSON text.
  doc::Document e = make_document(samples()[1], doc_id(1));
  e.outline.clear();
  e.public_outline = e.outline;
  ASSERT_TRUE(c->put(e).is_ok());
  EXPECT_EQ(sql_text("SELECT outline FROM documents WHERE id = '" + e.id + "'"), "[]");
  expect_same_document(e, *c->get(e.id, true), true);
}

TEST_F(CatalogV7Test, AVersion6CatalogReadsWholeAndNewWritesUseV7) {
  doc::Document d = make_document(samples()[3], doc_id(3));
  d.public_outline = d.outline;
  {
    // A catalog as v6 wrote it: JSON outline text and an original frame on its own.
    auto db = sqlite::Db::open(path_.string());
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(migrate(*db, 6).is_ok());
    auto ins = db->prepare(
        "INSERT INTO documents (id, title, year, date, source, category, issuer, tags, access, format, "
        "encoding, origin, text_chars, regions, outline, removed, content_hash, imported_at, public_year, "
        "public_issuer, public_outline, doc_type, source_name) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'paid', ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
        "?19, ?20, ?21, ?22)");
    ASSERT_TRUE(ins.is_ok()) << ins.status().message();
    const std::vector<std::string> texts = {d.id, d.title, "", d.date, d.source, d.category, d.issuer,
                                            tags_to_json(d.tags), d.format, d.encoding, d.origin, "",
                                            regions_to_json(d.regions), outline_to_json(d.outline),
                                            removed_to_json(d.removed), d.content_hash, "", "", d.public_issuer,
                                            outline_to_json(*d.public_outline), d.type, d.source_name};
    for (int i = 0; i < static_cast<int>(texts.size()); ++i) ins->bind_text(i + 1, texts[i]);
    ins->bind_optional_int(3, d.year);
    ins->bind_int(12, d.text_chars);
    ins->bind_int(17, d.imported_at);
    ins->bind_optional_int(18, d.public_year);
    ASSERT_TRUE(ins->run().is_ok());
    ASSERT_NO_FATAL_FAILURE(insert_old_body(*db, d, /*original_level=*/1));
  }
  auto c = open_catalog();
  ASSERT_TRUE(c);
  EXPECT_EQ(sql_int("PRAGMA user_version"), latest_schema_version());
  // Nothing rewritten: the old row keeps its form and reads whole.
  EXPECT_EQ(sql_int("SELECT original_codec FROM bodies"), 0);
  EXPECT_EQ(sql_text("SELECT typeof(outline) FROM documents"), "text");
  auto got = c->get(d.id, true);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  expect_same_document(d, *got, true);
  ASSERT_TRUE(got->public_outline);
  expect_same_outline(*d.public_outline, *got->public_outline);
  EXPECT_EQ(*c->get_original(d.id), d.original);
  // The same document again is unchanged, though its stored form differs.
  EXPECT_EQ(*c->put(d), PutOutcome::kUnchanged);
  // A changed one is written the v7 way and reads back whole.
  d.title += "（修订）";
  d.content_hash += "-2";
  EXPECT_EQ(*c->put(d), PutOutcome::kUpdated);
  EXPECT_EQ(sql_int("SELECT original_codec FROM bodies"), 1);
  EXPECT_EQ(sql_text("SELECT typeof(outline) FROM documents"), "blob");
  EXPECT_EQ(sql_text("SELECT typeof(public_outline) FROM documents"), "blob");
  got = c->get(d.id, true);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  expect_same_document(d, *got, true);
  expect_same_outline(*d.public_outline, *got->public_outline);
}

TEST_F(CatalogV7Test, ACorruptOrForeignOriginalIsReported) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  const doc::Document d = make_document(samples()[0], doc_id(0));
  const doc::Document e = make_document(samples()[1], doc_id(1));
  ASSERT_TRUE(c->put(d).is_ok());
  ASSERT_TRUE(c->put(e).is_ok());
  // d's original now refers to e's text: its checksum no longer matches.
  sql_exec("UPDATE bodies SET text = (SELECT text FROM bodies WHERE rid = 2) WHERE rid = 1");
  EXPECT_EQ(c->get_original(d.id).status().code(), StatusCode::kCorruption);
  sql_exec("UPDATE bodies SET original_codec = 9 WHERE rid = 2");
  auto bad = c->get_original(e.id);
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("codec"), std::string::npos) << bad.status().message();
  sql_exec("UPDATE documents SET outline = x'28b52ffd00' WHERE rid = 2");
  auto outline = c->get(e.id);
  EXPECT_EQ(outline.status().code(), StatusCode::kCorruption);
  EXPECT_NE(outline.status().message().find("outline"), std::string::npos) << outline.status().message();
}

TEST(StoreCodecV7, PrefixFramesAndPackedJsonRoundTrip) {
  const std::string text = samples()[0].text;
  const std::string original = "{\"text\": \"" + text + "\"}";
  const std::string frame = compress_with_prefix(original, text, 1);
  EXPECT_LT(frame.size() * 4, compress(original, 1).size());
  EXPECT_EQ(*decompress_with_prefix(frame, text), original);
  // Another prefix (matches are distances back from its end) decodes to other bytes: the checksum says so.
  EXPECT_EQ(decompress_with_prefix(frame, text.substr(0, text.size() - 3)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decompress_with_prefix(frame, text, 10).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(*decompress_with_prefix(compress_with_prefix(original, "", 1), ""), original);
  EXPECT_EQ(compress_with_prefix("", text, 1), "");
  const std::string json = outline_to_json(make_document(samples()[0], doc_id(0)).outline);
  const std::string packed = pack_json(json);
  EXPECT_NE(packed, json);
  EXPECT_EQ(*unpack_json(packed), json);
  EXPECT_EQ(pack_json("[]"), "[]");
  EXPECT_EQ(*unpack_json("[]"), "[]");
  EXPECT_EQ(unpack_json("garbage").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace wenyuan::store

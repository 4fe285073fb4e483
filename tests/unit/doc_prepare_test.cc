// prepare: RawDocument -> Document. Regions from paywall markers or the
// preview-share rule, ids, content hash, errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "wenyuan/doc/prepare.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

std::string seed() {
  std::ifstream f(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

RawDocument raw_of(std::string text, std::string origin = "docs/000_f507f32534401310.txt") {
  RawDocument r;
  r.text = std::move(text);
  r.origin = std::move(origin);
  r.format = "txt";
  return r;
}

void expect_tiles(const Document& d) {
  ASSERT_FALSE(d.regions.empty());
  uint32_t at = 0;
  for (const Region& g : d.regions) {
    EXPECT_EQ(g.start, at);
    EXPECT_LT(g.start, g.end);
    at = g.end;
  }
  EXPECT_EQ(at, d.text_chars);
}

TEST(Prepare, SeedSampleRegionsFollowTheMarkers) {
  const std::string raw = seed();
  PrepareOptions o;
  o.now = 1700000000;
  Result<Document> r = prepare(raw_of(raw), o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Document& d = *r;
  EXPECT_EQ(d.text_chars, text::count_code_points(d.text));
  expect_tiles(d);
  ASSERT_EQ(d.regions.size(), 2u);
  const uint32_t begin_at = static_cast<uint32_t>(text::count_code_points(raw.substr(0, raw.find("##paidbegin##"))));
  EXPECT_EQ(d.regions[0].kind, RegionKind::kPreview);
  EXPECT_EQ(d.regions[0].end, begin_at);
  EXPECT_EQ(d.regions[1].kind, RegionKind::kPaid);
  EXPECT_EQ(d.regions[1].end, d.text_chars);
  // The cleaned text ends with the last body paragraph; the trailer is gone.
  const std::string last_body = "为加快建设全国构建新发展格局先行区提供坚强的政治保障。";
  ASSERT_GE(d.text.size(), last_body.size());
  EXPECT_EQ(d.text.substr(d.text.size() - last_body.size()), last_body);
  EXPECT_EQ(d.access, Access::kPaid);
  EXPECT_EQ(d.title, "2023年度党建工作情况总结");
  EXPECT_EQ(d.year, 2023);
  EXPECT_EQ(d.outline.size(), 4u);
  EXPECT_EQ(d.paragraphs.size(), 7u);
  EXPECT_EQ(d.id, assign_id(raw_of(raw)));
  EXPECT_EQ(d.id.size(), 16u);
  EXPECT_EQ(d.content_hash.size(), 64u);
  EXPECT_EQ(d.imported_at, 1700000000);
  EXPECT_EQ(d.original, "");
  EXPECT_FALSE(d.removed.empty());
}

// Text after a paid part is paid too: its offset would tell a non-member how
// long the paid part is (docs/paywall.md, close_after_first_paid).
TEST(Prepare, EverythingAfterTheFirstPaidPartIsPaid) {
  const std::string raw =
      "关于推进基层治理工作的报告\n一、基本情况。今年以来各项工作稳步推进。\n##paidbegin##\n二、主要做法。"
      "坚持问题导向，抓好整改落实。\n##paidend##\n三、下一步打算。继续巩固提升工作成效。\n##paidbegin##\n"
      "四、工作要求。压实责任。\n##paidend##\n以上报告，请审阅。";
  Result<Document> r = prepare(raw_of(raw), {});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Document& d = *r;
  ASSERT_EQ(d.regions.size(), 2u);
  EXPECT_EQ(d.regions[0].kind, RegionKind::kPreview);
  EXPECT_EQ(d.regions[0].start, 0u);
  EXPECT_EQ(d.regions[1].kind, RegionKind::kPaid);
  EXPECT_EQ(d.regions[1].start, d.regions[0].end);
  EXPECT_EQ(d.regions[1].end, d.text_chars);
  const std::string preview = text::substr_code_points(d.text, 0, d.regions[0].end);
  EXPECT_NE(preview.find("基本情况"), std::string::npos);
  EXPECT_EQ(preview.find("下一步打算"), std::string::npos);
  EXPECT_EQ(visible_text(d).find("下一步打算"), std::string::npos);
}

std::string ten_paragraphs() {
  std::string t = "关于加强基层治理的实施意见";
  for (int i = 1; i < 10; ++i) t += "\n第" + std::to_string(i) + "段内容，推进各项工作落实。";
  return t;
}

TEST(Prepare, FreeDocumentIsOnePreviewRegion) {
  Result<Document> r = prepare(raw_of(ten_paragraphs()), {});
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->regions.size(), 1u);
  EXPECT_EQ(r->regions[0].kind, RegionKind::kPreview);
  EXPECT_EQ(r->regions[0].end, r->text_chars);
  EXPECT_EQ(r->access, Access::kFree);
}

TEST(Prepare, PaidWithoutMarkersUsesThePreviewShare) {
  PrepareOptions o;
  o.paid = true;
  Result<Document> r = prepare(raw_of(ten_paragraphs()), o);
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->paragraphs.size(), 10u);
  ASSERT_EQ(r->regions.size(), 2u);
  // 30% of ~150 characters is fewer than 200: the preview is capped at half the
  // document, cut at the last sentence end before the half.
  EXPECT_LE(r->regions[0].end, r->text_chars / 2);
  EXPECT_GT(r->regions[0].end, r->text_chars / 2 - 20);
  const std::string preview = text::substr_code_points(r->text, 0, r->regions[0].end);
  EXPECT_EQ(preview.substr(preview.size() - 3), "。");
  EXPECT_EQ(r->regions[1].kind, RegionKind::kPaid);
  EXPECT_EQ(r->access, Access::kPaid);
  expect_tiles(*r);

  o.preview_share = 0.3;
  r = prepare(raw_of("第一段。\n第二段。"), o);
  ASSERT_EQ(r->regions.size(), 2u);
  EXPECT_EQ(r->regions[0].end, 4u);  // half of 9 characters, at the sentence end

  r = prepare(raw_of("只有一段。"), o);  // nothing to put behind the paywall
  ASSERT_EQ(r->regions.size(), 1u);
  EXPECT_EQ(r->access, Access::kFree);
}

// A long document: 30% of its content characters, cut at the first sentence
// end after; separator lines count nothing, so "=====" rows at the top never
// make the preview (issue 12: an anonymous reader saw two ===== lines).
TEST(Prepare, PreviewIsAShareOfContentCutAtASentenceEnd) {
  std::string t = "==========\n==========\n";
  for (int i = 1; i <= 40; ++i) t += "第" + std::to_string(i) + "项工作，坚持问题导向，狠抓工作落实，取得了明显成效。\n";
  PrepareOptions o;
  o.paid = true;
  Result<Document> r = prepare(raw_of(t), o);
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->regions.size(), 2u);
  const std::string preview = text::substr_code_points(r->text, 0, r->regions[0].end);
  EXPECT_EQ(preview.substr(preview.size() - 3), "。");
  size_t content = 0, all = 0;
  for (size_t i = 0; i < r->text.size();) {
    const char32_t c = text::decode_one(r->text, i);
    if (c >= 0x4E00 && c <= 0x9FFF) ++all;
  }
  for (size_t i = 0; i < preview.size();) {
    const char32_t c = text::decode_one(preview, i);
    if (c >= 0x4E00 && c <= 0x9FFF) ++content;
  }
  EXPECT_GE(content * 10, all * 3);          // at least 30% of the content
  EXPECT_LE(content * 10, all * 3 + 10 * 30);  // and not more than one sentence beyond it
  EXPECT_NE(preview.find("第1项工作"), std::string::npos);
}

TEST(Prepare, GivenAccessWinsOverTheDefault) {
  RawDocument raw = raw_of(ten_paragraphs());
  raw.access = Access::kFree;
  PrepareOptions o;
  o.paid = true;
  EXPECT_EQ(prepare(raw, o)->access, Access::kFree);
  raw.access = Access::kPaid;
  EXPECT_EQ(prepare(raw, {})->access, Access::kPaid);
}

TEST(Prepare, WithoutCleaningTheTextStaysAsGiven) {
  const std::string raw = seed();
  PrepareOptions o;
  o.clean = false;
  Result<Document> r = prepare(raw_of(raw), o);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->text, raw);
  ASSERT_EQ(r->regions.size(), 1u);
  EXPECT_TRUE(r->removed.empty());
}

TEST(Prepare, Ids) {
  RawDocument raw = raw_of("正文。");
  raw.id = "law-2019.04_23";
  EXPECT_EQ(prepare(raw, {})->id, "law-2019.04_23");
  for (const std::string& bad : std::vector<std::string>{"a/b", "有中文", std::string(129, 'a'), "a b", ".", ".."}) {
    raw.id = bad;
    Result<Document> r = prepare(raw, {});
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.status().message().rfind("docs/000_f507f32534401310.txt: invalid id", 0), 0u) << r.status().message();
  }
  RawDocument a = raw_of("同一正文。"), b = raw_of("同一正文。");
  b.title = "另一标题";
  EXPECT_EQ(assign_id(a), assign_id(raw_of("同一正文。", "elsewhere.txt")));
  EXPECT_NE(assign_id(a), assign_id(b));
  RawDocument other_category = raw_of("同一正文。");
  other_category.category = "行政法";
  EXPECT_NE(assign_id(a), assign_id(other_category));  // one law filed twice: two records
  EXPECT_EQ(assign_id(a).find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Prepare, NoTextIsAnError) {
  Result<Document> r = prepare(raw_of(" \n\u3000\n", "in/empty.txt"), {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(), "in/empty.txt: no text");
  r = prepare(raw_of("##paidbegin##\n扫码加入VIP会员群，海量范文免费下载，客服微信：abc123\n##paidend##"), {});
  EXPECT_FALSE(r.is_ok());
}

TEST(Prepare, TitleFallsBackToTheFileName) {
  EXPECT_EQ(prepare(raw_of("这是一个很长的句子，不像标题。", "a/b/工作总结.docx"), {})->title, "工作总结");
  EXPECT_EQ(prepare(raw_of("这是一个很长的句子，不像标题。", "laws.jsonl:12"), {})->title, "laws");
  RawDocument raw = raw_of("正文。");
  raw.title = "给定标题";
  EXPECT_EQ(prepare(raw, {})->title, "给定标题");
}

TEST(Prepare, YearPrefersTitleThenDate) {
  RawDocument raw = raw_of("1982年8月23日通过\n正文。");
  raw.date = "2019-04-23";
  EXPECT_EQ(prepare(raw, {})->year, 2019);
  raw.title = "2018年度工作总结";
  EXPECT_EQ(prepare(raw, {})->year, 2018);
  raw.title.clear();
  raw.date.clear();
  EXPECT_EQ(prepare(raw, {})->year, 1982);
}

TEST(Prepare, ContentHash) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const Document free_doc = *prepare(raw_of(ten_paragraphs()), {});
  EXPECT_EQ(free_doc.content_hash,
            sha256_hex(free_doc.title + std::string(1, '\0') + free_doc.text + std::string(1, '\0') + "free"));
  PrepareOptions o;
  o.paid = true;
  EXPECT_NE(prepare(raw_of(ten_paragraphs()), o)->content_hash, free_doc.content_hash);
  EXPECT_EQ(prepare(raw_of(ten_paragraphs() + "\n\n\n\n"), {})->content_hash, free_doc.content_hash);
}

// Issue 9: the issuer and year a non-member sees come from visible text and the
// record; here both stand only in the paid signature block.
TEST(Prepare, PublicMetadataComesFromVisibleTextOnly) {
  const std::string text =
      "一、基本情况\n今年以来，我们扎实推进各项工作。\n##paidbegin##\n二、主要做法\n这是付费的内容。\n三、下步打算\n继续努力。\n"
      "某某市人民政府\n2021年3月1日\n";
  RawDocument raw = raw_of(text, "notice.txt");
  raw.title = "工作情况报告";
  Result<Document> r = prepare(raw, {});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->access, Access::kPaid);
  EXPECT_EQ(r->issuer, "某某市人民政府");
  EXPECT_EQ(r->year, 2021);
  EXPECT_EQ(r->public_issuer, "");
  EXPECT_FALSE(r->public_year.has_value());
  ASSERT_TRUE(r->public_outline.has_value());
  EXPECT_LT(r->public_outline->size(), r->outline.size());
  for (const auto& n : *r->public_outline) EXPECT_NE(n.title, "主要做法");
  // The record's date is public: it gives the public year.
  raw.date = "2022-05-01";
  r = prepare(raw, {});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->public_year, 2022);
  // A free document's public metadata is its metadata.
  r = prepare(raw_of("一、基本情况\n正文。\n某某市人民政府\n2021年3月1日\n", "free.txt"), {});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->public_issuer, r->issuer);
  EXPECT_EQ(r->public_year, r->year);
}

}  // namespace
}  // namespace wenyuan::doc

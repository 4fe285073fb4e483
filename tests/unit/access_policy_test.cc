// access::Policy: what each tier sees of a document with preview and paid
// regions — blocks, outline, snippets, downloads — on a hand-made document and
// on the seed sample (paywall markers in the middle of a paragraph).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "wenyuan/access/policy.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::access {
namespace {

// "一、总体情况\n第一段公开内容。\n二、会员内容\n这是付费的秘密句子。\n三、结尾\n结尾也是公开的。"
// with the second half paid: regions [preview 0..p), [paid p..q), [preview q..n).
doc::Document make_doc() {
  doc::Document d;
  d.id = "t1";
  d.title = "测试文档";
  const std::vector<std::string> lines = {"一、总体情况", "第一段公开内容。", "二、会员内容", "这是付费的秘密句子。",
                                          "三、结尾", "结尾也是公开的。"};
  uint32_t pos = 0;
  std::vector<uint32_t> starts;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) {
      d.text += '\n';
      ++pos;
    }
    starts.push_back(pos);
    d.text += lines[i];
    const uint32_t n = static_cast<uint32_t>(text::count_code_points(lines[i]));
    d.paragraphs.push_back({pos, pos + n});
    pos += n;
  }
  d.text_chars = pos;
  d.access = doc::Access::kPaid;
  d.regions = {{doc::RegionKind::kPreview, 0, starts[2]},
               {doc::RegionKind::kPaid, starts[2], starts[4]},
               {doc::RegionKind::kPreview, starts[4], pos}};
  auto node = [&](int line, int end_line, const std::string& marker, const std::string& title) {
    doc::OutlineNode n;
    n.level = 1;
    n.kind = doc::OutlineKind::kCnNum;
    n.marker = marker;
    n.title = title;
    n.start = starts[line];
    n.end = end_line < static_cast<int>(starts.size()) ? starts[end_line] : pos;
    n.heading = {starts[line], starts[line] + static_cast<uint32_t>(text::count_code_points(marker + title))};
    return n;
  };
  d.outline = {node(0, 2, "一、", "总体情况"), node(2, 4, "二、", "会员内容"), node(4, 6, "三、", "结尾")};
  d.original = "ORIGINAL BYTES 这是付费的秘密句子。";
  return d;
}

TEST(AccessPolicy, TiersAndNames) {
  Policy p;
  EXPECT_FALSE(p.may_read_paid(Tier::kAnonymous));
  EXPECT_FALSE(p.may_read_paid(Tier::kFree));
  EXPECT_TRUE(p.may_read_paid(Tier::kVip));
  EXPECT_TRUE(p.may_read_paid(Tier::kSvip));
  EXPECT_TRUE(p.may_read_paid(Tier::kAdmin));
  EXPECT_EQ(p.rules(Tier::kVip).downloads_per_day, 20u);
  EXPECT_EQ(p.rules(Tier::kSvip).downloads_per_day, 200u);
  EXPECT_FALSE(p.rules(Tier::kAdmin).downloads_per_day.has_value());
  for (int i = 0; i < kTierCount; ++i) {
    EXPECT_EQ(tier_from_string(to_string(static_cast<Tier>(i))), static_cast<Tier>(i));
  }
  EXPECT_FALSE(tier_from_string("root").has_value());
}

TEST(AccessPolicy, BlocksHidePaidParagraphsForFreeOnly) {
  Policy p;
  const auto d = make_doc();
  auto blocks = p.visible_blocks(d, Tier::kFree);
  std::string all;
  int locked = 0;
  for (const auto& b : blocks) {
    all += b.text + "|";
    if (b.kind == Block::Kind::kLocked) {
      ++locked;
      EXPECT_EQ(b.characters, b.end - b.start);
    }
  }
  EXPECT_EQ(locked, 1);
  EXPECT_EQ(all.find("秘密"), std::string::npos);
  EXPECT_EQ(all.find("二、会员内容"), std::string::npos);
  EXPECT_NE(all.find("结尾也是公开的。"), std::string::npos);
  EXPECT_EQ(blocks.front().heading_level, 1);
  EXPECT_TRUE(p.is_locked(d, Tier::kFree));

  std::string vip;
  for (const auto& b : p.visible_blocks(d, Tier::kVip)) {
    EXPECT_EQ(b.kind, Block::Kind::kParagraph);
    vip += b.text;
  }
  EXPECT_NE(vip.find("这是付费的秘密句子。"), std::string::npos);
  EXPECT_FALSE(p.is_locked(d, Tier::kVip));
}

TEST(AccessPolicy, OutlineKeepsReadableHeadingsAndOneLockedEntry) {
  Policy p;
  const auto d = make_doc();
  auto o = p.visible_outline(d, Tier::kAnonymous);
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].title, "总体情况");
  EXPECT_TRUE(o[1].locked);
  EXPECT_EQ(o[1].title, std::string(kLockedTitle));
  EXPECT_EQ(o[2].title, "结尾");
  auto v = p.visible_outline(d, Tier::kVip);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1].title, "会员内容");
  EXPECT_FALSE(v[1].locked);
}

TEST(AccessPolicy, SnippetLockedWhenItTouchesPaidByOneCodePoint) {
  Policy p;
  const auto d = make_doc();
  const uint32_t paid_start = d.regions[1].start;
  const uint32_t paid_end = d.regions[1].end;
  auto slice = [&](uint32_t s, uint32_t e) { return text::substr_code_points(d.text, s, e); };
  // Wholly in the preview: shown.
  auto a = p.redact_snippet(d, Tier::kFree, slice(0, 6), 0, 6, {{0, 2}});
  EXPECT_FALSE(a.locked);
  EXPECT_EQ(a.text, slice(0, 6));
  // Ends one code point into the paid region: locked, no text, no highlights.
  auto b = p.redact_snippet(d, Tier::kFree, slice(paid_start - 3, paid_start + 1), paid_start - 3, paid_start + 1,
                            {{0, 1}});
  EXPECT_TRUE(b.locked);
  EXPECT_TRUE(b.text.empty());
  EXPECT_TRUE(b.highlights.empty());
  // Starts at the paid end: shown.
  auto c = p.redact_snippet(d, Tier::kFree, slice(paid_end, paid_end + 2), paid_end, paid_end + 2, {});
  EXPECT_FALSE(c.locked);
  // A snippet whose text is not the document's text at its offsets is not trusted.
  auto f = p.redact_snippet(d, Tier::kFree, "这是付费的秘密句子。", 0, 10, {});
  EXPECT_TRUE(f.locked);
  // Members see paid snippets.
  auto m = p.redact_snippet(d, Tier::kVip, slice(paid_start, paid_end), paid_start, paid_end, {});
  EXPECT_FALSE(m.locked);
  EXPECT_NE(m.text.find("秘密"), std::string::npos);
}

// The text comparison is for documents that hide text from the caller: the
// search route reads no text of a document the caller may read whole.
TEST(AccessPolicy, OnlyADocumentThatHidesTextHasItsSnippetsComparedWithTheText) {
  Policy p;
  const auto paid = make_doc();
  EXPECT_TRUE(p.hides_text(paid, Tier::kFree));
  EXPECT_FALSE(p.hides_text(paid, Tier::kVip));
  doc::Document free_doc = paid;
  free_doc.access = doc::Access::kFree;
  free_doc.regions = {{doc::RegionKind::kPreview, 0, free_doc.text_chars}};
  EXPECT_FALSE(p.hides_text(free_doc, Tier::kFree));
  // A gap between preview regions is unreadable too (intervals fail closed).
  doc::Document gap = free_doc;
  gap.regions = {{doc::RegionKind::kPreview, 0, 3}, {doc::RegionKind::kPreview, 5, gap.text_chars}};
  EXPECT_TRUE(p.hides_text(gap, Tier::kFree));
  // Whole and free: shown without its text at hand, within the text's length only.
  const std::string s = text::substr_code_points(free_doc.text, 2, 8);
  free_doc.text.clear();
  auto shown = p.redact_snippet(free_doc, Tier::kFree, s, 2, 8, {{0, 1}});
  EXPECT_FALSE(shown.locked);
  EXPECT_EQ(shown.text, s);
  EXPECT_TRUE(p.redact_snippet(free_doc, Tier::kFree, s, free_doc.text_chars - 2, free_doc.text_chars + 4, {}).locked);
}

TEST(AccessPolicy, DownloadReplacesPaidWithNoteAndDropsOriginal) {
  Policy p;
  const auto d = make_doc();
  auto free_doc = p.download_document(d, Tier::kFree);
  EXPECT_EQ(free_doc.text.find("秘密"), std::string::npos);
  EXPECT_NE(free_doc.text.find(std::string(kLockedNote)), std::string::npos);
  EXPECT_NE(free_doc.text.find("结尾也是公开的。"), std::string::npos);
  EXPECT_TRUE(free_doc.original.empty());
  EXPECT_EQ(free_doc.text_chars, text::count_code_points(free_doc.text));
  // Paragraph spans index the new text.
  for (const auto& sp : free_doc.paragraphs) {
    EXPECT_LE(sp.end, free_doc.text_chars);
    EXPECT_EQ(text::substr_code_points(free_doc.text, sp.start, sp.end).find('\n'), std::string::npos);
  }
  // The readable outline is remapped: each heading starts its line in the new text.
  ASSERT_EQ(free_doc.outline.size(), 2u);
  EXPECT_EQ(text::substr_code_points(free_doc.text, free_doc.outline[1].start, free_doc.outline[1].start + 2), "三、");

  auto vip_doc = p.download_document(d, Tier::kVip);
  EXPECT_EQ(vip_doc.text, d.text);
  EXPECT_TRUE(vip_doc.original.empty());
  auto out_of_quota = p.download_document(d, Tier::kVip, /*paid_allowed=*/false);
  EXPECT_EQ(out_of_quota.text, free_doc.text);
  EXPECT_TRUE(p.is_full_paid_download(d, Tier::kVip));
  EXPECT_FALSE(p.is_full_paid_download(d, Tier::kFree));
}

TEST(AccessPolicy, MalformedRegionsFailClosed) {
  Policy p;
  auto d = make_doc();
  d.regions = {{doc::RegionKind::kPreview, 0, 5}};  // the rest uncovered
  EXPECT_EQ(p.download_text(d, Tier::kFree).find("秘密"), std::string::npos);
  EXPECT_TRUE(p.is_locked(d, Tier::kFree));
}

TEST(AccessPolicy, ConfigurableTiers) {
  PolicyConfig c;
  c.tiers[static_cast<int>(Tier::kFree)].full_access = true;
  Policy p(c);
  EXPECT_NE(p.download_text(make_doc(), Tier::kFree).find("秘密"), std::string::npos);
}

// The seed sample: markers in the middle of a paragraph; no code point of the
// paid region may reach any view for free, and all of it for vip.
TEST(AccessPolicy, SeedSampleNoPaidCodePointLeaks) {
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt", std::ios::binary);
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  auto raw = doc::import_text(ss.str(), "seed_sample.txt", {});
  ASSERT_TRUE(raw) << raw.status().message();
  auto d = doc::prepare(std::move(raw.value()), {});
  ASSERT_TRUE(d) << d.status().message();
  ASSERT_EQ(d->access, doc::Access::kPaid);
  Policy p;
  std::string paid, preview;
  for (const auto& r : d->regions) {
    (r.kind == doc::RegionKind::kPaid ? paid : preview) += text::substr_code_points(d->text, r.start, r.end) + "\n";
  }
  ASSERT_GT(text::count_code_points(paid), 100u);
  // Every 8-code-point window of the paid text that is not also in the preview.
  std::vector<std::string> probes;
  const auto cps = text::decode_utf8(paid);
  for (size_t i = 0; i + 8 <= cps.size(); i += 5) {
    std::string w = text::encode_utf8(cps.substr(i, 8));
    if (w.find('\n') == std::string::npos && preview.find(w) == std::string::npos) probes.push_back(w);
  }
  ASSERT_GT(probes.size(), 20u);
  std::string free_view;
  for (const auto& b : p.visible_blocks(*d, Tier::kFree)) free_view += b.text + "\n";
  for (const auto& n : p.visible_outline(*d, Tier::kFree)) free_view += n.title + "\n";
  free_view += p.download_text(*d, Tier::kFree);
  std::string vip_view;
  for (const auto& b : p.visible_blocks(*d, Tier::kVip)) vip_view += b.text;
  for (const auto& w : probes) {
    EXPECT_EQ(free_view.find(w), std::string::npos) << w;
    // Blocks are paragraphs and never cross a line, so a probe is whole in one of them.
    EXPECT_NE(vip_view.find(w), std::string::npos) << w;
  }
}

// Issue 9: a non-member's outline and metadata are the public ones, and the
// paid headings appear (locked, as bait) only when the admin turns it on.
TEST(AccessPolicy, PublicOutlineAndMetadataForNonMembersLockedHeadingsOnlyAsConfigured) {
  auto d = make_doc();
  d.public_outline = std::vector<doc::OutlineNode>{d.outline[0]};  // the public analysis saw only 一、
  d.year = 2031;
  d.public_year = 2023;
  d.issuer = "付费署名单位";
  d.public_issuer = "";
  Policy p;
  auto o = p.visible_outline(d, Tier::kFree);
  ASSERT_EQ(o.size(), 2u);  // 一、 and the locked entry; 三、 is not in the public outline
  EXPECT_EQ(o[0].title, "总体情况");
  EXPECT_TRUE(o[1].locked);
  for (const auto& n : o) EXPECT_NE(n.title, "会员内容");
  EXPECT_EQ(p.year(d, Tier::kAnonymous), 2023);
  EXPECT_EQ(p.year(d, Tier::kVip), 2031);
  EXPECT_EQ(p.issuer(d, Tier::kFree), "");
  EXPECT_EQ(p.issuer(d, Tier::kVip), "付费署名单位");
  EXPECT_FALSE(p.discloses_paid_extent(Tier::kFree));
  EXPECT_EQ(p.visible_outline(d, Tier::kVip).size(), 3u);
  // Heading levels of blocks come from the public outline too.
  for (const auto& b : p.visible_blocks(d, Tier::kFree)) {
    if (b.kind == Block::Kind::kParagraph && b.text == "三、结尾") {
      EXPECT_EQ(b.heading_level, 0);
    }
  }

  PolicyConfig bait;
  bait.show_locked_headings = true;
  Policy pb(bait);
  auto ob = pb.visible_outline(d, Tier::kFree);
  bool shown = false;
  for (const auto& n : ob) {
    if (n.kind != "locked_heading") continue;
    shown = true;
    EXPECT_TRUE(n.locked);
    EXPECT_EQ(n.title, "会员内容");
    EXPECT_EQ(n.marker, "二、");
    EXPECT_EQ(n.end, n.start);  // no extent
  }
  EXPECT_TRUE(shown);
  for (const auto& n : pb.visible_outline(d, Tier::kVip)) EXPECT_NE(n.kind, "locked_heading");
}

}  // namespace
}  // namespace wenyuan::access

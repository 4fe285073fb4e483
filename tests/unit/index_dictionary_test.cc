// The block-coded dictionary (index/dictionary.h): what DictWriter codes,
// DictReader reads back entry for entry, by index, by key and by walks, against
// a plain array of the same entries; a malformed dictionary is refused at open.
#include "wenyuan/index/dictionary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "wenyuan/index/format.h"

namespace wenyuan::index {
namespace {

// The skip table before a list's doc stream (format.h).
uint64_t skip_bytes(uint32_t df) {
  return df > kSkipBlock ? uint64_t{(df + kSkipBlock - 1) / kSkipBlock} * SkipEntry::kSize : 0;
}

// Entries as a segment has them: bigram keys of a few first characters, then
// unigram keys (a jump of 2^42), postings one after the other, counts of every
// size (varints of 1 to 5 bytes).
std::vector<DictEntry> make_entries(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<DictEntry> v;
  uint64_t key = bigram_key(0x4e00, 0x4e00);
  uint64_t off = 0;
  for (size_t i = 0; i < n; ++i) {
    DictEntry e;
    if (i == n * 3 / 4) key = unigram_key(0x20);
    else if (i > 0) key += rng() % 8 == 0 ? (uint64_t{1} << 21) * (1 + rng() % 5) : 1 + rng() % 300;
    e.key = key;
    e.postings_off = off;
    const uint32_t shape = rng() % 10;
    e.df = shape == 0 ? 1 + rng() % 2000000 : 1 + rng() % 3;
    e.doc_bytes = shape == 0 ? e.df * 3 : e.df * 2;
    e.visible_df = rng() % 4 == 0 ? e.df - rng() % (e.df + 1) : e.df;
    off += skip_bytes(e.df) + e.doc_bytes + (shape == 1 ? 0 : rng() % 5000);
    v.push_back(e);
  }
  return v;
}

void expect_same(const DictEntry& a, const DictEntry& b, size_t i) {
  EXPECT_EQ(a.key, b.key) << i;
  EXPECT_EQ(a.postings_off, b.postings_off) << i;
  EXPECT_EQ(a.df, b.df) << i;
  EXPECT_EQ(a.doc_bytes, b.doc_bytes) << i;
  EXPECT_EQ(a.visible_df, b.visible_df) << i;
}

struct Coded {
  std::string index, entries;
  uint64_t postings_bytes = 0;
};

Coded code(const std::vector<DictEntry>& v) {
  DictWriter w;
  for (const auto& e : v) w.add(e);
  EXPECT_EQ(w.size(), v.size());
  Coded c{w.index(), w.entries(), 0};
  for (const auto& e : v) c.postings_bytes = std::max<uint64_t>(c.postings_bytes, e.postings_off + skip_bytes(e.df) + e.doc_bytes);
  return c;
}

Result<DictReader> open(const Coded& c, uint32_t n) {
  return DictReader::open(c.index, c.entries, n, c.postings_bytes);
}

TEST(IndexDictionary, ReadsBackEveryEntryByIndexKeyAndWalk) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, size_t{5000}}) {
    SCOPED_TRACE(n);
    const auto v = make_entries(n, static_cast<uint32_t>(n) + 7);
    const Coded c = code(v);
    EXPECT_EQ(c.index.size(), (n + kDictBlock - 1) / kDictBlock * kDictIndexEntrySize);
    auto d = open(c, static_cast<uint32_t>(n));
    ASSERT_TRUE(d.is_ok()) << d.status().message();
    const DictReader& r = d.value();
    ASSERT_EQ(r.size(), n);
    for (size_t i = 0; i < n; ++i) expect_same(r.at(static_cast<uint32_t>(i)), v[i], i);
    // Walks from several starts reach the end through every entry.
    for (size_t from : {size_t{0}, n / 3, n > 0 ? n - 1 : 0, n}) {
      DictReader::Walk w(r, static_cast<uint32_t>(from));
      size_t i = from;
      for (; !w.done(); w.next(), ++i) {
        ASSERT_LT(i, n);
        EXPECT_EQ(w.index(), i);
        expect_same(w.entry(), v[i], i);
      }
      EXPECT_EQ(i, std::max(from, n));
    }
    // lower_bound and find against the array: every key, the keys between, before and after.
    std::vector<uint64_t> probes{0, UINT64_MAX};
    for (const auto& e : v) {
      probes.push_back(e.key);
      probes.push_back(e.key - 1);
      probes.push_back(e.key + 1);
    }
    for (uint64_t k : probes) {
      const auto it = std::lower_bound(v.begin(), v.end(), k, [](const DictEntry& e, uint64_t x) { return e.key < x; });
      ASSERT_EQ(r.lower_bound(k), static_cast<uint32_t>(it - v.begin())) << k;
      const auto f = r.find(k);
      ASSERT_EQ(f.has_value(), it != v.end() && it->key == k) << k;
      if (f) expect_same(*f, *it, static_cast<size_t>(it - v.begin()));
    }
  }
}

TEST(IndexDictionary, CostsAFewBytesAGram) {
  // Grams of real segments are mostly rare bigrams: small counts, small steps.
  std::vector<DictEntry> v;
  uint64_t off = 0;
  for (uint32_t i = 0; i < 10000; ++i) {
    v.push_back(DictEntry{bigram_key(0x4e00 + i / 100, 0x4e00 + (i % 100) * 37), off, 1 + i % 3, 2 + i % 5, 1 + i % 3});
    off += 2 + i % 5 + 3;
  }
  const Coded c = code(v);
  const double per_gram = static_cast<double>(c.index.size() + c.entries.size()) / static_cast<double>(v.size());
  EXPECT_LT(per_gram, 8.0) << "format 4 spent 28 bytes a gram";
}

TEST(IndexDictionary, RefusesAMalformedDictionary) {
  const auto v = make_entries(40, 3);
  const Coded c = code(v);
  ASSERT_TRUE(open(c, 40).is_ok());
  auto refused = [&](const Coded& x, uint32_t n, const std::string& what) {
    auto d = open(x, n);
    ASSERT_FALSE(d.is_ok()) << what;
    EXPECT_EQ(d.status().code(), StatusCode::kCorruption) << what;
    EXPECT_NE(d.status().message().find("dictionary"), std::string::npos) << d.status().message();
  };
  refused(c, 39, "one gram fewer than coded");
  refused(c, 41, "one gram more than coded");
  {
    Coded x = c;
    x.entries.pop_back();
    refused(x, 40, "entries cut short");
  }
  {
    Coded x = c;
    x.entries.append("\x01", 1);
    refused(x, 40, "a byte after the last entry");
  }
  {
    Coded x = c;
    x.entries.append(std::string(7, '\0'));
    EXPECT_TRUE(open(x, 40).is_ok()) << "the padding to the next section is allowed";
  }
  {
    Coded x = c;
    x.postings_bytes -= 1;
    refused(x, 40, "postings beyond their section");
  }
  {
    // A list's skip table counts: 1000 documents have 8 skip entries before the doc stream.
    std::vector<DictEntry> w{DictEntry{5, 0, 1000, 10, 1000}};
    Coded x = code(w);
    ASSERT_EQ(x.postings_bytes, 10 + 8 * SkipEntry::kSize);
    EXPECT_TRUE(open(x, 1).is_ok());
    x.postings_bytes = 10 + 8 * SkipEntry::kSize - 1;
    refused(x, 1, "a skip table beyond the section");
  }
  {
    Coded x = c;
    // The second block's first key below the first block's last: keys out of order.
    const uint64_t low = v[0].key;
    for (int i = 0; i < 8; ++i) x.index[kDictIndexEntrySize + i] = static_cast<char>(low >> (8 * i));
    refused(x, 40, "keys out of order");
  }
  {
    Coded x = c;
    x.index[2 * kDictIndexEntrySize + 16] ^= 1;  // the third block's entries elsewhere
    refused(x, 40, "a block not where the last ended");
  }
  {
    // visible_df above df.
    std::vector<DictEntry> w{DictEntry{5, 0, 1, 1, 1}};
    Coded x = code(w);
    x.entries.back() = static_cast<char>(0x7f);  // df - visible_df = 127 > df
    refused(x, 1, "more visible documents than documents");
  }
}

}  // namespace
}  // namespace wenyuan::index

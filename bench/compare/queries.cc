#include "compare/queries.h"

#include <algorithm>
#include <random>
#include <set>

#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::bench {

const char* bucket_name(Bucket b) {
  switch (b) {
    case Bucket::k1: return "1";
    case Bucket::k2: return "2";
    case Bucket::k3: return "3";
    case Bucket::k4to6: return "4-6";
    case Bucket::k7to12: return "7-12";
    case Bucket::k13plus: return "13+";
    case Bucket::kAnd2: return "AND2";
    case Bucket::kCount: break;
  }
  return "?";
}

std::string BenchQuery::joined() const {
  std::string s;
  for (const auto& t : terms) {
    if (!s.empty()) s += ' ';
    s += t;
  }
  return s;
}

namespace {

class Drawer {
 public:
  Drawer(const Corpus& corpus, uint64_t seed) : corpus_(corpus), rng_(seed) {
    // Only original documents (not replicas) are drawn from: replicas have the same texts.
    size_t originals = corpus.docs.size() / static_cast<size_t>(corpus.replicas);
    uint64_t sum = 0;
    for (size_t i = 0; i < originals; ++i) {
      sum += corpus.docs[i].text_chars;
      cumulative_.push_back(sum);
    }
  }

  uint64_t below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // A document chosen with probability proportional to its length, so positions
  // are uniform over the corpus's text.
  uint32_t pick_doc() {
    uint64_t x = below(cumulative_.back());
    return static_cast<uint32_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) -
                                 cumulative_.begin());
  }

  const std::u32string& decoded(uint32_t doc) {
    if (doc != cached_doc_) {
      cached_ = text::decode_utf8(corpus_.docs[doc].text);
      cached_doc_ = doc;
    }
    return cached_;
  }

  // A substring of `len` code points of `doc` at a random position, or empty if
  // the candidate is rejected.
  std::string cut(uint32_t doc, size_t len) {
    const std::u32string& t = decoded(doc);
    if (t.size() < len) return {};
    size_t start = below(t.size() - len + 1);
    std::u32string_view s(t.data() + start, len);
    for (char32_t c : s) {
      if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') return {};
      if (text::Normalizer::instance().map(c).empty()) return {};  // whitespace (deleted)
    }
    if (text::Normalizer::instance().normalize(text::encode_utf8(s)).empty()) return {};
    return text::encode_utf8(s);
  }

 private:
  const Corpus& corpus_;
  std::mt19937_64 rng_;
  std::vector<uint64_t> cumulative_;
  uint32_t cached_doc_ = UINT32_MAX;
  std::u32string cached_;
};

size_t length_for(Bucket b, Drawer& d) {
  switch (b) {
    case Bucket::k1: return 1;
    case Bucket::k2: return 2;
    case Bucket::k3: return 3;
    case Bucket::k4to6: return 4 + d.below(3);
    case Bucket::k7to12: return 7 + d.below(6);
    case Bucket::k13plus: return 13 + d.below(20);
    default: return 2 + d.below(5);
  }
}

}  // namespace

std::vector<BenchQuery> make_queries(const Corpus& corpus, int per_bucket, uint64_t seed) {
  std::vector<BenchQuery> out;
  if (corpus.docs.empty()) return out;
  Drawer drawer(corpus, seed);
  for (int b = 0; b < kBucketCount; ++b) {
    const Bucket bucket = static_cast<Bucket>(b);
    std::set<std::string> seen;
    int made = 0;
    // Short buckets can run out of distinct strings on a tiny corpus; bound the effort.
    for (int attempt = 0; made < per_bucket && attempt < per_bucket * 200; ++attempt) {
      BenchQuery q;
      q.bucket = bucket;
      q.source_doc = drawer.pick_doc();
      const int nterms = bucket == Bucket::kAnd2 ? 2 : 1;
      for (int i = 0; i < nterms; ++i) {
        std::string t = drawer.cut(q.source_doc, length_for(bucket, drawer));
        if (t.empty()) break;
        q.terms.push_back(std::move(t));
      }
      if (static_cast<int>(q.terms.size()) != nterms) continue;
      if (nterms == 2 && q.terms[0] == q.terms[1]) continue;
      if (!seen.insert(q.joined()).second) continue;
      out.push_back(std::move(q));
      ++made;
    }
  }
  return out;
}

}  // namespace wenyuan::bench

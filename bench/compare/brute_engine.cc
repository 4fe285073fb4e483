// Peer (d): no index at all. Every title and text is normalized once (that is the
// "build") and kept in memory as UTF-8; a query normalizes its terms and scans
// every document with memmem (glibc's two-way search). UTF-8 is self-synchronizing,
// so a byte match of a whole normalized term is a code point match: this peer is
// exact by construction and shows what an index must beat. It is deliberately
// not the oracle's code (UTF-32 find), so the two check each other.
#include <string.h>

#include <algorithm>
#include <filesystem>

#include "compare/engine.h"
#include "wenyuan/text/normalize.h"

namespace wenyuan::bench {

uint64_t directory_bytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t total = 0;
  if (!fs::exists(path, ec)) return 0;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

namespace {

class BruteEngine final : public Engine {
 public:
  std::string name() const override { return "brute force"; }
  std::string describe() const override {
    return "normalized UTF-8 of every title/text in memory, memmem per document";
  }

  Status build(const Corpus& corpus) override {
    const auto& norm = text::Normalizer::instance();
    docs_.clear();
    docs_.reserve(corpus.docs.size());
    bytes_ = 0;
    for (const auto& d : corpus.docs) {
      Doc n{norm.normalize_utf8(d.title), norm.normalize_utf8(d.text)};
      bytes_ += n.title.size() + n.text.size();
      docs_.push_back(std::move(n));
    }
    return Status::ok();
  }

  uint64_t index_bytes() const override { return bytes_; }

  Result<TopK> top(const BenchQuery& q, size_t k) override {
    TopK r;
    scan(q, [&](uint32_t i) {
      ++r.total;
      if (r.ids.size() < k) r.ids.push_back(i);
    });
    return r;
  }

  // Snippets the scan way: the first n occurrences of the first term in the
  // first k matching documents, each cut as a window of ~kWindow bytes of the
  // normalized text (UTF-8 boundaries respected).
  Result<TopK> top_snippets(const BenchQuery& q, size_t k, size_t n) override {
    constexpr size_t kWindow = 240;
    TopK r;
    std::string first = q.terms.empty() ? std::string() : text::Normalizer::instance().normalize_utf8(q.terms[0]);
    std::string cut;
    scan(q, [&](uint32_t i) {
      ++r.total;
      if (r.ids.size() >= k) return;
      r.ids.push_back(i);
      const std::string& t = docs_[i].text;
      size_t at = 0;
      for (size_t s = 0; s < n && !first.empty(); ++s) {
        const void* hit = memmem(t.data() + at, t.size() - at, first.data(), first.size());
        if (!hit) break;
        size_t h = static_cast<size_t>(static_cast<const char*>(hit) - t.data());
        size_t a = h > kWindow / 2 ? h - kWindow / 2 : 0, b = std::min(t.size(), h + kWindow / 2);
        while (a > 0 && (static_cast<unsigned char>(t[a]) & 0xC0) == 0x80) --a;
        while (b < t.size() && (static_cast<unsigned char>(t[b]) & 0xC0) == 0x80) ++b;
        cut.assign(t, a, b - a);
        ++r.snippets;
        at = h + first.size();
      }
    });
    return r;
  }

  Result<std::vector<uint32_t>> all_ids(const BenchQuery& q) override {
    std::vector<uint32_t> ids;
    scan(q, [&](uint32_t i) { ids.push_back(i); });
    return ids;
  }

 private:
  struct Doc {
    std::string title;
    std::string text;
  };

  static bool contains(const std::string& hay, const std::string& needle) {
    return memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
  }

  template <typename F>
  void scan(const BenchQuery& q, F&& on_match) const {
    std::vector<std::string> terms;
    for (const auto& t : q.terms) terms.push_back(text::Normalizer::instance().normalize_utf8(t));
    for (size_t i = 0; i < docs_.size(); ++i) {
      bool all = true;
      for (const auto& t : terms) {
        if (!contains(docs_[i].title, t) && !contains(docs_[i].text, t)) {
          all = false;
          break;
        }
      }
      if (all) on_match(static_cast<uint32_t>(i));
    }
  }

  std::vector<Doc> docs_;
  uint64_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<Engine> make_brute_engine() { return std::make_unique<BruteEngine>(); }

}  // namespace wenyuan::bench

// Normalization for matching (the 精准搜索 contract).
//
// normalize(s) maps each code point of s independently to zero or more code
// points: NFKC -> lowercase -> traditional->simplified (OpenCC t2s, character
// level) -> every whitespace character deleted. Because the mapping is per code
// point (context-free), normalize(a + b) == normalize(a) + normalize(b), so a
// substring of the original always normalizes to a substring of the normalized
// text, and every normalized character knows the one original code point it came
// from (`origin`), which makes highlights exact in the original text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::text {

class Normalizer {
 public:
  // The process-wide immutable instance (built once, thread-safe, read-only after).
  static const Normalizer& instance();

  // Appends the normalized code points of UTF-8 `s` to `out`. If `origin` is not
  // null, appends for each output code point the index (in code points of `s`,
  // plus `origin_base`) of the input code point it came from.
  void normalize(std::string_view s, std::u32string& out, std::vector<uint32_t>* origin = nullptr,
                 uint32_t origin_base = 0) const;

  std::u32string normalize(std::string_view s) const;
  std::string normalize_utf8(std::string_view s) const;

  // The normalized form of a single code point (empty for whitespace).
  std::u32string_view map(char32_t cp) const;

  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

 private:
  Normalizer();
  struct Table;
  std::unique_ptr<Table> table_;
};

}  // namespace wenyuan::text

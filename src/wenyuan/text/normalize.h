// Normalization for matching (the 精准搜索 contract).
//
// normalize(s) maps each code point of s independently to zero or more code
// points: NFKC -> lowercase -> traditional->simplified (OpenCC t2s, character
// level) -> every whitespace character deleted, the chain repeated on its own
// output until nothing changes (so normalize(normalize(x)) == normalize(x)).
// Because the mapping is per code point (context-free), normalize(a + b) ==
// normalize(a) + normalize(b), so a substring of the original always normalizes
// to a substring of the normalized text, and every normalized character knows
// the one original code point it came from (`origin`), which makes highlights
// exact in the original text. docs/normalization.md gives the exact chain, the
// whitespace set and the known divergences from whole-string NFKC and OpenCC.
//
// Ill-formed UTF-8 input is read as text::decode_one reads it: each bad byte is
// one U+FFFD code point (and counts as one in `origin`).
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
  // Building it loads /usr/share/opencc/t2s.json; if OpenCC's data is missing it
  // throws std::runtime_error (an installation error: matching would be wrong).
  static const Normalizer& instance();

  // Appends the normalized code points of UTF-8 `s` to `out`. If `origin` is not
  // null, appends for each output code point the index (in code points of `s`,
  // plus `origin_base`) of the input code point it came from.
  void normalize(std::string_view s, std::u32string& out, std::vector<uint32_t>* origin = nullptr,
                 uint32_t origin_base = 0) const;

  // The positions of `c` in normalize(s), plus `base`, appended to `at`,
  // without building the normalized text (a hit's one-character term is
  // looked for this way, block by block); returns normalize(s).size().
  size_t find(std::string_view s, char32_t c, std::vector<uint32_t>& at, uint32_t base = 0) const;

  std::u32string normalize(std::string_view s) const;
  std::string normalize_utf8(std::string_view s) const;

  // The normalized form of a single code point (empty for whitespace and for
  // values above U+10FFFF). The view stays valid for the life of the process.
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

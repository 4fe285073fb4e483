// The normalization table (see normalize.h for the contract, docs/normalization.md
// for the chain and its known divergences).
//
// Layout: per Unicode plane, one 32-bit entry per code point:
//   entry < 0x110000          the code point maps to exactly that one code point
//                             (itself, most of the time); map() returns a view
//                             onto the entry itself, which is why entries are char32_t;
//   entry & kPoolTag          the code point maps to `len` code points stored in the
//                             plane's pool at `offset`: len = (entry >> 24) & 0x7F,
//                             offset = entry & 0xFFFFFF; len 0 means "deleted".
// The BMP (256 KB) is built by the constructor; the other planes on first use,
// under std::call_once, so instance() does not pay for 4 MB of mostly unassigned
// code space. Building a plane runs the chain only on the code points it can
// change (see Chain::candidates, ~18k in all), and normalizing is one load per
// code point.
#include "wenyuan/text/normalize.h"

#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Lexicon.hpp>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "wenyuan/text/utf8.h"

namespace wenyuan::text {

namespace {

constexpr char32_t kCodePointLimit = 0x110000;
constexpr char32_t kPlaneSize = 0x10000;
constexpr size_t kPlaneCount = 17;
constexpr char32_t kPoolTag = 0x80000000u;
constexpr size_t kMaxMappingLength = 0x7F;
constexpr size_t kMaxPoolSize = 0xFFFFFF;
constexpr int kMaxFixpointRounds = 8;

constexpr const char* kOpenccT2sConfig = "/usr/share/opencc/t2s.json";

// Whitespace deleted by normalization: Unicode White_Space (which includes U+3000
// IDEOGRAPHIC SPACE, U+00A0, U+2028/2029), plus the invisible characters that
// behave as spaces in pasted 公文 text: U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER,
// U+FEFF ZERO WIDTH NO-BREAK SPACE (a stray BOM) and U+180E MONGOLIAN VOWEL
// SEPARATOR (White_Space before Unicode 6.3).
bool is_deleted_space(char32_t cp) {
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) || cp == 0x200B || cp == 0x2060 || cp == 0xFEFF ||
         cp == 0x180E;
}

// One code point -> code points, for the character-level t2s map.
using CharMap = std::unordered_map<char32_t, std::u32string>;

// Reads the single-character entries of OpenCC's t2s conversion. Converting one
// character with OpenCC runs each conversion of the chain in turn; a conversion
// asks the dictionaries of its group in order and the first that has the key wins,
// and an entry with several candidates gives its default (first) one. Reading the
// lexicons once reproduces exactly that, without a Convert call per character.
std::vector<CharMap> load_t2s_chain() {
  std::vector<CharMap> chain;
  try {
    opencc::Config config;
    const opencc::ConverterPtr converter = config.NewFromFile(kOpenccT2sConfig);
    for (const opencc::ConversionPtr& conversion : converter->GetConversionChain()->GetConversions()) {
      std::list<opencc::DictPtr> dicts;
      if (auto group = std::dynamic_pointer_cast<opencc::DictGroup>(conversion->GetDict())) {
        dicts = group->GetDicts();
      } else {
        dicts.push_back(conversion->GetDict());
      }
      CharMap map;
      for (const opencc::DictPtr& dict : dicts) {
        for (const auto& entry : *dict->GetLexicon()) {
          const std::u32string key = decode_utf8(entry->Key());
          if (key.size() != 1) continue;         // phrases never match a lone character
          map.emplace(key[0], decode_utf8(entry->GetDefault()));  // first dictionary wins
        }
      }
      chain.push_back(std::move(map));
    }
  } catch (const std::exception& e) {
    // An installation error, not an input error: without t2s, matching would be
    // silently wrong, so refuse to run.
    throw std::runtime_error(std::string("wenyuan: cannot load OpenCC config ") + kOpenccT2sConfig + ": " +
                             e.what());
  }
  return chain;
}

// Applies the chain once: NFKC -> lowercase -> t2s -> whitespace deletion.
class Chain {
 public:
  Chain() : t2s_(load_t2s_chain()) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_ = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) {
      throw std::runtime_error(std::string("wenyuan: ICU NFKC unavailable: ") + u_errorName(status));
    }
  }

  // Appends the result of one application of the chain to `cp`.
  void step(char32_t cp, std::u32string& out) const {
    icu::UnicodeString decomposition;
    if (!nfkc_->getDecomposition(static_cast<UChar32>(cp), decomposition)) {
      after_nfkc(cp, out);  // no decomposition: NFKC of the lone code point is itself
      return;
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString nfkc = nfkc_->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), status);
    if (U_FAILURE(status)) {
      after_nfkc(cp, out);
      return;
    }
    for (int32_t i = 0; i < nfkc.length();) {
      const UChar32 c = nfkc.char32At(i);
      after_nfkc(static_cast<char32_t>(c), out);
      i += U16_LENGTH(c);
    }
  }

  // The code points the chain may change: those with a decomposition (NFKC can
  // only change those), those that change when lowercased, whitespace, the t2s
  // keys. Everything else maps to itself, so instance() visits ~10k code points
  // instead of 1.1M. (The tests compare the table with the unabridged chain.)
  icu::UnicodeSet candidates() const {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeSet set(icu::UnicodeString(u"[[:^dt=none:][:Changes_When_Lowercased:][:White_Space:]]"), status);
    if (U_FAILURE(status)) {
      throw std::runtime_error(std::string("wenyuan: ICU property sets unavailable: ") + u_errorName(status));
    }
    for (char32_t cp : {0x200B, 0x2060, 0xFEFF, 0x180E}) set.add(static_cast<UChar32>(cp));
    for (const CharMap& map : t2s_) {
      for (const auto& [cp, value] : map) set.add(static_cast<UChar32>(cp));
    }
    return set;
  }

  // Applies `step` to each code point of `s` until nothing changes, so the
  // result is a fixpoint of the chain and normalization is idempotent. Returns
  // false if it did not settle (a cycle), leaving the last round in `s`.
  bool fixpoint(std::u32string& s) const {
    std::u32string next;
    for (int round = 0; round < kMaxFixpointRounds; ++round) {
      next.clear();
      for (char32_t c : s) step(c, next);
      if (next == s) return true;
      s.swap(next);
    }
    return false;
  }

 private:
  void after_nfkc(char32_t cp, std::u32string& out) const {
    char32_t lower = static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp)));
    // Single-conversion chains (t2s has one) take the fast path without copies.
    if (t2s_.size() == 1) {
      const auto it = t2s_[0].find(lower);
      if (it == t2s_[0].end()) {
        if (!is_deleted_space(lower)) out.push_back(lower);
      } else {
        for (char32_t c : it->second) {
          if (!is_deleted_space(c)) out.push_back(c);
        }
      }
      return;
    }
    std::u32string current(1, lower), next;
    for (const CharMap& map : t2s_) {
      next.clear();
      for (char32_t c : current) {
        const auto it = map.find(c);
        if (it == map.end()) {
          next.push_back(c);
        } else {
          next += it->second;
        }
      }
      current.swap(next);
    }
    for (char32_t c : current) {
      if (!is_deleted_space(c)) out.push_back(c);
    }
  }

  const icu::Normalizer2* nfkc_ = nullptr;
  std::vector<CharMap> t2s_;
};

// Decodes the code point at s[i] and advances i; ASCII and well-formed 3-byte
// sequences (all of CJK in the BMP) inline, everything else via decode_one.
inline char32_t next_code_point(std::string_view s, size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char b0 = p[i];
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xF0) == 0xE0 && i + 2 < s.size() && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
    const char32_t cp = ((b0 & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
      i += 3;
      return cp;
    }
  }
  return decode_one(s, i);
}

}  // namespace

// One plane (65536 code points) of the table, built at most once.
struct Plane {
  std::once_flag once;
  std::unique_ptr<char32_t[]> entry;  // kPlaneSize entries, see the file comment
  std::u32string pool;                // the multi-code-point mappings of this plane
};

struct Normalizer::Table {
  Chain chain;
  // Ranges [first, last] of code points the chain may change, ascending.
  std::vector<std::pair<char32_t, char32_t>> candidates;
  std::array<Plane, kPlaneCount> planes;

  Table() {
    const icu::UnicodeSet set = chain.candidates();
    for (int32_t r = 0; r < set.getRangeCount(); ++r) {
      candidates.emplace_back(static_cast<char32_t>(set.getRangeStart(r)), static_cast<char32_t>(set.getRangeEnd(r)));
    }
  }

  // The plane holding `cp`, built on first use. std::call_once makes the
  // building thread-safe and publishes the finished plane to every reader; a
  // plane never changes after that, so normalization stays read-only.
  const Plane& plane(char32_t cp) {
    Plane& p = planes[cp >> 16];
    std::call_once(p.once, [&] { build(cp >> 16, p); });
    return p;
  }

  // The table walk of normalize() and find(), defined once: for each code
  // point of UTF-8 `s`, in order, with its index among them (from 0),
  // one(index, c) when it maps to the one code point c, or many(index, run)
  // when it maps to a run of the pool (empty: deleted, as whitespace).
  template <typename One, typename Many>
  void walk(std::string_view s, One&& one, Many&& many) {
    const Plane& bmp = plane(0);
    const char32_t* bmp_entry = bmp.entry.get();
    uint32_t index = 0;
    for (size_t i = 0; i < s.size(); ++index) {
      const char32_t cp = next_code_point(s, i);  // always < kCodePointLimit
      const Plane* p = &bmp;
      char32_t e;
      if (cp < kPlaneSize) {
        e = bmp_entry[cp];
      } else {
        p = &plane(cp);
        e = p->entry[cp & 0xFFFF];
      }
      if (e < kPoolTag) one(index, e);
      else many(index, std::u32string_view(p->pool).substr(e & 0xFFFFFF, (e >> 24) & 0x7F));
    }
  }

  void build(char32_t plane_number, Plane& p) const {
    const char32_t base = plane_number << 16;
    p.entry = std::make_unique<char32_t[]>(kPlaneSize);
    for (char32_t k = 0; k < kPlaneSize; ++k) p.entry[k] = base + k;
    std::u32string mapped;
    for (const auto& [first, last] : candidates) {
      if (last < base || first >= base + kPlaneSize) continue;
      for (char32_t cp = std::max(first, base); cp <= std::min(last, static_cast<char32_t>(base + kPlaneSize - 1)); ++cp) {
        mapped.clear();
        chain.step(cp, mapped);
        if (mapped.size() == 1 && mapped[0] == cp) continue;
        chain.fixpoint(mapped);  // a cycle (none known) keeps its last round; tests check settling
        char32_t& e = p.entry[cp - base];
        if (mapped.size() == 1) {
          e = mapped[0];
          continue;
        }
        if (mapped.size() > kMaxMappingLength || p.pool.size() + mapped.size() > kMaxPoolSize) {
          throw std::logic_error("wenyuan: normalization table overflow");  // cannot happen with Unicode 15
        }
        e = kPoolTag | (static_cast<char32_t>(mapped.size()) << 24) | static_cast<char32_t>(p.pool.size());
        p.pool += mapped;
      }
    }
  }
};

Normalizer::Normalizer() : table_(std::make_unique<Table>()) {
  table_->plane(0);  // the BMP (all of common Chinese) eagerly; the other planes on first use
}

Normalizer::~Normalizer() = default;

const Normalizer& Normalizer::instance() {
  static const Normalizer normalizer;  // C++11 guarantees thread-safe, once-only construction
  return normalizer;
}

std::u32string_view Normalizer::map(char32_t cp) const {
  if (cp >= kCodePointLimit) return {};
  const Plane& p = table_->plane(cp);
  const char32_t& e = p.entry[cp & 0xFFFF];
  if (e < kPoolTag) return {&e, 1};
  return std::u32string_view(p.pool).substr(e & 0xFFFFFF, (e >> 24) & 0x7F);
}

void Normalizer::normalize(std::string_view s, std::u32string& out, std::vector<uint32_t>* origin,
                           uint32_t origin_base) const {
  out.reserve(out.size() + s.size() / 2 + 8);
  if (origin) origin->reserve(origin->size() + s.size() / 2 + 8);
  table_->walk(
      s,
      [&](uint32_t index, char32_t c) {
        out.push_back(c);
        if (origin) origin->push_back(origin_base + index);
      },
      [&](uint32_t index, std::u32string_view run) {
        out.append(run);
        if (origin) origin->insert(origin->end(), run.size(), origin_base + index);
      });
}

size_t Normalizer::find(std::string_view s, char32_t c, std::vector<uint32_t>& at, uint32_t base) const {
  size_t n = 0;  // normalized code points so far
  table_->walk(
      s,
      [&](uint32_t, char32_t x) {
        if (x == c) at.push_back(static_cast<uint32_t>(base + n));
        ++n;
      },
      [&](uint32_t, std::u32string_view run) {
        for (size_t k = 0; k < run.size(); ++k)
          if (run[k] == c) at.push_back(static_cast<uint32_t>(base + n + k));
        n += run.size();
      });
  return n;
}

std::u32string Normalizer::normalize(std::string_view s) const {
  std::u32string out;
  normalize(s, out);
  return out;
}

std::string Normalizer::normalize_utf8(std::string_view s) const { return encode_utf8(normalize(s)); }

}  // namespace wenyuan::text

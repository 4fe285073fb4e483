// Encoding detection and conversion (see encoding.h for the order of evidence).
//
// Why NUL bytes are looked at before UTF-8 validity: UTF-16 text made of ASCII
// ("a\0b\0") is valid UTF-8, so "valid UTF-8 -> UTF-8" would accept it as text
// full of NULs. A text file never contains U+0000, so bytes with NULs are either
// UTF-16 (judged by what its high bytes would be) or not text at all.
#include "wenyuan/text/encoding.h"

#include <iconv.h>
#include <uchardet.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>

#include "wenyuan/text/utf8.h"

namespace wenyuan::text {

namespace {

// The outcome of one iconv conversion: the converted text, or the input offset
// of the first byte iconv could not convert.
struct Conversion {
  std::string out;
  bool ok = false;
  size_t bad_offset = 0;  // valid when !ok
  bool unsupported = false;  // iconv does not know the encoding pair
};

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

Conversion iconv_convert(std::string_view in, const char* from, const char* to) {
  Conversion result;
  iconv_t raw = iconv_open(to, from);
  if (raw == reinterpret_cast<iconv_t>(-1)) {
    result.unsupported = true;
    return result;
  }
  std::unique_ptr<void, IconvCloser> cd(raw);
  std::string& out = result.out;
  out.resize(in.size() * 2 + 16);
  char* in_ptr = const_cast<char*>(in.data());  // iconv's signature is not const-correct
  size_t in_left = in.size();
  size_t out_used = 0;
  while (true) {
    char* out_ptr = out.data() + out_used;
    size_t out_left = out.size() - out_used;
    // A final call with a null input flushes any shift state (harmless for the
    // stateless encodings we use).
    const size_t rc = in_left > 0 ? iconv(raw, &in_ptr, &in_left, &out_ptr, &out_left)
                                   : iconv(raw, nullptr, nullptr, &out_ptr, &out_left);
    out_used = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ (invalid or unmappable sequence) or EINVAL (truncated at the end).
    result.bad_offset = in.size() - in_left;
    out.resize(out_used);
    return result;
  }
  out.resize(out_used);
  result.ok = true;
  return result;
}

// Byte offset of the first ill-formed UTF-8 sequence, or nullopt if none.
std::optional<size_t> first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const char32_t cp = decode_one(s, i);
    // decode_one yields U+FFFD and advances one byte for ill-formed input; a real
    // U+FFFD is three bytes.
    if (cp == 0xFFFD && i - start == 1) return start;
  }
  return std::nullopt;
}

// "\r\n" and lone "\r" become "\n".
std::string normalize_newlines(std::string s) {
  if (s.find('\r') == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// True if bytes that are valid UTF-8 are more plausibly GB2312/GBK Chinese. Short
// GBK text can be valid UTF-8 by accident (a GBK pair with lead 0xC2-0xDF and
// trail 0xA1-0xBF is a 2-byte UTF-8 sequence: about one Chinese character in
// seven, so one line in fifty of two characters). Real UTF-8 Chinese has 3-byte
// sequences; real UTF-8 Latin text has accented letters between ASCII letters.
// So: no code point >= U+0800 in the UTF-8 reading, its non-ASCII characters
// not all isolated among ASCII letters, and every GB pair a GB2312 one; or a C1
// control character in the UTF-8 reading; or just a word of 1-3 characters.
bool valid_utf8_looks_like_gb2312(std::string_view bytes) {
  bool any_non_ascii = false, adjacent_non_ascii = false, ascii_letter = false, prev_non_ascii = false;
  bool c1_control = false;
  size_t non_ascii_count = 0;
  for (size_t i = 0; i < bytes.size();) {
    const char32_t cp = decode_one(bytes, i);
    if (cp >= 0x800) return false;
    const bool non_ascii = cp >= 0x80;
    non_ascii_count += non_ascii;
    c1_control |= cp >= 0x80 && cp <= 0x9F;
    any_non_ascii |= non_ascii;
    adjacent_non_ascii |= non_ascii && prev_non_ascii;
    ascii_letter |= (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    prev_non_ascii = non_ascii;
  }
  if (c1_control) return true;  // U+0080-U+009F never occur in real UTF-8 text (聯 in GBK is C2 93)
  if (!any_non_ascii || (ascii_letter && !adjacent_non_ascii)) return false;
  // One to three characters and no letters: a word in GBK (論 is D5 93) rather
  // than a lone Armenian or Cyrillic letter; GB18030 must still decode cleanly.
  if (non_ascii_count <= 3 && !ascii_letter) return true;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (size_t i = 0; i < bytes.size();) {
    if (p[i] < 0x80) {
      ++i;
    } else if (i + 1 < bytes.size() && p[i] >= 0xA1 && p[i] <= 0xF7 && p[i + 1] >= 0xA1 && p[i + 1] <= 0xFE) {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

// Whether GB18030 bytes look unlike GBK Chinese. Simplified Chinese in GBK is
// almost all GB2312 (lead and trail 0xA1-0xFE); Big5 and Shift_JIS text, which
// GB18030 often decodes "cleanly" into nonsense, has many trail bytes below 0xA1.
// Short text is never suspect: a few traditional characters in GBK (報, 澤) are
// outside GB2312 too, and uchardet cannot judge a few bytes.
bool unlike_gbk_chinese(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t pairs = 0, outside_gb2312 = 0;
  for (size_t i = 0; i < bytes.size();) {
    if (p[i] < 0x80 || i + 1 >= bytes.size()) {
      ++i;
    } else if (p[i + 1] >= 0x30 && p[i + 1] <= 0x39) {
      i += 4;  // a four-byte GB18030 sequence
    } else {
      ++pairs;
      outside_gb2312 += p[i] < 0xA1 || p[i + 1] < 0xA1;
      i += 2;
    }
  }
  return outside_gb2312 >= 8 && outside_gb2312 * 10 > pairs;
}

std::string byte_at(std::string_view bytes, size_t offset) {
  if (offset >= bytes.size()) return "end of input (truncated sequence)";
  char buf[48];
  std::snprintf(buf, sizeof buf, "byte 0x%02X at offset %zu", static_cast<unsigned char>(bytes[offset]),
                offset);
  return buf;
}

// Decides whether NUL-bearing bytes are BOM-less UTF-16, and which byte order.
// Counting NULs alone does not work for Chinese: ASCII puts a NUL in the high
// byte, but so does nothing else, while common characters like 一 (U+4E00) put
// one in the low byte. Instead, look at what the high bytes would be under each
// byte order: for Chinese text they are almost all 0x00 (ASCII), 0x20-0x33 (general
// and CJK punctuation), 0x34-0x9F (CJK ideographs) or 0xFE-0xFF (fullwidth forms);
// under the wrong order they are the low bytes, spread over all 256 values, as are
// the bytes of binary data. Returns "UTF-16LE", "UTF-16BE" or nullptr.
const char* utf16_by_high_bytes(std::string_view bytes) {
  if (bytes.size() < 8 || bytes.size() % 2 != 0) return nullptr;
  auto plausible_high = [](unsigned char b) {
    return b <= 0x04 || (b >= 0x20 && b <= 0x9F) || b >= 0xFE;
  };
  size_t le = 0, be = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    be += plausible_high(static_cast<unsigned char>(bytes[i]));
    le += plausible_high(static_cast<unsigned char>(bytes[i + 1]));
  }
  const size_t units = bytes.size() / 2;
  // "Clearly": at least 95% plausible one way, and 20 points ahead of the other.
  auto clearly = [units](size_t right, size_t wrong) { return right * 20 >= units * 19 && (right - wrong) * 5 >= units; };
  if (le > be && clearly(le, be)) return "UTF-16LE";
  if (be > le && clearly(be, le)) return "UTF-16BE";
  return nullptr;
}

// Converts to UTF-8 and finishes the text (newlines; the result must be valid
// UTF-8 without NULs). `skip` is the length of a BOM to drop.
Result<DecodedText> convert_to_utf8(std::string_view bytes, size_t skip, const char* from,
                                    std::string name, std::string_view origin) {
  const std::string_view body = bytes.substr(skip);
  Conversion c = iconv_convert(body, from, "UTF-8");
  if (c.unsupported) {
    return Status::unsupported(std::string(origin) + ": encoding " + from + " is not supported by iconv");
  }
  if (!c.ok) {
    return Status::invalid_argument(std::string(origin) + ": not valid " + name + " (" +
                                    byte_at(bytes, skip + c.bad_offset) + ")");
  }
  if (!is_valid_utf8(c.out)) {  // iconv promised UTF-8; check rather than trust
    return Status::internal(std::string(origin) + ": iconv produced invalid UTF-8 from " + name);
  }
  if (const size_t nul = c.out.find('\0'); nul != std::string::npos) {
    return Status::invalid_argument(std::string(origin) + ": not text (" + name + " decodes to U+0000)");
  }
  return DecodedText{normalize_newlines(std::move(c.out)), std::move(name)};
}

struct UchardetCloser {
  void operator()(uchardet_t ud) const { uchardet_delete(ud); }
};

std::string uchardet_guess(std::string_view bytes) {
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, UchardetCloser> ud(uchardet_new());
  if (!ud) return {};
  if (uchardet_handle_data(ud.get(), bytes.data(), bytes.size()) != 0) return {};
  uchardet_data_end(ud.get());
  const char* name = uchardet_get_charset(ud.get());
  return name ? std::string(name) : std::string();
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Result<DecodedText> decode_text(std::string_view bytes, std::string_view origin) {
  if (bytes.empty()) return DecodedText{"", "UTF-8"};

  // 1. A byte order mark is decisive.
  if (starts_with(bytes, "\xEF\xBB\xBF")) return convert_to_utf8(bytes, 3, "UTF-8", "UTF-8-BOM", origin);
  if (starts_with(bytes, "\xFF\xFE")) return convert_to_utf8(bytes, 2, "UTF-16LE", "UTF-16LE", origin);
  if (starts_with(bytes, "\xFE\xFF")) return convert_to_utf8(bytes, 2, "UTF-16BE", "UTF-16BE", origin);

  // 2. NULs: BOM-less UTF-16, or not text.
  if (const size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    if (const char* utf16 = utf16_by_high_bytes(bytes)) {
      return convert_to_utf8(bytes, 0, utf16, utf16, origin);
    }
    return Status::invalid_argument(std::string(origin) + ": not text (binary data: NUL byte at offset " +
                                    std::to_string(nul) + ")");
  }

  // 3. Valid UTF-8 is UTF-8 (ASCII included).
  //    Unless it is short GBK text that happens to be valid UTF-8 as well.
  const std::optional<size_t> utf8_bad = first_invalid_utf8(bytes);
  if (!utf8_bad) {
    if (valid_utf8_looks_like_gb2312(bytes)) {
      Conversion gb = iconv_convert(bytes, "GB18030", "UTF-8");
      if (gb.ok && is_valid_utf8(gb.out)) return DecodedText{normalize_newlines(std::move(gb.out)), "GB18030"};
    }
    return DecodedText{normalize_newlines(std::string(bytes)), "UTF-8"};
  }

  // 4. GB18030 (superset of GBK and GB2312): what Chinese text that is not UTF-8
  //    almost always is.
  //    When it decodes cleanly but looks unlike GB2312 text (Big5 and Shift_JIS
  //    often decode "cleanly"), uchardet may overrule it with an encoding that
  //    also converts cleanly.
  Conversion gb = iconv_convert(bytes, "GB18030", "UTF-8");
  const bool gb_clean = gb.ok && is_valid_utf8(gb.out);
  if (gb_clean && !unlike_gbk_chinese(bytes)) return DecodedText{normalize_newlines(std::move(gb.out)), "GB18030"};

  // 5. Ask uchardet, and believe it only if its encoding converts cleanly.
  const std::string guess = uchardet_guess(bytes);
  if (!guess.empty() && guess != "ASCII" && guess != "UTF-8" && guess != "GB18030") {
    Conversion c = iconv_convert(bytes, guess.c_str(), "UTF-8");
    if (c.ok && is_valid_utf8(c.out) && c.out.find('\0') == std::string::npos) {
      return DecodedText{normalize_newlines(std::move(c.out)), guess};
    }
  }
  if (gb_clean) return DecodedText{normalize_newlines(std::move(gb.out)), "GB18030"};

  return Status::invalid_argument(std::string(origin) + ": not text in any supported encoding (UTF-8: " +
                                  byte_at(bytes, *utf8_bad) + "; GB18030: " + byte_at(bytes, gb.bad_offset) +
                                  (guess.empty() ? std::string() : "; uchardet guessed " + guess) + ")");
}

Result<std::string> encode_text(std::string_view utf8, const char* to_encoding) {
  if (const std::optional<size_t> bad = first_invalid_utf8(utf8)) {
    return Status::invalid_argument("encode_text: input is not valid UTF-8 (" + byte_at(utf8, *bad) + ")");
  }
  Conversion c = iconv_convert(utf8, "UTF-8", to_encoding);
  if (c.unsupported) {
    return Status::unsupported(std::string("encode_text: iconv does not support ") + to_encoding);
  }
  if (!c.ok) {
    size_t i = c.bad_offset;
    const char32_t cp = decode_one(utf8, i);
    char buf[96];
    std::snprintf(buf, sizeof buf, "encode_text: U+%04X at byte offset %zu has no %s form", static_cast<unsigned>(cp),
                  c.bad_offset, to_encoding);
    return Status::invalid_argument(buf);
  }
  return std::move(c.out);
}

}  // namespace wenyuan::text

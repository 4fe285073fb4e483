#include "wenyuan/doc/prepare.h"

#include <algorithm>

#include <sodium.h>

#include <cmath>
#include <ctime>
#include <filesystem>

#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/outline.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {

namespace {

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; a function-local static runs it once.
  static const int rc = sodium_init();
  (void)rc;
}

}  // namespace

bool valid_id(std::string_view id) {
  // "." and ".." are refused: an id is also a file name (exports, URLs).
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// "dir/report.docx" -> "report"; "laws.jsonl:12" -> "laws".
std::string file_stem(const std::string& origin) {
  std::string path = origin;
  const size_t colon = path.rfind(':');
  if (colon != std::string::npos && colon + 1 < path.size() &&
      path.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    path.resize(colon);
  }
  return std::filesystem::path(path).stem().string();
}

bool whitespace_only(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const char32_t c = text::decode_one(s, i);
    if (!(c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == 0x3000 || c == 0xA0 || c == 0xFEFF ||
          c == 0x200C || c == 0x200D || c == 0x2060 || c == 0x200B)) {
      return false;
    }
  }
  return true;
}

// Characters of `text` [start, end) that are content: letters, digits, CJK. A
// separator line ("=====") or a row of decoration has none, so it never makes
// a preview on its own.
uint32_t content_chars(const std::u32string& text, uint32_t start, uint32_t end) {
  uint32_t n = 0;
  for (uint32_t i = start; i < end && i < text.size(); ++i) {
    const char32_t c = text[i];
    n += (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') ||
         (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF10 && c <= 0xFF5A) ||
         (c >= 0x20000 && c <= 0x3FFFF);
  }
  return n;
}

// Paid without markers: the preview is the first `share` of the body's content
// characters, at least kMinPreviewChars of them, cut at the first sentence end
// after that; never more than half the document (a short document shows half
// of itself). Nothing is paid in a document of one paragraph.
constexpr uint32_t kMinPreviewChars = 200;

std::vector<Region> share_regions(const std::string& utf8, const std::vector<Span>& paragraphs,
                                  const std::vector<Span>& sentences, uint32_t chars, double share) {
  if (paragraphs.size() < 2) return {{RegionKind::kPreview, 0, chars}};
  if (!(share >= 0.0)) share = 0.0;  // NaN too
  share = std::min(share, 1.0);
  const std::u32string text = text::decode_utf8(utf8);
  const uint32_t total = content_chars(text, 0, chars);
  const uint32_t want = std::max<uint32_t>(static_cast<uint32_t>(std::ceil(share * total)), kMinPreviewChars);
  const uint32_t cap = chars / 2;
  // The offset where `want` content characters have been read.
  uint32_t at = chars, seen = 0;
  for (const Span& p : paragraphs) {
    const uint32_t here = content_chars(text, p.start, p.end);
    if (seen + here >= want) {
      for (uint32_t i = p.start; i < p.end; ++i) {
        if (seen >= want) {
          at = i;
          break;
        }
        seen += content_chars(text, i, i + 1);
        at = i + 1;
      }
      break;
    }
    seen += here;
  }
  uint32_t cut = 0;
  for (const Span& s : sentences) {  // the first sentence end at or after `at`, within the cap
    if (s.end > cap) break;
    cut = s.end;
    if (s.end >= at) break;
  }
  if (cut == 0) {  // no sentence ends before the cap: the last paragraph start within it, else the cap
    for (const Span& p : paragraphs)
      if (p.start <= cap && p.start > 0) cut = p.start;
    if (cut == 0) cut = cap;
  }
  if (share >= 1.0 || cut == 0 || cut >= chars) return {{RegionKind::kPreview, 0, chars}};
  return {{RegionKind::kPreview, 0, cut}, {RegionKind::kPaid, cut, chars}};
}

// Fail closed: everything after the first paid region is paid. Offsets are code
// points of the whole text, so a preview that followed a paid part (text after
// a ##paidend## marker) would start at an offset that tells a non-member how
// long the paid part before it is (docs/paywall.md). What follows the paid body
// of circulating material is its ending or a trailer the cleaner took out; a
// member reads it either way.
void close_after_first_paid(std::vector<Region>& regions) {
  auto first = std::find_if(regions.begin(), regions.end(), [](const Region& r) { return r.kind == RegionKind::kPaid; });
  if (first == regions.end()) return;
  uint32_t end = first->end;
  for (auto it = first; it != regions.end(); ++it) end = std::max(end, it->end);
  first->end = end;
  regions.erase(first + 1, regions.end());
}

}  // namespace

std::string visible_text(const Document& d) {
  // Offsets must stay those of `text`, so a paid code point inside the text
  // becomes '\n' (a blank line to the analyzer: it starts no heading, ends
  // every sentence and paragraph); a paid part after the last preview is cut
  // off, so not even its length reaches the analysis.
  std::vector<std::pair<uint32_t, uint32_t>> vis;
  for (const Region& r : d.regions)
    if (r.kind == RegionKind::kPreview && r.end > r.start) vis.push_back({r.start, std::min(r.end, d.text_chars)});
  if (d.regions.empty() && d.access == Access::kFree) vis.push_back({0, d.text_chars});
  std::string out;
  uint32_t cp = 0;
  size_t v = 0;
  for (size_t i = 0; i < d.text.size() && v < vis.size();) {
    size_t n = 1;
    const auto b = static_cast<unsigned char>(d.text[i]);
    if (b >= 0xF0) n = 4;
    else if (b >= 0xE0) n = 3;
    else if (b >= 0xC0) n = 2;
    n = std::min(n, d.text.size() - i);
    while (v < vis.size() && cp >= vis[v].second) ++v;
    if (v == vis.size()) break;
    if (cp >= vis[v].first) out.append(d.text, i, n);
    else out.push_back('\n');
    i += n;
    ++cp;
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string assign_id(const RawDocument& raw) {
  // The metadata a record states is part of what the record is: the same law
  // filed under two categories is two records (查重 folds them later), and
  // importing either again finds its own id.
  std::string buf = raw.title;
  for (const std::string* part : {&raw.text, &raw.source, &raw.category, &raw.date}) {
    buf.push_back('\0');
    buf += *part;
  }
  return sha256_hex(buf).substr(0, 16);
}

Result<Document> prepare(RawDocument raw, const PrepareOptions& options) {
  const std::string& origin = raw.origin;
  Document d;
  if (!raw.id.empty()) {
    if (!valid_id(raw.id)) {
      return Status::invalid_argument(origin + ": invalid id \"" + raw.id.substr(0, 140) +
                                      "\" (1-128 characters of A-Z a-z 0-9 . _ -)");
    }
    d.id = raw.id;
  } else {
    d.id = assign_id(raw);
  }
  if (!text::is_valid_utf8(raw.text)) raw.text = text::make_valid_utf8(raw.text);

  std::vector<Region> marker_regions;
  if (options.clean) {
    CleanOptions co;
    co.edge_stats = options.edge_stats;
    co.source = raw.source;
    co.title = raw.title;
    CleanResult c = clean(raw.text, co);
    d.text = std::move(c.text);
    d.removed = std::move(c.removed);
    marker_regions = std::move(c.regions);
  } else {
    d.text = raw.text;
  }
  if (d.text.empty() || whitespace_only(d.text)) return Status::invalid_argument(origin + ": no text");
  d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));

  Analysis a = analyze(d.text, raw.headings, raw.title);
  d.title = !a.title.empty() ? std::move(a.title) : file_stem(origin);
  // The year, in the order of doc/metadata.h: the title's year (2023年度总结 is
  // that year's even when dated later), the session the title names, the
  // record's own date, the 落款 date, the date line under the title, the first
  // full date of the text (Analysis::year holds the last two of these).
  bool bad_date = false;
  const std::optional<int> record_year = year_of_record_date(raw.date, &bad_date);
  if (bad_date)
    d.warnings.push_back(origin + ": date \"" + raw.date.substr(0, 40) + "\" is not a date (the year comes from the text)");
  auto year_of = [&](const std::string& text, const Analysis& an) {
    std::optional<int> y = year_in_title(d.title);
    if (!y) y = session_year(d.title);
    if (!y) y = record_year;
    if (!y) y = signature_year(text);
    if (!y) y = head_date_year(text);
    if (!y) y = an.year;
    return y;
  };
  d.year = year_of(d.text, a);
  const bool had_credits = std::any_of(d.removed.begin(), d.removed.end(), [](const Removed& r) { return r.reason == "credits"; });
  d.type = document_type(d.title, d.text, had_credits);  // paid documents: from the visible text, below
  d.source_name = source_display_name(raw.source);
  d.issuer = std::move(a.issuer);
  d.outline = std::move(a.outline);
  d.paragraphs = std::move(a.paragraphs);
  d.sentences = std::move(a.sentences);

  const bool paid = raw.access ? *raw.access == Access::kPaid : options.paid;
  if (!marker_regions.empty()) {
    d.regions = std::move(marker_regions);
    close_after_first_paid(d.regions);
  }
  else if (paid)
    d.regions = share_regions(d.text, d.paragraphs, d.sentences, d.text_chars, options.preview_share);
  else
    d.regions = {{RegionKind::kPreview, 0, d.text_chars}};
  d.access = Access::kFree;
  for (const Region& r : d.regions) {
    if (r.kind == RegionKind::kPaid) d.access = Access::kPaid;
  }
  // What a non-member may learn: the same analysis over the visible text alone
  // (the title and the record's date are public fields).
  if (d.access == Access::kPaid) {
    const std::string visible = visible_text(d);
    Analysis pa = analyze(visible, raw.headings, d.title);
    d.public_year = year_of(visible, pa);
    d.type = document_type(d.title, visible, had_credits);  // a non-member sees the type: never from paid text
    d.public_issuer = std::move(pa.issuer);
    d.public_outline = std::move(pa.outline);
  } else {
    d.public_year = d.year;
    d.public_issuer = d.issuer;
    d.public_outline = d.outline;
  }

  d.date = std::move(raw.date);
  d.source = std::move(raw.source);
  d.category = std::move(raw.category);
  d.tags = std::move(raw.tags);
  d.format = std::move(raw.format);
  d.encoding = std::move(raw.encoding);
  d.origin = std::move(raw.origin);
  d.original = std::move(raw.original);
  d.imported_at = options.now != 0 ? options.now : static_cast<int64_t>(std::time(nullptr));

  std::string h = d.title;
  h.push_back('\0');
  h += d.text;
  h.push_back('\0');
  h += to_string(d.access);
  d.content_hash = sha256_hex(h);
  return d;
}

}  // namespace wenyuan::doc

#include "wenyuan/doc/prepare.h"

#include <algorithm>

#include <sodium.h>

#include <cmath>
#include <ctime>
#include <filesystem>

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

std::optional<int> year_of_date(const std::string& date) {
  if (date.size() < 4) return std::nullopt;
  int y = 0;
  for (int i = 0; i < 4; ++i) {
    if (date[i] < '0' || date[i] > '9') return std::nullopt;
    y = y * 10 + (date[i] - '0');
  }
  if (date.size() > 4 && date[4] >= '0' && date[4] <= '9') return std::nullopt;
  if (y < 1949 || y > 2200) return std::nullopt;
  return y;
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

// Paid without markers: the first ceil(share * paragraphs) paragraphs are the
// preview (at least one when there are two or more), the rest is paid.
std::vector<Region> share_regions(const std::vector<Span>& paragraphs, uint32_t chars, double share) {
  const size_t n = paragraphs.size();
  if (n >= 2) {
    if (!(share >= 0.0)) share = 0.0;  // NaN too
    size_t k = static_cast<size_t>(std::ceil(std::min(share, 1.0) * static_cast<double>(n)));
    k = std::max<size_t>(k, 1);
    if (k < n) {
      const uint32_t boundary = paragraphs[k].start;
      return {{RegionKind::kPreview, 0, boundary}, {RegionKind::kPaid, boundary, chars}};
    }
  }
  return {{RegionKind::kPreview, 0, chars}};
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
  // The year a title names (2023年度总结) is the document's year even when it
  // was dated later; else the given date; else the text's own date.
  d.year = year_in_title(d.title);
  if (!d.year) d.year = year_of_date(raw.date);
  if (!d.year) d.year = a.year;
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
    d.regions = share_regions(d.paragraphs, d.text_chars, options.preview_share);
  else
    d.regions = {{RegionKind::kPreview, 0, d.text_chars}};
  d.access = Access::kFree;
  for (const Region& r : d.regions) {
    if (r.kind == RegionKind::kPaid) d.access = Access::kPaid;
  }
  // What a non-member may learn: the same analysis over the visible text alone
  // (the title and the record's date are public fields).
  if (d.access == Access::kPaid) {
    Analysis pa = analyze(visible_text(d), raw.headings, d.title);
    d.public_year = year_in_title(d.title);
    if (!d.public_year) d.public_year = year_of_date(raw.date);
    if (!d.public_year) d.public_year = pa.year;
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

#include "wenyuan/doc/clean.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "wenyuan/doc/outline.h"
#include "wenyuan/doc/promo.h"
#include "wenyuan/text/chars.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {

namespace {

using text::is_blank;
using text::trim_blank;
using U32View = std::u32string_view;

constexpr std::string_view kPaidBegin = "##paidbegin##";
constexpr std::string_view kPaidEnd = "##paidend##";

// One input line: its text split around paywall markers.
struct Piece {
  std::string text;
  bool marker = false;
  bool begin = false;  // ##paidbegin## (else ##paidend##)
};

enum class Verdict { kKeep, kPromo, kCredits, kHeader, kFooter, kNoise, kMarkerLine };

struct LineRec {
  std::vector<Piece> pieces;
  std::string content;   // the line without markers
  bool newline = false;  // the line ended with '\n'
  bool has_marker = false;
  bool blank = false;  // whitespace only (after taking out markers)
  Verdict verdict = Verdict::kKeep;
  std::u32string u32;
  size_t chars = 0;  // code points of the trimmed line (LineSignals::chars)
  // The line's signals, computed when first asked: the head and tail blocks
  // ask of a few lines, the single-line rule only of lines of 150 code points
  // or fewer, so the long paragraphs that carry most of a document's text are
  // never scanned for promotion words (line_signals was a tenth of an import).
  const LineSignals& sig() const {
    if (!sig_) sig_ = blank ? LineSignals{} : line_signals(u32);
    return *sig_;
  }

 private:
  mutable std::optional<LineSignals> sig_;  // of `content`
};

// `scanned` counts the bytes the marker search examined.
std::vector<LineRec> split(std::string_view text, uint64_t& scanned) {
  std::vector<LineRec> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    LineRec rec;
    rec.newline = nl != std::string_view::npos;
    const std::string_view line = text.substr(start, end - start);
    // The next begin and end marker at or after `at`, each searched for again
    // only once the cut has passed it: the line is scanned once per marker kind,
    // not once per marker (20,000 markers on one line would be quadratic).
    auto find = [&](std::string_view marker, size_t from) {
      const size_t p = line.find(marker, from);
      scanned += (p == std::string_view::npos ? line.size() : p + marker.size()) - from;
      return p;
    };
    size_t at = 0;
    size_t b = find(kPaidBegin, 0);
    size_t e = find(kPaidEnd, 0);
    while (at < line.size()) {
      if (b != std::string_view::npos && b < at) b = find(kPaidBegin, at);
      if (e != std::string_view::npos && e < at) e = find(kPaidEnd, at);
      const size_t m = std::min(b, e);
      if (m == std::string_view::npos) {
        rec.pieces.push_back({std::string(line.substr(at)), false, false});
        break;
      }
      if (m > at) rec.pieces.push_back({std::string(line.substr(at, m - at)), false, false});
      const std::string_view marker = m == b ? kPaidBegin : kPaidEnd;
      rec.pieces.push_back({std::string(marker), true, m == b});
      rec.has_marker = true;
      at = m + marker.size();
    }
    for (const Piece& p : rec.pieces) {
      if (!p.marker) rec.content += p.text;
    }
    rec.u32 = text::decode_utf8(rec.content);
    rec.chars = trim_blank(rec.u32).size();
    rec.blank = rec.chars == 0;
    if (rec.blank && rec.has_marker) rec.verdict = Verdict::kMarkerLine;
    lines.push_back(std::move(rec));
    start = end + 1;
  }
  return lines;
}

// How promotional one line looks on its own (promo_score in clean.h).
int promo_score_of(const LineSignals& s) {
  return s.trade + s.contact + (s.bracketed ? 2 : 0) + (s.credit ? 1 : 0) + (s.decoration ? 2 : 0) +
         (s.price ? 2 : 0);
}

// A line that carries promotion of its own, not only words official prose uses
// too (关注, 加入, 下载): it can extend an edge block; a line without it ends the
// head block and, at the top of a tail block, stays with the body (附件 lists,
// a 落款 without its date).
bool own_signal(const LineSignals& s) {
  return s.strong_words > 0 || s.contact > 0 || s.credit || s.decoration || s.separator || s.price ||
         s.bracketed || s.trade >= 3;
}

// The block [first, last) at an edge of the document, decided as a whole:
// promotion when it names the trade and sells with it (a word official
// documents hardly use, a price, decoration, contact ids, or many trade words
// together); credits when it is nothing but editorial credits and rules.
// Either way every line of it goes, blank lines and separators included.
// Contact details alone (联系人：… 电话：…), e-mail addresses or URLs never make
// a block promotion.
void decide_edge_block(std::vector<LineRec>& lines, int first, int last) {
  int trade = 0, strong = 0, contact = 0, deco = 0, credits = 0, others = 0;
  bool price = false;
  for (int k = first; k < last; ++k) {
    const LineRec& l = lines[k];
    if (l.blank || l.verdict == Verdict::kMarkerLine) continue;
    const LineSignals& s = l.sig();
    trade += s.trade;
    strong += s.strong_words;
    contact += s.contact;
    deco += s.decoration || s.bracketed || s.separator ? 1 : 0;
    price = price || s.price;
    if (s.credit) ++credits;
    else if (!s.separator && !s.decoration) ++others;
  }
  const bool promo = (strong >= 1 && (trade >= 4 || contact > 0 || price || deco > 0 || credits > 0)) ||
                     (trade >= 4 && (price || deco > 0)) || (trade >= 3 && contact > 0 && deco > 0) || trade >= 7;
  const bool credits_only = credits > 0 && others == 0;
  if (!promo && !credits_only) return;
  for (int k = first; k < last; ++k) {
    LineRec& l = lines[k];
    if (l.verdict == Verdict::kKeep) l.verdict = promo ? Verdict::kPromo : Verdict::kCredits;
  }
}

// Promotion in words or form, not only a number: a line that can open a tail
// block (a 联系电话 line cannot).
bool promo_words(const LineSignals& s) {
  return s.strong_words > 0 || s.trade >= 3 || s.credit || s.decoration || s.separator || s.price || s.bracketed;
}

// Signal-less lines a tail block may hold between promotion lines (titles of
// recommended articles, a brand name): more than this, or this many characters,
// and what lies above is body.
constexpr int kTailGapLines = 4;
constexpr size_t kTailGapChars = 120;

// The tail: after the body's last anchor (a sentence ended the body's way, a
// 落款 date, a numbered heading), from the first line with promotion in words or
// form, taking with it the lines just above that line which carry trade
// words and are not set off from it by a blank line ("觉得有用就点个在看吧" above
// "转发给小伙伴", a hotline directly above an offer of paid writing); lines above
// those stay with the body: 附件 lists, a 落款 without its date, a 联系电话 line
// of a notice standing apart from what follows.
void mark_tail_block(std::vector<LineRec>& lines) {
  const int n = static_cast<int>(lines.size());
  int first = n, gap = 0;
  size_t gap_chars = 0;
  for (int k = n - 1; k >= 0; --k) {
    const LineRec& l = lines[k];
    if (l.blank || l.verdict == Verdict::kMarkerLine) continue;
    if (is_body_anchor(l.sig())) break;
    if (promo_words(l.sig())) {
      first = k;
      gap = 0;
      gap_chars = 0;
      continue;
    }
    gap_chars += l.sig().chars;
    if (++gap > kTailGapLines || gap_chars > kTailGapChars) break;
  }
  if (first >= n) return;
  while (first > 0 && !lines[first - 1].blank && lines[first - 1].verdict == Verdict::kKeep &&
         !is_body_anchor(lines[first - 1].sig()) && lines[first - 1].sig().trade > 0)
    --first;
  decide_edge_block(lines, first, n);
}

// The head: the lines before the first that has no promotion of its own (the
// title, as a rule) or reads as body.
void mark_head_block(std::vector<LineRec>& lines) {
  const int n = static_cast<int>(lines.size());
  int last = 0;
  for (int k = 0; k < n; ++k) {
    const LineRec& l = lines[k];
    if (l.verdict != Verdict::kKeep && l.verdict != Verdict::kMarkerLine) break;
    if (l.blank || l.verdict == Verdict::kMarkerLine) continue;
    if (!own_signal(l.sig()) || is_body_anchor(l.sig())) break;
    last = k + 1;
  }
  if (last > 0) decide_edge_block(lines, 0, last);
}

// A line elsewhere goes only when it is promotion through and through.
bool single_promo_line(const LineRec& l) {
  if (l.blank || l.chars > 150) return false;  // decided without the signals
  const LineSignals& s = l.sig();
  return promo_score_of(s) >= kPromoSingle && s.strong_words > 0 && !s.structural && !s.citation && !s.statement &&
         !(s.chars >= 40 && s.sentence_end && s.contact == 0);
}

void mark_promotions(std::vector<LineRec>& lines) {
  mark_tail_block(lines);
  mark_head_block(lines);
  for (LineRec& l : lines) {
    if (l.verdict == Verdict::kKeep && single_promo_line(l)) l.verdict = Verdict::kPromo;
  }
}

// clean() asks edge_stats about a line only to take it out when the answer says
// it recurs, and nothing before this step depends on the answers: callers that
// prepare away from the catalog (library::Library) rely on that to record the
// questions and ask them later (EdgeLineStats in clean.h).
void mark_recurring(std::vector<LineRec>& lines, const CleanOptions& o) {
  if (o.edge_stats == nullptr) return;
  const uint32_t docs = o.edge_stats->documents_in_source(o.source);
  if (docs < kRecurringMinDocuments) return;
  std::vector<int> non_blank;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    if (!lines[k].blank) non_blank.push_back(k);
  }
  const std::string_view title = trim_blank(o.title);
  auto check = [&](int k, Verdict v) {
    LineRec& l = lines[k];
    if (l.verdict != Verdict::kKeep) return;
    const std::string_view t = trim_blank(l.content);
    if (is_structural_line(t) || (!title.empty() && t == title)) return;
    if (is_recurring_edge_line(o.edge_stats->documents_with_edge_line(o.source, t), docs)) l.verdict = v;
  };
  const size_t m = non_blank.size();
  for (size_t i = 0; i < std::min<size_t>(3, m); ++i) check(non_blank[i], Verdict::kHeader);
  for (size_t i = m > 3 ? m - 3 : 0; i < m; ++i) check(non_blank[i], Verdict::kFooter);
}

// Blank lines: none at the start or the end, and no more than one where 3+ stand together.
void mark_noise(std::vector<LineRec>& lines) {
  int first = -1, last = -1;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    if (lines[k].verdict == Verdict::kKeep && !lines[k].blank) {
      if (first < 0) first = k;
      last = k;
    }
  }
  int run_start = -1, run_len = 0;
  auto close_run = [&]() {
    if (run_len >= 3) {
      int kept = 0;
      for (int k = run_start; kept < run_len; ++k) {
        if (lines[k].verdict != Verdict::kKeep) continue;
        if (kept++ > 0) lines[k].verdict = Verdict::kNoise;
      }
    }
    run_len = 0;
  };
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    LineRec& l = lines[k];
    if (l.verdict != Verdict::kKeep) continue;  // removed lines do not break a run of blanks
    if (!l.blank) {
      close_run();
      continue;
    }
    if (k < first || k > last || first < 0) {
      l.verdict = Verdict::kNoise;
      continue;
    }
    if (run_len == 0) run_start = k;
    ++run_len;
  }
  close_run();
}

const char* reason_of(Verdict v) {
  switch (v) {
    case Verdict::kPromo: return "promo_line";
    case Verdict::kCredits: return "credits";
    case Verdict::kHeader: return "recurring_header";
    case Verdict::kFooter: return "recurring_footer";
    case Verdict::kMarkerLine: return "paywall_marker";
    default: return "noise";
  }
}

// Builds the cleaned text, the removed pieces and the regions.
class Assembler {
 public:
  void keep(const std::string& s) {
    out_.text += s;
    chars_ += static_cast<uint32_t>(text::count_code_points(s));
  }
  void drop(const char* reason, const std::string& s) {
    if (s.empty()) return;
    if (!out_.removed.empty() && out_.removed.back().position == chars_ && out_.removed.back().reason == reason) {
      out_.removed.back().text += s;  // one removed piece per contiguous run of one reason
      return;
    }
    out_.removed.push_back({reason, s, chars_});
  }
  void marker(bool begin) {
    out_.had_paywall_markers = true;
    drop("paywall_marker", std::string(begin ? kPaidBegin : kPaidEnd));
    markers_.emplace_back(begin, chars_);
  }

  CleanResult finish() {
    // ##paidbegin## opens a paid region, ##paidend## closes it; a begin without
    // an end runs to the end; an end without a begin is ignored.
    if (!markers_.empty()) {
      RegionKind state = RegionKind::kPreview;
      uint32_t from = 0;
      auto close = [&](uint32_t to) {
        if (to > from) out_.regions.push_back({state, from, to});
        from = to;
      };
      for (const auto& [begin, pos] : markers_) {
        if (begin && state == RegionKind::kPreview) {
          close(pos);
          state = RegionKind::kPaid;
        } else if (!begin && state == RegionKind::kPaid) {
          close(pos);
          state = RegionKind::kPreview;
        }
      }
      close(chars_);
      // Adjacent regions of one kind (from empty regions dropped between them) merge.
      std::vector<Region> merged;
      for (const Region& r : out_.regions) {
        if (!merged.empty() && merged.back().kind == r.kind && merged.back().end == r.start)
          merged.back().end = r.end;
        else
          merged.push_back(r);
      }
      out_.regions = std::move(merged);
    }
    return std::move(out_);
  }

 private:
  CleanResult out_;
  uint32_t chars_ = 0;
  std::vector<std::pair<bool, uint32_t>> markers_;
};

}  // namespace

int promo_score(std::string_view line) { return promo_score_of(line_signals(text::decode_utf8(line))); }

std::vector<std::string> edge_lines(std::string_view text) {
  std::vector<std::string> non_blank;
  uint64_t scanned = 0;
  for (const LineRec& l : split(text, scanned)) {
    if (!l.blank) non_blank.emplace_back(trim_blank(l.content));
  }
  std::vector<std::string> out;
  const size_t m = non_blank.size();
  for (size_t i = 0; i < m; ++i) {
    if (i < 3 || i + 3 >= m) out.push_back(non_blank[i]);
  }
  return out;
}

CleanResult clean(std::string_view text, const CleanOptions& options) {
  uint64_t scanned = 0;
  std::vector<LineRec> lines = split(text, scanned);
  if (options.remove_promotions) mark_promotions(lines);
  mark_recurring(lines, options);
  mark_noise(lines);

  // The last kept line gives up its '\n' (the text does not end in a newline).
  int last_kept = -1;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    if (lines[k].verdict == Verdict::kKeep) last_kept = k;
  }
  Assembler out;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    const LineRec& l = lines[k];
    const bool kept = l.verdict == Verdict::kKeep;
    const char* reason = reason_of(l.verdict);
    for (const Piece& p : l.pieces) {
      if (p.marker)
        out.marker(p.begin);
      else if (kept)
        out.keep(p.text);
      else
        out.drop(reason, p.text);
    }
    if (!l.newline) continue;
    if (kept && k != last_kept)
      out.keep("\n");
    else
      out.drop(kept ? "noise" : reason, "\n");
  }
  CleanResult result = out.finish();
  result.marker_search_bytes = scanned;
  return result;
}

}  // namespace wenyuan::doc

#include "wenyuan/dedup/check.h"

#include <algorithm>
#include <unordered_map>

#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

namespace {

struct Run {
  uint32_t da, de;  // counted characters of the draft
  uint32_t doc;
  uint32_t sa;      // counted characters of the source
};

// The maximal common runs (verified), at least min_chars long.
std::vector<Run> find_runs(const FingerprintIndex& index, const std::vector<uint16_t>& draft,
                           std::u32string_view chars, const CheckOptions& o, bool& complete) {
  std::vector<Run> runs;
  std::vector<uint32_t> hashes;
  kgram_hashes(chars, hashes);
  // Per (document, diagonal): the draft position up to which it is extended.
  std::unordered_map<uint64_t, uint32_t> extended;
  extended.reserve(1024);
  const auto n = static_cast<uint32_t>(draft.size());
  uint64_t work = 0;
  std::vector<std::pair<uint32_t, uint32_t>> hits;
  for (uint32_t p = 0; p < hashes.size(); ++p) {
    hits.clear();
    bool common = false;
    index.for_each_posting(hashes[p], [&](uint32_t d, uint32_t q) {
      if (hits.size() >= o.max_postings_per_gram) { common = true; return; }
      hits.emplace_back(d, q);
    });
    if (common) continue;
    work += hits.size();
    for (const auto& [d, q] : hits) {
      const SourceDoc& s = index.doc(d);
      const uint32_t limit = o.paid_visible ? s.size() : s.visible_end;
      if (q + kGram > limit) continue;
      const uint64_t key = (uint64_t{d} << 32) | static_cast<uint32_t>(q - p);
      auto [it, fresh] = extended.try_emplace(key, 0);
      if (!fresh && it->second > p) continue;  // inside a run already found
      uint32_t a = p, b = q;
      while (a > 0 && b > 0 && draft[a - 1] == s.codes[b - 1] && draft[a - 1] < kOverflow) --a, --b;
      uint32_t e = p, f = q;
      while (e < n && f < limit && draft[e] == s.codes[f] && draft[e] < kOverflow) ++e, ++f;
      work += e - a;
      if (e - p < kGram) continue;  // a hash collision: the k-gram itself differs
      it->second = e;
      if (e - a >= o.min_chars) runs.push_back({a, e, d, b});
    }
    if (work > o.max_work) {
      complete = false;
      break;
    }
  }
  return runs;
}

}  // namespace

CheckReport check(const FingerprintIndex& index, std::string_view draft_utf8, const CheckOptions& options) {
  CheckOptions o = options;
  o.min_chars = std::max(o.min_chars, kMinMinChars);
  CheckReport r;
  const CheckText t = to_check_text(draft_utf8);
  r.code_points = t.code_points;
  r.chars = static_cast<uint32_t>(t.chars.size());
  std::vector<uint16_t> draft(t.chars.size());
  for (size_t i = 0; i < draft.size(); ++i) draft[i] = index.code_of(t.chars[i]);
  std::vector<Run> runs = find_runs(index, draft, t.chars, o, r.complete);

  // Coverage per source and of the draft (counted characters).
  std::vector<uint8_t> covered(r.chars, 0);
  std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
    return x.doc != y.doc ? x.doc < y.doc : x.da < y.da;
  });
  std::unordered_map<uint32_t, uint32_t> doc_cover;
  for (size_t i = 0; i < runs.size();) {
    const uint32_t d = runs[i].doc;
    uint32_t total = 0, reach = 0;
    for (; i < runs.size() && runs[i].doc == d; ++i) {
      const uint32_t a = std::max(runs[i].da, reach);
      if (runs[i].de > a) total += runs[i].de - a;
      reach = std::max(reach, runs[i].de);
      for (uint32_t k = runs[i].da; k < runs[i].de; ++k) covered[k] = 1;
    }
    doc_cover[d] = total;
  }
  for (uint8_t c : covered) r.copied_chars += c;
  r.share = r.chars ? static_cast<double>(r.copied_chars) / r.chars : 0.0;
  for (const auto& [d, c] : doc_cover) r.sources.push_back({d, c});
  std::sort(r.sources.begin(), r.sources.end(), [&](const SourceCoverage& x, const SourceCoverage& y) {
    return x.copied_chars != y.copied_chars ? x.copied_chars > y.copied_chars : index.doc(x.doc).id < index.doc(y.doc).id;
  });
  // Each run's source rank (0 = covers most), for ordering a span's sources.
  std::unordered_map<uint32_t, uint32_t> rank_of;
  rank_of.reserve(r.sources.size());
  for (uint32_t i = 0; i < r.sources.size(); ++i) rank_of[r.sources[i].doc] = i;
  std::vector<uint32_t> run_rank(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) run_rank[i] = rank_of[runs[i].doc];
  r.source_total = static_cast<uint32_t>(r.sources.size());
  if (r.sources.size() > o.max_sources) r.sources.resize(o.max_sources);

  // Spans: cut at every run boundary; a piece covered by runs is a span.
  std::vector<uint32_t> cuts;
  for (const Run& x : runs) cuts.push_back(x.da), cuts.push_back(x.de);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<std::vector<uint32_t>> piece_runs(cuts.empty() ? 0 : cuts.size() - 1);
  for (uint32_t i = 0; i < runs.size(); ++i) {
    const size_t a = std::lower_bound(cuts.begin(), cuts.end(), runs[i].da) - cuts.begin();
    for (size_t j = a; cuts[j] < runs[i].de; ++j) piece_runs[j].push_back(i);
  }
  for (size_t j = 0; j < piece_runs.size(); ++j) {
    auto& ids = piece_runs[j];
    if (ids.empty()) continue;
    const uint32_t x = cuts[j], y = cuts[j + 1];
    Span s;
    s.start = t.origin[x];
    s.end = t.origin[y - 1] + 1;
    s.chars = y - x;
    s.source_count = static_cast<uint32_t>(ids.size());
    auto before = [&](uint32_t u, uint32_t v) {
      return run_rank[u] != run_rank[v] ? run_rank[u] < run_rank[v] : runs[u].sa < runs[v].sa;
    };
    if (ids.size() > o.max_sources_per_span) {
      std::partial_sort(ids.begin(), ids.begin() + o.max_sources_per_span, ids.end(), before);
      ids.resize(o.max_sources_per_span);
    } else {
      std::sort(ids.begin(), ids.end(), before);
    }
    for (uint32_t u : ids) {
      const Run& run = runs[u];
      const SourceDoc& src = index.doc(run.doc);
      const uint32_t sa = run.sa + (x - run.da), se = run.sa + (y - run.da);
      s.sources.push_back({run.doc, src.code_point(sa), src.code_point(se - 1) + 1});
    }
    r.spans.push_back(std::move(s));
  }

  // Paragraphs: the draft's lines that hold counted characters.
  size_t k = 0;
  uint32_t line_start = 0;
  uint32_t cp = 0;
  auto close_line = [&](uint32_t line_end) {
    ParagraphShare p{line_start, line_end, 0, 0};
    for (; k < t.origin.size() && t.origin[k] < line_end; ++k) {
      ++p.chars;
      p.copied += covered[k];
    }
    if (p.chars) r.paragraphs.push_back(p);
  };
  for (size_t i = 0; i < draft_utf8.size(); ++cp) {
    if (text::decode_one(draft_utf8, i) == U'\n') {
      close_line(cp);
      line_start = cp + 1;
    }
  }
  close_line(r.code_points);
  return r;
}

}  // namespace wenyuan::dedup

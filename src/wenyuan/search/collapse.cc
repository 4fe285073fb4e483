#include "wenyuan/search/collapse.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace wenyuan::search {

std::vector<std::vector<std::string>> collapse(std::vector<Hit>& hits, const ClusterOf& cluster_of, size_t limit) {
  std::vector<Hit> kept;
  std::vector<std::vector<std::string>> folded;
  std::unordered_map<uint64_t, size_t> first_of;  // cluster -> index in kept
  for (auto& h : hits) {
    const auto c = cluster_of ? cluster_of(h.id) : std::nullopt;
    if (c) {
      auto it = first_of.find(*c);
      if (it != first_of.end()) {
        folded[it->second].push_back(h.id);
        continue;
      }
    }
    if (limit != 0 && kept.size() == limit) continue;  // later hits may still fold into kept ones
    if (c) first_of.emplace(*c, kept.size());
    kept.push_back(std::move(h));
    folded.emplace_back();
  }
  hits = std::move(kept);
  return folded;
}

}  // namespace wenyuan::search

namespace wenyuan::search {

namespace {

bool same_hit(const Hit& a, const Hit& b) {
  if (a.id != b.id || a.paragraph.has_value() != b.paragraph.has_value()) return false;
  return !a.paragraph || (a.paragraph->start == b.paragraph->start && a.paragraph->end == b.paragraph->end);
}

// The folding loop: the first ranked hits of `r` from 0, twice as many as the
// page needs and more while folding leaves the page short, folded; the page cut.
// `rank` (if given) receives each page hit's rank among the unfolded hits.
Result<FoldedResult> fold_window(const Engine& engine, const Query& q, const SearchRequest& r,
                                 const ClusterOf& cluster_of, std::vector<size_t>* rank) {
  const size_t want = r.offset + r.limit;
  FoldedResult out;
  size_t window = std::min(kMaxFoldWindow, std::max<size_t>(2 * want, want + 20));
  for (;;) {
    SearchRequest wide = r;
    wide.offset = 0;
    wide.limit = window;
    auto res = engine.search(q, wide);
    if (!res) return res.status();
    const bool more = res->total > res->hits.size();
    std::vector<Hit> hits = std::move(res->hits);
    std::vector<Hit> ranked;  // the unfolded order, to find each page hit's rank
    if (rank != nullptr) {
      ranked.reserve(hits.size());
      for (const Hit& h : hits) ranked.push_back(Hit{.id = h.id, .paragraph = h.paragraph});
    }
    auto folded = collapse(hits, cluster_of);
    if (hits.size() >= want || !more || window >= kMaxFoldWindow) {
      out.window_full = more && window >= kMaxFoldWindow;
      out.result.total = res->total;
      out.result.took_us = res->took_us;
      // The kept hits are a subsequence of the ranked ones; a hit is its id and,
      // in the paragraph unit, its paragraph (several hits share a document).
      size_t j = 0;
      for (size_t i = 0; rank != nullptr && i < std::min(hits.size(), want); ++i) {
        while (j < ranked.size() && !same_hit(ranked[j], hits[i])) ++j;
        if (j == ranked.size()) {  // cannot happen (collapse keeps order); search_folded falls back
          rank->clear();
          break;
        }
        if (i >= r.offset) rank->push_back(j);
        ++j;
      }
      for (size_t i = r.offset; i < std::min(hits.size(), want); ++i) {
        out.result.hits.push_back(std::move(hits[i]));
        out.folded.push_back(std::move(folded[i]));
      }
      return out;
    }
    window = std::min(kMaxFoldWindow, window * 2);
  }
}

}  // namespace

Result<FoldedResult> search_folded(const Engine& engine, const Query& q, const SearchRequest& r,
                                   const ClusterOf& cluster_of) {
  if (r.limit == 0) {
    FoldedResult out;
    auto res = engine.search(q, r);
    if (!res) return res.status();
    out.result = std::move(*res);
    return out;
  }
  if (!r.snippets && !r.matches) return fold_window(engine, q, r, cluster_of, nullptr);
  // Fold without text first (ids and fields of the whole window), then read
  // text for the page alone: one search of the ranked hits the page spans.
  // Snippets for a window of 2-3 times the page cost that much more text work
  // per query (an uncached 的 page: 39 -> 28 ms with this and the route's
  // outline-free catalog read).
  SearchRequest light = r;
  light.snippets = false;
  light.matches = false;
  std::vector<size_t> rank;
  WENYUAN_ASSIGN_OR_RETURN(FoldedResult out, fold_window(engine, q, light, cluster_of, &rank));
  if (out.result.hits.empty()) return out;
  if (rank.size() != out.result.hits.size()) return fold_window(engine, q, r, cluster_of, nullptr);
  SearchRequest page = r;
  page.offset = rank.front();
  page.limit = rank.back() - rank.front() + 1;  // ranks ascend: the page keeps rank order
  auto res = engine.search(q, page);
  if (!res) return res.status();
  for (size_t i = 0; i < rank.size(); ++i) {
    const size_t at = rank[i] - rank.front();
    if (at >= res->hits.size() || !same_hit(res->hits[at], out.result.hits[i])) {
      // A commit between the two searches moved the ranks: fold the old way,
      // text for the whole window, from one search.
      return fold_window(engine, q, r, cluster_of, nullptr);
    }
    out.result.hits[i] = std::move(res->hits[at]);
  }
  out.result.took_us += res->took_us;
  return out;
}

}  // namespace wenyuan::search

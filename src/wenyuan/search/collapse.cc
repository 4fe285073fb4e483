#include "wenyuan/search/collapse.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "wenyuan/search/collection.h"
#include "wenyuan/search/execution.h"

namespace wenyuan::search {

namespace {

// The folding rule, over `n` ranked ids (id_at(i): the id of rank i): a rank is
// kept if it is the first of its cluster (or has none), unless `limit` (0: no
// limit) ranks are kept already; a later rank of a kept cluster is folded into
// it. kept: the kept ranks, ascending; folded[k]: the ids folded into kept[k].
struct Fold {
  std::vector<size_t> kept;
  std::vector<std::vector<std::string>> folded;
};

template <typename IdAt>
Fold fold_ranks(size_t n, const IdAt& id_at, const ClusterOf& cluster_of, size_t limit) {
  Fold out;
  std::unordered_map<uint64_t, size_t> first_of;  // cluster -> index in kept
  for (size_t i = 0; i < n; ++i) {
    const std::string& id = id_at(i);
    const auto c = cluster_of ? cluster_of(id) : std::nullopt;
    if (c) {
      auto it = first_of.find(*c);
      if (it != first_of.end()) {
        out.folded[it->second].push_back(id);
        continue;
      }
    }
    if (limit != 0 && out.kept.size() == limit) continue;  // later hits may still fold into kept ones
    if (c) first_of.emplace(*c, out.kept.size());
    out.kept.push_back(i);
    out.folded.emplace_back();
  }
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> collapse(std::vector<Hit>& hits, const ClusterOf& cluster_of, size_t limit) {
  Fold f = fold_ranks(hits.size(), [&](size_t i) -> const std::string& { return hits[i].id; }, cluster_of, limit);
  std::vector<Hit> kept;
  kept.reserve(f.kept.size());
  for (size_t i : f.kept) kept.push_back(std::move(hits[i]));
  hits = std::move(kept);
  return std::move(f.folded);
}

namespace {

// Folding over one execution of the query: `order(n)` puts the first n ranked
// hits (fewer if there are fewer) in result order and returns how many there
// are then, `total()` how many hits match, `id(i)` and `hit(i, ht)` the id
// and the hit with text of rank i. The window grows from twice what the page
// needs while folding leaves the page short, up to kMaxFoldWindow; only the
// page's hits read text. (Before, a page ran the query three times: the window
// without text, the page's ranked span with text, and the whole set again for
// the count: bench/RESULTS.md, 2026-12-04.)
template <typename Order, typename Total, typename IdOf, typename HitOf>
Result<FoldedResult> fold_ranked(const SearchRequest& r, const ClusterOf& cluster_of, const Order& order,
                                 const Total& total, const IdOf& id, const HitOf& hit) {
  const size_t want = r.offset + std::min(r.limit, SIZE_MAX - r.offset);
  std::vector<std::string> ids;  // ids of ranks [0, n)
  size_t window = std::min(kMaxFoldWindow, std::max<size_t>(2 * want, want + 20));
  size_t n = 0;
  Fold fold;
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(n, order(window));
    ids.clear();
    for (size_t i = 0; i < n; ++i) ids.emplace_back(id(i));
    fold = fold_ranks(n, [&](size_t i) -> const std::string& { return ids[i]; }, cluster_of, 0);
    if (fold.kept.size() >= want || n == total() || window >= kMaxFoldWindow) break;
    window = std::min(kMaxFoldWindow, window * 2);
  }
  FoldedResult out;
  out.window_full = total() > n && window >= kMaxFoldWindow;
  out.result.total = total();
  detail::HitText ht;  // reused across the page's hits
  for (size_t k = r.offset; k < std::min(fold.kept.size(), want); ++k) {
    WENYUAN_ASSIGN_OR_RETURN(Hit h, hit(fold.kept[k], ht));
    out.result.hits.push_back(std::move(h));
    out.folded.push_back(std::move(fold.folded[k]));
  }
  if (n == total()) out.shown_total = fold.kept.size();  // every match folded
  return out;
}

std::string id_of(const index::Snapshot& snap, uint32_t part, uint32_t doc) {
  return std::string(snap.parts()[part].segment->id(doc));
}

Result<FoldedResult> fold_documents(detail::Execution& ex, const SearchRequest& r, const ClusterOf& cluster_of) {
  const index::Snapshot& snap = *ex.snap;
  std::vector<detail::Found>& found = ex.found;
  WENYUAN_ASSIGN_OR_RETURN(
      FoldedResult out,
      fold_ranked(
          r, cluster_of,
          [&](size_t n) -> Result<size_t> {
            detail::order_documents(snap, found, r, n);
            return std::min(n, found.size());
          },
          [&] { return found.size(); }, [&](size_t i) { return id_of(snap, found[i].part, found[i].doc); },
          [&](size_t i, detail::HitText& ht) { return detail::document_hit(snap, found[i], ex.positives, r, ht); }));
  // Past the window but within kMaxFoldWindow, 「共 N 篇」 is still exact: how
  // many hits folding leaves (one per cluster, plus every document of none)
  // does not depend on their order, so the rest is counted, not ordered.
  if (!out.shown_total && found.size() <= kMaxFoldWindow) {
    std::unordered_set<uint64_t> clusters;
    uint64_t alone = 0;
    for (const detail::Found& f : found) {
      const auto c = cluster_of ? cluster_of(id_of(snap, f.part, f.doc)) : std::nullopt;
      if (c) clusters.insert(*c);
      else ++alone;
    }
    out.shown_total = alone + clusters.size();
  }
  return out;
}

// The paragraph hits are found again for a larger window: the scan keeps only
// the best `window` of them (a common character has a million).
Result<FoldedResult> fold_paragraphs(detail::Execution& ex, const Query& q, const SearchRequest& r,
                                     const ClusterOf& cluster_of) {
  const index::Snapshot& snap = *ex.snap;
  std::vector<detail::ParaHit> paras;
  uint64_t total = 0;
  return fold_ranked(
      r, cluster_of,
      [&](size_t n) -> Result<size_t> {
        WENYUAN_RETURN_IF_ERROR(
            detail::rank_paragraphs(snap, q.root, ex.found, ex.terms, ex.positives, r, n, paras, total));
        return std::min(n, paras.size());
      },
      [&] { return total; }, [&](size_t i) { return id_of(snap, paras[i].part, paras[i].doc); },
      [&](size_t i, detail::HitText& ht) { return detail::paragraph_hit(snap, paras[i], ex.positives, r, ht); });
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
  const auto t0 = std::chrono::steady_clock::now();
  WENYUAN_ASSIGN_OR_RETURN(detail::Execution ex, detail::execute(engine.index(), q, r));
  Result<FoldedResult> out = r.unit == SearchRequest::Unit::kDocument ? fold_documents(ex, r, cluster_of)
                                                                      : fold_paragraphs(ex, q, r, cluster_of);
  if (out) {
    out->result.took_us = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  }
  return out;
}

}  // namespace wenyuan::search

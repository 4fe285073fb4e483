#include "wenyuan/dedup/clusters.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

namespace {

struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  uint32_t find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(uint32_t a, uint32_t b) { parent[find(a)] = find(b); }
};

std::vector<uint32_t> distinct_hashes(const FingerprintIndex& index, uint32_t slot) {
  std::vector<uint32_t> h;
  // The visible part only, so clusters (which a non-member sees: folded hits,
  // "other versions") are a function of visible text (docs/check.md).
  const uint32_t visible = index.doc(slot).visible_end;
  for (const auto& f : index.fingerprints_of(slot))
    if (f.pos + kGram <= visible) h.push_back(f.hash);
  std::sort(h.begin(), h.end());
  h.erase(std::unique(h.begin(), h.end()), h.end());
  return h;
}

// Exact duplicates: the same counted characters, all of them visible.
bool same_text(const SourceDoc& a, const SourceDoc& b) {
  return a.content_hash == b.content_hash && a.size() == b.size() && a.visible_end == a.size() &&
         b.visible_end == b.size();
}

}  // namespace

std::string title_family(const std::string& title) {
  std::u32string t = text::decode_utf8(text::Normalizer::instance().normalize_utf8(title));
  // NFKC made （） into ( ): drop one trailing (...) note.
  if (!t.empty() && t.back() == U')') {
    const auto open = t.rfind(U'(');
    if (open != std::u32string::npos && open > 0) t.resize(open);
  }
  return text::encode_utf8(t);
}

Clusters find_clusters(const FingerprintIndex& index, const ClusterOptions& o) {
  const uint32_t n = index.slots();
  std::vector<std::vector<uint32_t>> hashes(n);
  std::vector<std::string> family(n);
  for (uint32_t s = 0; s < n; ++s) {
    if (!index.doc(s).alive) continue;
    hashes[s] = distinct_hashes(index, s);
    family[s] = title_family(index.doc(s).title);
  }
  auto is_version_pair = [&](uint32_t a, uint32_t b) {
    const auto& da = index.doc(a);
    const auto& db = index.doc(b);
    return !family[a].empty() && family[a] == family[b] && da.date != db.date;
  };
  UnionFind dups(n), versions(n);
  std::map<std::pair<uint32_t, uint32_t>, double> sim;  // a < b
  std::vector<uint32_t> shared(n, 0), last(n, UINT32_MAX);
  std::vector<uint32_t> touched;
  for (uint32_t a = 0; a < n; ++a) {
    if (!index.doc(a).alive || hashes[a].empty()) continue;
    touched.clear();
    for (uint32_t h : hashes[a]) {
      size_t postings = 0;
      index.for_each_posting(h, [&](uint32_t, uint32_t) { ++postings; });
      if (postings > o.max_postings) continue;
      index.for_each_posting(h, [&](uint32_t b, uint32_t) {
        if (b <= a || last[b] == h) return;  // each pair once; each hash once per document
        last[b] = h;
        if (shared[b]++ == 0) touched.push_back(b);
      });
    }
    for (uint32_t b : touched) {
      const double j = static_cast<double>(shared[b]) / (hashes[a].size() + hashes[b].size() - shared[b]);
      shared[b] = 0;
      last[b] = UINT32_MAX;
      const bool exact = same_text(index.doc(a), index.doc(b));
      if (!exact && is_version_pair(a, b)) {
        if (j >= o.min_version_similarity) versions.unite(a, b);
      } else if (exact || j >= o.min_similarity) {
        dups.unite(a, b);
        sim[{a, b}] = exact ? 1.0 : j;
      }
    }
  }

  Clusters out;
  std::map<uint32_t, std::vector<uint32_t>> groups;
  for (uint32_t s = 0; s < n; ++s)
    if (index.doc(s).alive) groups[dups.find(s)].push_back(s);
  for (auto& [root, members] : groups) {
    if (members.size() < 2) continue;
    // The representative: the text with the most exact copies, then the longest.
    std::unordered_map<uint64_t, uint32_t> copies;
    for (uint32_t m : members) ++copies[index.doc(m).content_hash];
    std::sort(members.begin(), members.end(), [&](uint32_t x, uint32_t y) {
      const auto& dx = index.doc(x);
      const auto& dy = index.doc(y);
      if (copies[dx.content_hash] != copies[dy.content_hash]) return copies[dx.content_hash] > copies[dy.content_hash];
      return dx.size() != dy.size() ? dx.size() > dy.size() : dx.id < dy.id;
    });
    DupCluster c;
    const uint32_t rep = members[0];
    for (uint32_t m : members) {
      ClusterMember cm{m, 1.0, m == rep};
      if (m != rep) {
        auto it = sim.find({std::min(m, rep), std::max(m, rep)});
        // Not linked to the representative directly (a chain): the best link it has.
        double best = 0;
        if (it != sim.end()) best = it->second;
        else
          for (uint32_t o2 : members)
            if (auto jt = sim.find({std::min(m, o2), std::max(m, o2)}); jt != sim.end()) best = std::max(best, jt->second);
        cm.similarity = best;
        cm.exact = same_text(index.doc(m), index.doc(rep));
      }
      c.members.push_back(cm);
    }
    out.clusters.push_back(std::move(c));
  }
  std::stable_sort(out.clusters.begin(), out.clusters.end(),
                   [](const DupCluster& x, const DupCluster& y) { return x.members.size() > y.members.size(); });
  for (uint32_t i = 0; i < out.clusters.size(); ++i)
    for (const auto& m : out.clusters[i].members) out.cluster_of[m.doc] = i;

  std::map<uint32_t, std::vector<uint32_t>> fams;
  for (uint32_t s = 0; s < n; ++s)
    if (index.doc(s).alive) fams[versions.find(s)].push_back(s);
  for (auto& [root, members] : fams) {
    if (members.size() < 2) continue;
    std::sort(members.begin(), members.end(), [&](uint32_t x, uint32_t y) {
      const auto& dx = index.doc(x).date;
      const auto& dy = index.doc(y).date;
      if (dx.empty() != dy.empty()) return !dx.empty();
      return dx != dy ? dx < dy : index.doc(x).id < index.doc(y).id;
    });
    out.versions.push_back({family[members[0]], members});
  }
  for (uint32_t i = 0; i < out.versions.size(); ++i)
    for (uint32_t s : out.versions[i].docs) out.family_of[s] = i;
  return out;
}

}  // namespace wenyuan::dedup

#include "wenyuan/store/clusters.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

namespace wenyuan::store {

namespace {

std::string bins_to_blob(const SketchBins& bins) {
  std::string out(kSketchBins * 4, '\0');
  for (int i = 0; i < kSketchBins; ++i)
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<char>((bins[i] >> (8 * b)) & 0xFF);
  return out;
}

SketchBins blob_to_bins(std::string_view blob) {
  SketchBins bins;
  bins.fill(kEmptyBin);
  if (blob.size() != kSketchBins * 4) return bins;  // unreadable: compares as empty, links nothing
  for (int i = 0; i < kSketchBins; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= static_cast<uint32_t>(static_cast<unsigned char>(blob[i * 4 + b])) << (8 * b);
    bins[i] = v;
  }
  return bins;
}

// One stored sketch with what the rule and the listings need.
struct Row {
  int64_t rid = 0;
  std::string id, title, date;
  uint32_t text_chars = 0;
  DupSketch sketch;
  std::optional<int64_t> cluster;
};

constexpr const char* kRowColumns =
    "SELECT s.rid, d.id, d.title, d.date, d.text_chars, s.bins, s.text_hash, s.family, s.cluster "
    "FROM dup_sketches s JOIN documents d ON d.rid = s.rid ";

Row read_row(const sqlite::Statement& s) {
  Row r;
  r.rid = s.column_int(0);
  r.id = s.column_text(1);
  r.title = s.column_text(2);
  r.date = s.column_text(3);
  r.text_chars = static_cast<uint32_t>(s.column_int(4));
  r.sketch.bins = blob_to_bins(s.column_blob(5));
  if (!s.column_is_null(6)) r.sketch.text_hash = static_cast<uint64_t>(s.column_int(6));
  r.sketch.family = s.column_text(7);
  if (!s.column_is_null(8)) r.cluster = s.column_int(8);
  return r;
}

// Rows of `where` (an SQL condition on s./d., with ?1 bound to `arg` when given).
template <typename Arg>
Result<std::vector<Row>> rows(const sqlite::Db& db, const std::string& where, const Arg& arg) {
  auto cached = db.cached(std::string(kRowColumns) + where);
  if (!cached) return cached.status();
  sqlite::Statement* st = *cached;
  sqlite::StatementReset reset(*st);
  if constexpr (std::is_same_v<Arg, int64_t>) st->bind_int(1, arg);
  else if constexpr (std::is_same_v<Arg, std::string>) st->bind_text(1, arg);
  std::vector<Row> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    out.push_back(read_row(*st));
  }
  return out;
}

Status run(const sqlite::Db& db, const char* sql, int64_t a, std::optional<int64_t> b = std::nullopt) {
  auto st = db.cached(sql);
  if (!st) return st.status();
  sqlite::StatementReset reset(**st);
  (*st)->bind_int(1, a);
  if (b) (*st)->bind_int(2, *b);
  return (*st)->run();
}

struct UnionFind {
  std::unordered_map<int64_t, int64_t> parent;
  int64_t find(int64_t x) {
    auto it = parent.try_emplace(x, x).first;
    while (it->second != x) {
      x = it->second;
      it = parent.try_emplace(x, x).first;
    }
    return x;
  }
  void unite(int64_t a, int64_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the root is the smallest rid
  }
};

// Relabels the members of former cluster `cluster` (rids in `members`) as the
// components of the links that remain among them.
Status resplit(const sqlite::Db& db, int64_t cluster) {
  auto members = rows(db, "WHERE s.cluster = ?1", cluster);
  if (!members) return members.status();
  UnionFind uf;
  for (const auto& m : *members) uf.find(m.rid);
  auto links = db.prepare("SELECT a, b FROM dup_links WHERE a IN (SELECT rid FROM dup_sketches WHERE cluster = ?1)");
  if (!links) return links.status();
  links->bind_int(1, cluster);
  for (;;) {
    auto row = links->step();
    if (!row) return row.status();
    if (!*row) break;
    uf.unite(links->column_int(0), links->column_int(1));
  }
  std::map<int64_t, size_t> size;
  for (const auto& m : *members) ++size[uf.find(m.rid)];
  for (const auto& m : *members) {
    const int64_t root = uf.find(m.rid);
    if (size[root] < 2) WENYUAN_RETURN_IF_ERROR(run(db, "UPDATE dup_sketches SET cluster = NULL WHERE rid = ?1", m.rid));
    else WENYUAN_RETURN_IF_ERROR(run(db, "UPDATE dup_sketches SET cluster = ?2 WHERE rid = ?1", m.rid, root));
  }
  return Status::ok();
}

// The representative first (most exact copies in the group, then the longest
// text, then id), every member's similarity and exactness to it.
DupGroup cluster_group(std::vector<Row> members) {  // a copy: sorted here
  std::map<uint64_t, int> copies;
  for (const auto& m : members)
    if (m.sketch.text_hash) ++copies[*m.sketch.text_hash];
  auto copies_of = [&](const Row& r) { return r.sketch.text_hash ? copies[*r.sketch.text_hash] : 1; };
  std::sort(members.begin(), members.end(), [&](const Row& x, const Row& y) {
    if (copies_of(x) != copies_of(y)) return copies_of(x) > copies_of(y);
    return x.text_chars != y.text_chars ? x.text_chars > y.text_chars : x.id < y.id;
  });
  DupGroup g;
  const Row& rep = members.front();
  for (const auto& m : members) {
    DupMember dm{m.id, m.title, m.date};
    dm.exact = m.sketch.text_hash && rep.sketch.text_hash && *m.sketch.text_hash == *rep.sketch.text_hash;
    dm.similarity = dm.exact ? 1.0 : sketch_similarity(m.sketch.bins, rep.sketch.bins);
    g.members.push_back(std::move(dm));
  }
  return g;
}

bool date_before(const DupMember& x, const DupMember& y) {
  if (x.date.empty() != y.date.empty()) return !x.date.empty();  // undated last
  return x.date != y.date ? x.date < y.date : x.id < y.id;
}

// The version groups of one family: components of pairs dated differently,
// not duplicates of each other, at least kMinVersionSimilarity alike.
std::vector<std::vector<const Row*>> version_groups(const std::vector<Row>& family) {
  UnionFind uf;
  for (size_t i = 0; i < family.size(); ++i)
    for (size_t j = i + 1; j < family.size(); ++j) {
      const Row& a = family[i];
      const Row& b = family[j];
      if (a.date == b.date) continue;
      if (a.cluster && a.cluster == b.cluster) continue;  // duplicates, not versions
      if (a.sketch.text_hash && a.sketch.text_hash == b.sketch.text_hash) continue;
      if (sketch_similarity(a.sketch.bins, b.sketch.bins) >= kMinVersionSimilarity) uf.unite(a.rid, b.rid);
    }
  std::map<int64_t, std::vector<const Row*>> groups;
  for (const auto& r : family) groups[uf.find(r.rid)].push_back(&r);
  std::vector<std::vector<const Row*>> out;
  for (auto& [root, g] : groups)
    if (g.size() >= 2) out.push_back(std::move(g));
  return out;
}

std::vector<DupMember> version_members(const std::vector<const Row*>& g, const Row* asked) {
  std::vector<DupMember> out;
  for (const Row* r : g) {
    DupMember m{r->id, r->title, r->date};
    m.current = r == asked;
    m.similarity = asked ? sketch_similarity(r->sketch.bins, asked->sketch.bins) : 1.0;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), date_before);
  return out;
}

}  // namespace

double sketch_similarity(const SketchBins& a, const SketchBins& b) {
  int filled = 0, equal = 0;
  for (int i = 0; i < kSketchBins; ++i) {
    if (a[i] == kEmptyBin && b[i] == kEmptyBin) continue;
    ++filled;
    if (a[i] == b[i]) ++equal;
  }
  return filled == 0 ? 0.0 : static_cast<double>(equal) / filled;
}

std::vector<int64_t> band_keys(const SketchBins& bins) {
  std::vector<int64_t> keys;
  for (int band = 0; band < kSketchBands; ++band) {
    bool empty = true;
    uint64_t h = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(band + 1);
    for (int i = band * kBinsPerBand; i < (band + 1) * kBinsPerBand; ++i) {
      if (bins[i] != kEmptyBin) empty = false;
      h = (h ^ bins[i]) * 0x100000001B3ull;
      h ^= h >> 29;
    }
    if (!empty) keys.push_back(static_cast<int64_t>(h >> 1));  // SQLite integers are signed
  }
  return keys;
}

bool dup_linked(const DupSketch& a, const std::string& date_a, const DupSketch& b, const std::string& date_b,
                double& similarity) {
  if (a.text_hash && b.text_hash && *a.text_hash == *b.text_hash) {
    similarity = 1.0;
    return true;
  }
  if (!a.family.empty() && a.family == b.family && date_a != date_b) return false;  // versions
  similarity = sketch_similarity(a.bins, b.bins);
  return similarity >= kMinDupSimilarity;
}

// How many documents of one band key a new document is compared with (see write_sketch).
constexpr int kMaxBandCandidates = 32;

Status write_sketch(const sqlite::Db& db, int64_t rid, const std::string& date, const DupSketch& s) {
  // Candidates: the same text, or a shared band key.
  std::set<int64_t> candidates;
  auto collect = [&](const std::string& sql, int64_t key) -> Status {
    auto cached = db.cached(sql);
    if (!cached) return cached.status();
    sqlite::Statement* st = *cached;
    sqlite::StatementReset reset(*st);
    st->bind_int(1, key);
    for (;;) {
      auto row = st->step();
      if (!row) return row.status();
      if (!*row) return Status::ok();
      if (st->column_int(0) != rid) candidates.insert(st->column_int(0));
    }
  };
  if (s.text_hash)
    WENYUAN_RETURN_IF_ERROR(collect("SELECT rid FROM dup_sketches WHERE text_hash = ?1 ORDER BY rid DESC LIMIT " +
                                        std::to_string(kMaxBandCandidates),
                                    static_cast<int64_t>(*s.text_hash)));
  const std::vector<int64_t> keys = band_keys(s.bins);
  // A band key many documents share (a template filled in many times) would make every import
  // compare with all of them, and link to all of them: quadratic in the library. Only the newest
  // kMaxBandCandidates documents of a key are compared; near-identical documents among those are
  // already one cluster, so joining them joins it (docs/check.md says what this bound costs).
  for (int64_t k : keys)
    WENYUAN_RETURN_IF_ERROR(collect("SELECT rid FROM dup_bands WHERE band = ?1 ORDER BY rid DESC LIMIT " +
                                        std::to_string(kMaxBandCandidates),
                                    k));

  {
    auto cached = db.cached("INSERT INTO dup_sketches (rid, bins, text_hash, family, cluster) VALUES (?1, ?2, ?3, ?4, NULL)");
    if (!cached) return cached.status();
    sqlite::Statement* ins = *cached;
    sqlite::StatementReset reset(*ins);
    ins->bind_int(1, rid);
    ins->bind_blob(2, bins_to_blob(s.bins));
    if (s.text_hash) ins->bind_int(3, static_cast<int64_t>(*s.text_hash));
    else ins->bind_null(3);
    ins->bind_text(4, s.family);
    WENYUAN_RETURN_IF_ERROR(ins->run());
  }
  {
    auto cached = db.cached("INSERT OR IGNORE INTO dup_bands (band, rid) VALUES (?1, ?2)");
    if (!cached) return cached.status();
    sqlite::Statement* ins = *cached;
    sqlite::StatementReset reset(*ins);
    for (int64_t k : keys) {
      ins->bind_int(1, k);
      ins->bind_int(2, rid);
      WENYUAN_RETURN_IF_ERROR(ins->run());
      ins->reset();
    }
  }
  int64_t target = rid;
  std::set<int64_t> merged;  // clusters (or lone rids) joined by this document
  auto cached_link = db.cached("INSERT OR REPLACE INTO dup_links (a, b, similarity) VALUES (?1, ?2, ?3)");
  if (!cached_link) return cached_link.status();
  sqlite::Statement* link = *cached_link;
  sqlite::StatementReset reset_link(*link);
  for (int64_t c : candidates) {
    auto other = rows(db, "WHERE s.rid = ?1", c);
    if (!other) return other.status();
    if (other->empty()) continue;
    const Row& o = other->front();
    double sim = 0;
    if (!dup_linked(s, date, o.sketch, o.date, sim)) continue;
    link->bind_int(1, std::min(rid, c));
    link->bind_int(2, std::max(rid, c));
    auto sql_sim = link->get();
    sqlite3_bind_double(sql_sim, 3, sim);
    WENYUAN_RETURN_IF_ERROR(link->run());
    link->reset();
    merged.insert(o.cluster.value_or(c));
    target = std::min(target, o.cluster.value_or(c));
  }
  if (merged.empty()) return Status::ok();
  // Every joined cluster (and lone document) takes the smallest id.
  for (int64_t c : merged) {
    // A cluster already named `target` keeps its rows: rewriting them would cost its size each import.
    if (c != target) WENYUAN_RETURN_IF_ERROR(run(db, "UPDATE dup_sketches SET cluster = ?2 WHERE cluster = ?1", c, target));
    WENYUAN_RETURN_IF_ERROR(run(db, "UPDATE dup_sketches SET cluster = ?2 WHERE rid = ?1", c, target));
  }
  return run(db, "UPDATE dup_sketches SET cluster = ?2 WHERE rid = ?1", rid, target);
}

Status drop_sketch(const sqlite::Db& db, int64_t rid) {
  auto me = rows(db, "WHERE s.rid = ?1", rid);
  if (!me) return me.status();
  WENYUAN_RETURN_IF_ERROR(run(db, "DELETE FROM dup_links WHERE a = ?1 OR b = ?1", rid));
  WENYUAN_RETURN_IF_ERROR(run(db, "DELETE FROM dup_bands WHERE rid = ?1", rid));
  WENYUAN_RETURN_IF_ERROR(run(db, "DELETE FROM dup_sketches WHERE rid = ?1", rid));
  if (me->empty() || !me->front().cluster) return Status::ok();
  return resplit(db, *me->front().cluster);
}

namespace {
Result<std::optional<std::pair<int64_t, std::string>>> rid_and_date(const sqlite::Db& db, const std::string& id) {
  auto st = db.prepare("SELECT rid, date FROM documents WHERE id = ?1");
  if (!st) return st.status();
  st->bind_text(1, id);
  auto row = st->step();
  if (!row) return row.status();
  if (!*row) return std::optional<std::pair<int64_t, std::string>>();
  return std::optional(std::pair(st->column_int(0), st->column_text(1)));
}
}  // namespace

Status drop_sketch_of(const sqlite::Db& db, const std::string& id) {
  auto r = rid_and_date(db, id);
  if (!r) return r.status();
  return *r ? drop_sketch(db, (*r)->first) : Status::ok();
}

Status put_sketch_locked(const sqlite::Db& db, const std::string& id, const DupSketch& s) {
  auto r = rid_and_date(db, id);
  if (!r) return r.status();
  if (!*r) return Status::not_found("no document \"" + id + "\"");
  WENYUAN_RETURN_IF_ERROR(drop_sketch(db, (*r)->first));
  return write_sketch(db, (*r)->first, (*r)->second, s);
}

Result<std::optional<int64_t>> dup_cluster_of(const sqlite::Db& db, const std::string& id) {
  // Asked for every hit a search folds (up to search/collapse.h's window, per
  // request): prepared once per connection, since parsing it cost more than
  // running it (a sixth of the server's CPU under bench/http_load.sh).
  auto st = db.cached("SELECT s.cluster FROM dup_sketches s JOIN documents d ON d.rid = s.rid WHERE d.id = ?1");
  if (!st) return st.status();
  sqlite::StatementReset reset(**st);
  (*st)->bind_text(1, id);
  auto row = (*st)->step();
  if (!row) return row.status();
  if (!*row || (*st)->column_is_null(0)) return std::optional<int64_t>();
  return std::optional<int64_t>((*st)->column_int(0));
}

Result<std::vector<std::pair<std::string, int64_t>>> dup_cluster_ids(const sqlite::Db& db) {
  auto st = db.prepare(
      "SELECT d.id, s.cluster FROM dup_sketches s JOIN documents d ON d.rid = s.rid WHERE s.cluster IS NOT NULL",
      false);
  if (!st) return st.status();
  std::vector<std::pair<std::string, int64_t>> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) return out;
    out.emplace_back(st->column_text(0), st->column_int(1));
  }
}

Result<DupRelations> dup_relations(const sqlite::Db& db, const std::string& id) {
  DupRelations out;
  auto me = rows(db, "WHERE d.id = ?1", id);
  if (!me) return me.status();
  if (me->empty()) return out;
  const Row self = me->front();
  out.cluster = self.cluster;
  if (self.cluster) {
    auto members = rows(db, "WHERE s.cluster = ?1", *self.cluster);
    if (!members) return members.status();
    // Representative first, each with its similarity to the asked document.
    std::map<std::string, const Row*> by_id;
    for (const auto& r : *members) by_id[r.id] = &r;
    for (auto& m : cluster_group(*members).members) {
      if (m.id == id) continue;
      const Row& r = *by_id.at(m.id);
      m.exact = r.sketch.text_hash && self.sketch.text_hash && *r.sketch.text_hash == *self.sketch.text_hash;
      m.similarity = m.exact ? 1.0 : sketch_similarity(r.sketch.bins, self.sketch.bins);
      out.similar.push_back(std::move(m));
    }
  }
  if (!self.sketch.family.empty()) {
    auto family = rows(db, "WHERE s.family = ?1", self.sketch.family);
    if (!family) return family.status();
    const Row* asked = nullptr;
    for (const auto& r : *family)
      if (r.id == id) asked = &r;
    for (const auto& g : version_groups(*family))
      if (std::find(g.begin(), g.end(), asked) != g.end()) out.versions = version_members(g, asked);
  }
  return out;
}

Result<std::vector<DupGroup>> dup_clusters(const sqlite::Db& db) {
  auto all = rows(db, "WHERE s.cluster IS NOT NULL ORDER BY s.cluster", 0);
  if (!all) return all.status();
  std::map<int64_t, std::vector<Row>> by;
  for (auto& r : *all) by[*r.cluster].push_back(std::move(r));
  std::vector<DupGroup> out;
  for (auto& [c, members] : by) out.push_back(cluster_group(std::move(members)));
  std::stable_sort(out.begin(), out.end(), [](const DupGroup& x, const DupGroup& y) { return x.members.size() > y.members.size(); });
  return out;
}

Result<std::vector<DupGroup>> dup_versions(const sqlite::Db& db) {
  auto all = rows(db,
                  "WHERE s.family IN (SELECT family FROM dup_sketches WHERE family <> '' GROUP BY family "
                  "HAVING count(*) > 1) ORDER BY s.family",
                  0);
  if (!all) return all.status();
  std::map<std::string, std::vector<Row>> by;
  for (auto& r : *all) by[r.sketch.family].push_back(std::move(r));
  std::vector<DupGroup> out;
  for (const auto& [family, members] : by)
    for (const auto& g : version_groups(members)) {
      DupGroup vg;
      vg.family = family;
      vg.members = version_members(g, nullptr);
      out.push_back(std::move(vg));
    }
  return out;
}

Result<std::vector<std::string>> ids_without_sketch(const sqlite::Db& db) {
  auto st = db.prepare("SELECT id FROM documents WHERE rid NOT IN (SELECT rid FROM dup_sketches) ORDER BY id");
  if (!st) return st.status();
  std::vector<std::string> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) return out;
    out.push_back(st->column_text(0));
  }
}

}  // namespace wenyuan::store

// Library::verify: the catalog, the index and the files on disk checked
// against each other.
#include <string>
#include <unordered_map>

#include "wenyuan/index/directory.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/library/library_internal.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::library {

Result<VerifyReport> Library::verify() {
  VerifyReport r;
  auto snap = index_->snapshot();
  r.index_seq = snap->catalog_seq();
  r.segments = snap->parts().size();
  WENYUAN_ASSIGN_OR_RETURN(auto changes, catalog_->changes_since(r.index_seq));
  r.pending_changes = changes.size();
  r.catalog_seq = changes.empty() ? r.index_seq : changes.back().seq;
  std::unordered_map<std::string, bool> changed_later;
  for (const auto& c : changes) changed_later[c.id] = true;
  auto problem = [&](std::string what) {
    if (r.problems.size() < 1000) r.problems.push_back(std::move(what));
  };
  if (r.catalog_seq < r.index_seq)
    problem("the index claims catalog change " + std::to_string(r.index_seq) + " but the catalog's log ends at " +
            std::to_string(r.catalog_seq));
  // Every committed segment must read back whole (Segment::open checked the
  // footer and crc when the view was loaded; read the files again to catch
  // damage since).
  WENYUAN_ASSIGN_OR_RETURN(auto dir, index::open_fs_directory(data_dir_ / "index"));
  for (const auto& part : snap->parts()) {
    const std::string& name = part.segment->name();
    if (name.rfind("mem-", 0) == 0) continue;
    auto data = dir->read(name);
    if (!data) {
      problem(name + ": " + data.status().message());
      continue;
    }
    auto seg = index::Segment::open(std::move(data).value(), name);
    if (!seg) problem(name + ": " + seg.status().message());
  }
  std::unordered_map<std::string, int> seen;
  for (const auto& live : index::Index::live_docs(*snap)) {
    ++r.index_documents;
    if (++seen[live.id] == 2) problem("document " + live.id + " is indexed twice");
    if (seen[live.id] > 1 || changed_later.count(live.id)) continue;
    auto d = catalog_->get(live.id);
    if (!d) {
      if (d.status().code() == StatusCode::kNotFound) {
        problem("document " + live.id + " is in the index but not in the catalog");
        continue;
      }
      return d.status();
    }
    auto indexed = live.segment->load_doc(live.local);
    if (!indexed) {
      problem("document " + live.id + ": " + indexed.status().message());
      continue;
    }
    const index::IndexDoc want = index::to_index_doc(*d);
    std::string field;
    if (indexed->title != want.title) field = "title";
    else if (indexed->text != want.text) field = "text";
    else if (indexed->year != want.year) field = "year";
    else if (indexed->source != want.source) field = "source";
    else if (indexed->category != want.category) field = "category";
    else if (indexed->date != want.date) field = "date";
    if (!field.empty()) problem("document " + live.id + ": the index's " + field + " differs from the catalog's");
  }
  store::ListFilter all;
  WENYUAN_ASSIGN_OR_RETURN(auto docs, catalog_->list(all));
  r.catalog_documents = docs.size();
  for (const auto& summary : docs) {
    if (!seen.count(summary.id) && !changed_later.count(summary.id))
      problem("document " + summary.id + " is in the catalog but not in the index");
  }
  return r;
}

}  // namespace wenyuan::library

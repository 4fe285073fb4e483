// Everything an import leaves behind, as one text to compare: the report (counts,
// ids in order, per-file outcomes, warnings, skipped files, the reject messages in
// order), every stored document (all its fields as the catalog encodes them,
// except the import time), the duplicate clusters and version groups, and the
// index's answers (every hit: id, score, paragraph, matches) to queries cut from the
// stored texts, once the index is merged into one segment. Two imports of the same inputs must give the same snapshot
// whatever the number of prepare workers (tests/unit/library_import_workers_test.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/library/library.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::testing {

inline nlohmann::json report_json(const library::ImportReport& r, const std::vector<std::string>& rejects) {
  nlohmann::json j;
  j["counts"] = {r.imported, r.updated, r.unchanged, r.rejected, r.not_stored, r.characters, r.bytes};
  j["ids"] = r.imported_ids;
  for (const auto& f : r.files) j["files"].push_back({f.path.string(), f.ids, f.error});
  j["warnings"] = r.warnings;
  for (const auto& s : r.skipped) j["skipped"].push_back({s.path, s.reason});
  j["rejects"] = rejects;
  j["fatal"] = r.fatal.is_ok() ? "" : r.fatal.message();
  return j;
}

// Bytes as they are (packed outlines are not UTF-8).
inline nlohmann::json bytes_json(const std::string& s) {
  return nlohmann::json::binary(std::vector<std::uint8_t>(s.begin(), s.end()));
}

inline nlohmann::json document_json(const doc::Document& d) {
  const store::EncodedDocument e = store::encode(d);
  nlohmann::json j = {d.id,       d.title,    d.year ? *d.year : -1, d.date,     d.source,
                      d.category, d.issuer,   static_cast<int>(d.access), d.format, d.encoding,
                      d.origin,   d.text_chars, d.public_year ? *d.public_year : -1, d.public_issuer,
                      d.type,     d.source_name, d.content_hash};
  for (const std::string* f : {&e.tags, &e.regions, &e.outline, &e.removed, &e.public_outline, &e.text,
                               &e.paragraphs, &e.sentences}) {
    j.push_back(bytes_json(*f));
  }
  nlohmann::json reasons = nlohmann::json::array();  // readable, for the test's own checks
  for (const auto& r : d.removed) reasons.push_back(r.reason);
  j.push_back(reasons);
  return j;
}

inline nlohmann::json groups_json(const std::vector<store::DupGroup>& groups) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : g.members) members.push_back({m.id, m.title, m.date, m.similarity, m.exact});
    j.push_back({g.family, members});
  }
  return j;
}

// Queries cut from the stored texts: 2, 3 and 4 characters at a few places of
// each of the first documents.
inline std::vector<std::string> queries_from(const std::vector<std::u32string>& texts) {
  std::vector<std::string> qs;
  for (size_t i = 0; i < texts.size() && qs.size() < 120; ++i) {
    const std::u32string& t = texts[i];
    for (size_t len : {2u, 3u, 4u}) {
      if (t.size() < len + 10) continue;
      const size_t at = (i * 7919 + len * 104729) % (t.size() - len);
      const std::u32string cut = t.substr(at, len);
      bool ok = true;
      for (char32_t c : cut) ok = ok && c >= 0x4E00 && c <= 0x9FFF;  // CJK only: a term, never an operator
      if (ok) qs.push_back(text::encode_utf8(cut));
    }
  }
  return qs;
}

// Every hit of each query, in a canonical order (score, then id, then
// paragraph): the engine breaks ties by the documents' order in the index, and
// that order follows when background merges ran, not the import's result.
inline nlohmann::json search_json(const search::Engine& engine, const std::vector<std::string>& queries) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& q : queries) {
    for (auto unit : {search::SearchRequest::Unit::kDocument, search::SearchRequest::Unit::kParagraph}) {
      search::SearchRequest r;
      r.query = q;
      r.limit = 1'000'000;
      r.unit = unit;
      r.snippets = false;
      auto res = engine.search(r);
      if (!res) {
        j.push_back({q, res.status().message()});
        continue;
      }
      std::vector<nlohmann::json> hits;
      for (const auto& h : res->hits) {
        nlohmann::json matches = nlohmann::json::array();
        for (const auto& m : h.matches) matches.push_back({m.start, m.end});
        hits.push_back({-h.score, h.id, h.paragraph ? h.paragraph->start : 0u, h.paragraph ? h.paragraph->end : 0u,
                        matches, h.title, h.type});
      }
      std::sort(hits.begin(), hits.end());
      j.push_back({q, res->total, hits});
    }
  }
  return j;
}

// The whole snapshot; `queries` empty: cut from this library's texts. The index
// is merged into one segment first: which documents share a segment depends on
// when the import published (every kPublishIntervalMs), i.e. on timing, and
// ties in score are broken by segment order; one segment built from the
// catalog in its order does not depend on that.
inline nlohmann::json library_snapshot(library::Library& lib, std::vector<std::string>& queries, bool search = true) {
  nlohmann::json j;
  const Status merged = lib.optimize();
  j["optimize"] = merged.is_ok() ? "" : merged.message();
  std::vector<std::u32string> texts;
  const Status st = lib.catalog().for_each([&](const doc::Document& d) {
    j["documents"].push_back(document_json(d));
    if (texts.size() < 60) texts.push_back(text::decode_utf8(d.text));
    return Status::ok();
  });
  j["for_each"] = st.is_ok() ? "" : st.message();
  auto clusters = lib.catalog().dup_clusters();
  j["clusters"] = clusters ? groups_json(*clusters) : nlohmann::json(clusters.status().message());
  auto versions = lib.catalog().dup_versions();
  j["versions"] = versions ? groups_json(*versions) : nlohmann::json(versions.status().message());
  if (!search) return j;
  if (queries.empty()) queries = queries_from(texts);
  j["search"] = search_json(lib.engine(), queries);
  return j;
}

}  // namespace wenyuan::testing

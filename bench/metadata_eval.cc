// Metadata accuracy on the public corpus (issue 12).
//  - 文种: doc::document_type (through doc::prepare) against the labels of
//    tests/data/metadata_eval/types.tsv (236 documents, labelled by reading
//    each title and its opening lines, not by the classifier);
//  - year: the year doc::prepare derives from the title and the text alone (the
//    record's date withheld) against the year of the record's `date` field, for
//    every record whose date is a date; records whose date is not one
//    ("congress-12") are listed with the year derived.
//
//   build/release/bench/metadata_eval [--corpus DIR (default ../shared/corpus)] [--quiet]
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../tests/support/xz_lines.h"
#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/prepare.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  fs::path corpus = fs::path(WENYUAN_SHARED_DIR) / "corpus";
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--corpus") && i + 1 < argc) corpus = argv[++i];
    else if (!std::strcmp(argv[i], "--quiet")) quiet = true;
  }
  if (!fs::exists(corpus)) {
    std::printf("skipped: %s not found\n", corpus.c_str());
    return 0;
  }
  std::map<std::string, std::vector<nlohmann::json>> records;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".xz") continue;
    const std::string name = e.path().stem().stem().string();
    const wenyuan::Status read =
        wenyuan::xz::for_each_line(e.path(), [&](const std::string& l) { records[name].push_back(nlohmann::json::parse(l)); });
    if (!read.is_ok()) {
      std::fprintf(stderr, "%s\n", read.message().c_str());
      return 1;
    }
  }
  auto prepared = [](const nlohmann::json& j, bool with_date) {
    wenyuan::doc::RawDocument raw;
    raw.title = j.value("title", "");
    raw.text = j.value("text", "");
    raw.source = j.value("source", "");
    if (with_date) raw.date = j.value("date", "");
    raw.origin = raw.title;
    return wenyuan::doc::prepare(std::move(raw), {});
  };

  // 文种
  std::ifstream tsv(std::string(WENYUAN_SOURCE_DIR) + "/tests/data/metadata_eval/types.tsv");
  size_t labelled = 0, right = 0;
  std::map<std::string, std::pair<size_t, size_t>> per_type;  // label -> (right, all)
  for (std::string line; std::getline(tsv, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string file, index, title, label;
    std::getline(ss, file, '\t');
    std::getline(ss, index, '\t');
    std::getline(ss, title, '\t');
    std::getline(ss, label, '\t');
    const auto& rs = records[file];
    const size_t k = std::stoul(index);
    if (k >= rs.size()) continue;
    auto d = prepared(rs[k], true);
    const std::string got = d ? d->type : "(rejected)";
    ++labelled;
    ++per_type[label].second;
    if (got == label) {
      ++right;
      ++per_type[label].first;
    } else if (!quiet) {
      std::printf("  type %s:%s %s: labelled %s, got %s\n", file.c_str(), index.c_str(), title.c_str(), label.c_str(),
                  got.c_str());
    }
  }
  std::printf("文种: %zu of %zu labelled documents right (%.1f%%)\n", right, labelled,
              labelled ? 100.0 * double(right) / double(labelled) : 0.0);
  for (const auto& [label, c] : per_type) std::printf("  %-8s %3zu / %3zu\n", label.c_str(), c.first, c.second);

  // Years
  size_t dated = 0, same = 0, none = 0;
  for (const auto& [name, rs] : records) {
    size_t fd = 0, fs_ = 0, fn = 0;
    for (const auto& j : rs) {
      bool bad = false;
      const auto want = wenyuan::doc::year_of_record_date(j.value("date", ""), &bad);
      auto d = prepared(j, false);
      if (!d) continue;
      if (!want) {
        if (bad && !quiet)
          std::printf("  year %s: %s: date \"%s\" is no date; derived %s\n", name.c_str(),
                      j.value("title", "").c_str(), j.value("date", "").c_str(),
                      d->year ? std::to_string(*d->year).c_str() : "none");
        continue;
      }
      ++fd;
      if (d->year == want) ++fs_;
      else if (!d->year) ++fn;
      else if (!quiet && name != "laws")
        std::printf("  year %s: %s: date %d, derived %d\n", name.c_str(), j.value("title", "").c_str(), *want,
                    *d->year);
    }
    std::printf("year %-22s %4zu dated records: %4zu right, %4zu none, %4zu other (%.1f%% right)\n", name.c_str(), fd,
                fs_, fn, fd - fs_ - fn, fd ? 100.0 * double(fs_) / double(fd) : 0.0);
    dated += fd;
    same += fs_;
    none += fn;
  }
  std::printf("year overall: %zu dated records, %zu right (%.1f%%), %zu without a year\n", dated, same,
              dated ? 100.0 * double(same) / double(dated) : 0.0, none);
  return 0;
}

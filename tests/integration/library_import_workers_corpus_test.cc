// The whole public corpus (../shared/corpus/*.jsonl.xz, cleaning on) imported
// with 1 prepare worker and with 3 gives the same report, the same stored
// documents, duplicate clusters, version groups and index answers
// (support/library_snapshot.h). Skipped, saying so, without the corpus. The
// fixtures' version of this test: tests/unit/library_import_workers_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/library_snapshot.h"
#include "wenyuan/library/library.h"

namespace fs = std::filesystem;

TEST(LibraryImportWorkersCorpus, OneWorkerAndThreeGiveTheSameLibrary) {
  const fs::path corpus = fs::path(WENYUAN_SHARED_DIR) / "corpus";
  if (!fs::exists(corpus)) GTEST_SKIP() << "../shared/corpus is absent: whole-corpus parallel import test skipped";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().string().ends_with(".jsonl.xz")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_workers_corpus_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<std::string> queries;
  nlohmann::json snapshots[2];
  const unsigned workers[2] = {1, 3};
  for (int i = 0; i < 2; ++i) {
    auto lib = wenyuan::library::Library::open(dir / std::to_string(workers[i]));
    ASSERT_TRUE(lib.is_ok()) << lib.status().message();
    wenyuan::library::ImportOptions options;
    options.prepare_workers = workers[i];
    std::vector<std::string> rejects;
    const auto report = (*lib)->import_paths(files, options, {}, [&](const std::string& m) { rejects.push_back(m); });
    snapshots[i]["report"] = wenyuan::testing::report_json(report, rejects);
    snapshots[i]["library"] = wenyuan::testing::library_snapshot(**lib, queries);
  }
  fs::remove_all(dir);
  EXPECT_GT(snapshots[0]["report"]["counts"][0].get<uint64_t>(), 3000u);
  // Compared part by part so that a failure says which (the parts are large).
  EXPECT_TRUE(snapshots[0]["report"] == snapshots[1]["report"]) << "report";
  for (const char* part : {"optimize", "documents", "clusters", "versions", "search"}) {
    EXPECT_TRUE(snapshots[0]["library"][part] == snapshots[1]["library"][part]) << part;
  }
  const auto& a = snapshots[0]["library"]["search"];
  const auto& b = snapshots[1]["library"]["search"];
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) {
      ADD_FAILURE() << "first difference: " << a[i].dump().substr(0, 1500) << "\n vs \n" << b[i].dump().substr(0, 1500);
      break;
    }
  }
}

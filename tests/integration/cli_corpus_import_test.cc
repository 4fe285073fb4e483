// Imports the whole public corpus (../shared/corpus) through the `wenyuan`
// command, as a user would, and checks the counts against the source files:
// every record becomes one document (the same law filed under two categories
// is two records, so two documents); nothing is rejected; a second import
// changes nothing; search finds each sampled document by a phrase of its text.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string run(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 65536> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(CorpusImport, EveryRecordOfTheCorpusIsImportedAndFindable) {
  const fs::path corpus = fs::path(WENYUAN_SHARED_DIR) / "corpus";
  if (!fs::exists(corpus)) GTEST_SKIP() << "../shared/corpus is absent: whole-corpus import test skipped";
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_corpus_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "in");

  size_t records = 0;
  std::vector<std::pair<std::string, std::string>> probes;  // (title, a phrase of its text)
  std::mt19937 rng(42);
  int rc = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".xz") continue;
    const fs::path out = dir / "in" / e.path().stem();  // x.jsonl
    run("xz -dc '" + e.path().string() + "' > '" + out.string() + "'", &rc);
    ASSERT_EQ(rc, 0) << "xz failed on " << e.path();
    std::ifstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      ++records;
      json j = json::parse(line);
      if (rng() % 50 == 0) probes.emplace_back(j["title"].get<std::string>(), j["text"].get<std::string>());
    }
  }
  ASSERT_GT(records, 3000u);

  const std::string wy = std::string(WENYUAN_BINARY) + " ";
  const std::string data = " --data '" + (dir / "lib").string() + "'";
  json first = json::parse(run(wy + "import --json -q '" + (dir / "in").string() + "'" + data, &rc));
  EXPECT_EQ(rc, 0) << first.dump();
  EXPECT_EQ(first["rejected"].get<size_t>(), 0u) << first["errors"].dump();
  EXPECT_EQ(first["imported"].get<size_t>(), records);

  json stats = json::parse(run(wy + "stats --json" + data, &rc));
  EXPECT_EQ(stats["documents"].get<size_t>(), records);

  json again = json::parse(run(wy + "import --json -q '" + (dir / "in").string() + "'" + data, &rc));
  EXPECT_EQ(again["imported"].get<size_t>(), 0u);
  EXPECT_EQ(again["updated"].get<size_t>(), 0u);
  EXPECT_EQ(again["unchanged"].get<size_t>(), records);

  // A 12-character phrase cut from the middle of a sampled document's body must
  // find that document (by title) among all its hits.
  const fs::path batch = dir / "queries.txt";
  std::vector<std::string> titles;
  {
    std::ofstream q(batch);
    for (const auto& [title, text] : probes) {
      std::u32string u;
      for (size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        u.push_back(static_cast<char32_t>(i));
        i += len;
      }
      if (u.size() < 200) continue;
      const size_t at = u.size() / 2;
      std::string phrase = text.substr(u[at], u[at + 12] - u[at]);
      if (phrase.find_first_of(" \n\t\"()|-") != std::string::npos) continue;
      q << phrase << "\n";
      titles.push_back(title);
    }
  }
  ASSERT_GT(titles.size(), 20u);
  std::map<std::string, std::string> title_of;  // id -> title
  for (const auto& d : json::parse(run(wy + "list --json" + data, &rc))) title_of[d["id"]] = d["title"];
  std::string lines = run(wy + "search --batch '" + batch.string() + "' --limit 0" + data, &rc);
  EXPECT_EQ(rc, 0);
  std::istringstream ls(lines);
  std::string line;
  size_t n = 0;
  while (std::getline(ls, line)) {
    json r = json::parse(line);
    bool found = false;
    for (const auto& id : r["ids"]) found |= title_of[id.get<std::string>()] == titles[n];
    EXPECT_TRUE(found) << r["query"] << " did not find " << titles[n];
    ++n;
  }
  EXPECT_EQ(n, titles.size());
  fs::remove_all(dir);
}

}  // namespace

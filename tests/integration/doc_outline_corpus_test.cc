// Unnumbered headings (outline kind "plain", doc/outline_plain.h) on the real
// corpus: precision on a hand-labelled sample of 43 documents
// (tests/data/outline_eval/plain_headings.tsv), every entry the outline finds
// in a sampled document labelled, 40 headings drawn at random from all it
// finds (plain_random40.tsv, all labelled headings) still found, and over all
// 3,658 documents no plain heading that is a sentence. Skips when ../shared/corpus is absent.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "wenyuan/doc/prepare.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

const std::filesystem::path kCorpus = std::filesystem::path(WENYUAN_SHARED_DIR) / "corpus";

template <typename F>
bool for_each_line(const std::filesystem::path& file, F&& f) {
  const std::string cmd = "xz -dc '" + file.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return false;
  std::string line;
  char buf[1 << 16];
  while (fgets(buf, sizeof buf, pipe.get())) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      f(line);
      line.clear();
    }
  }
  if (!line.empty()) f(line);
  return true;
}

void plain_titles(const std::vector<OutlineNode>& nodes, std::vector<std::string>& out) {
  for (const OutlineNode& n : nodes) {
    if (n.kind == OutlineKind::kPlain) out.push_back(n.title);
    plain_titles(n.children, out);
  }
}

struct Label {  // of one sampled document
  std::map<std::string, int> by_text;  // line text -> 1 heading / 0 not
};

TEST(OutlineCorpus, UnnumberedHeadingsArePreciseOnTheLabelledSample) {
  if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << "no " << kCorpus << " (the shared corpus is optional)";
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/outline_eval/plain_headings.tsv");
  ASSERT_TRUE(in) << "plain_headings.tsv";
  std::map<std::pair<std::string, size_t>, Label> sample;  // (file, record) -> labels
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string file, record, label, text;
    std::getline(ss, file, '\t');
    std::getline(ss, record, '\t');
    std::getline(ss, label, '\t');
    std::getline(ss, text);
    sample[{file, std::stoul(record)}].by_text[text] = std::stoi(label);
  }
  ASSERT_GE(sample.size(), 30u);
  // Headings drawn at random from all the outline found (plain_random40.tsv): each must still be found.
  std::set<std::tuple<std::string, size_t, std::string>> drawn, drawn_found;
  std::ifstream rin(std::string(WENYUAN_TEST_DATA) + "/outline_eval/plain_random40.tsv");
  for (std::string line; std::getline(rin, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string file, record, label, text;
    std::getline(ss, file, '\t');
    std::getline(ss, record, '\t');
    std::getline(ss, label, '\t');
    std::getline(ss, text);
    if (label == "1") drawn.insert({file, std::stoul(record), text});
  }
  ASSERT_EQ(drawn.size(), 40u);

  size_t docs = 0, plain_docs = 0, plain_entries = 0, found_in_sample = 0, correct = 0, wrong = 0;
  std::vector<std::string> unlabelled, sentences;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    if (entry.path().extension() != ".xz") continue;
    const std::string file = entry.path().filename().string();
    size_t record = 0;
    ASSERT_TRUE(for_each_line(entry.path(), [&](const std::string& line) {
      ++record;
      const auto j = nlohmann::json::parse(line);
      RawDocument raw;
      raw.title = j.value("title", "");
      raw.text = j.value("text", "");
      raw.origin = file + ":" + std::to_string(record);
      raw.format = "jsonl";
      Result<Document> d = prepare(std::move(raw), PrepareOptions{});
      if (!d.is_ok()) return;
      ++docs;
      std::vector<std::string> titles;
      plain_titles(d->outline, titles);
      plain_docs += !titles.empty();
      plain_entries += titles.size();
      for (const std::string& t : titles) {
        const std::u32string u = text::decode_utf8(t);
        if (!u.empty() && std::u32string_view(U"。！？；").find(u.back()) != std::u32string_view::npos) {
          sentences.push_back(file + ":" + std::to_string(record) + " " + t);
        }
      }
      for (const std::string& t : titles) {
        if (drawn.count({file, record, t})) drawn_found.insert({file, record, t});
      }
      auto it = sample.find({file, record});
      if (it == sample.end()) return;
      for (const std::string& t : titles) {
        ++found_in_sample;
        auto l = it->second.by_text.find(t);
        if (l == it->second.by_text.end()) {
          unlabelled.push_back(file + ":" + std::to_string(record) + " " + t);
        } else if (l->second == 1) {
          ++correct;
        } else {
          ++wrong;
          std::printf("  not a heading: %s:%zu %s\n", file.c_str(), record, t.c_str());
        }
      }
    }));
  }
  const double precision = correct + wrong ? double(correct) / double(correct + wrong) : 0;
  std::printf("unnumbered headings: %zu in %zu of %zu documents; labelled sample %zu documents: %zu found, "
              "%zu headings, %zu not (precision %.4f), %zu unlabelled\n",
              plain_entries, plain_docs, docs, sample.size(), found_in_sample, correct, wrong, precision,
              unlabelled.size());
  for (const std::string& u : unlabelled) std::printf("  unlabelled: %s\n", u.c_str());
  std::printf("drawn at random: %zu of %zu labelled headings still found\n", drawn_found.size(), drawn.size());
  EXPECT_GE(docs, 3600u);
  EXPECT_EQ(drawn_found.size(), drawn.size());
  EXPECT_TRUE(unlabelled.empty()) << "label the new entries in plain_headings.tsv";
  EXPECT_TRUE(sentences.empty()) << sentences.front();
  EXPECT_GE(correct, 100u);
  EXPECT_GE(precision, 0.95);
}

}  // namespace
}  // namespace wenyuan::doc

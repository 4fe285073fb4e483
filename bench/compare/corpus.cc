#include "compare/corpus.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "../../tests/support/xz_lines.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::bench {

namespace {

namespace fs = std::filesystem;

std::string string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

Result<Corpus> load_corpus(const std::string& dir, int replicate) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 9 && name.ends_with(".jsonl.xz")) files.push_back(e.path());
  }
  if (ec || files.empty()) return Status::not_found(dir + ": no *.jsonl.xz corpus files");
  std::sort(files.begin(), files.end());

  Corpus corpus;
  corpus.replicas = std::max(1, replicate);
  for (const auto& path : files) {
    std::string data;
    // A few MB compressed, ~70 MB for the largest decompressed: one at a time fits.
    WENYUAN_RETURN_IF_ERROR(xz::read_all(path, data));
    std::string stem = path.filename().string();
    stem.resize(stem.size() - 9);
    size_t line_no = 0;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      if (nl == std::string::npos) nl = data.size();
      std::string_view line(data.data() + pos, nl - pos);
      pos = nl + 1;
      ++line_no;
      if (line.empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        return Status::corruption(path.string() + ":" + std::to_string(line_no) + ": not a JSON object");
      }
      BenchDoc d;
      d.id = stem + ":" + std::to_string(line_no);
      d.title = string_field(j, "title");
      d.text = string_field(j, "text");
      corpus.docs.push_back(std::move(d));
    }
  }

  const size_t originals = corpus.docs.size();
  corpus.docs.reserve(originals * corpus.replicas);
  for (int k = 1; k < corpus.replicas; ++k) {
    for (size_t i = 0; i < originals; ++i) {
      BenchDoc d = corpus.docs[i];
      d.id += "#" + std::to_string(k);
      d.title += " #" + std::to_string(k);
      corpus.docs.push_back(std::move(d));
    }
  }
  for (size_t i = 0; i < corpus.docs.size(); ++i) {
    BenchDoc& d = corpus.docs[i];
    d.ordinal = static_cast<uint32_t>(i);
    d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
    corpus.raw_bytes += d.title.size() + d.text.size();
    corpus.raw_chars += d.text_chars + text::count_code_points(d.title);
  }
  return corpus;
}

}  // namespace wenyuan::bench

// The index tests' one way to get documents and a segment of them:
// sample_index_docs() reads tests/data/corpus_sample.jsonl (real documents) as
// IndexDocs, and build_open_segment() builds a segment of documents in memory
// and opens it, as a reader would. Each test adds its own headings, visible
// spans or odd documents on top.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/core/status.h"
#include "wenyuan/index/directory.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::testing {

// Every record of the sample: id "s<N>" (N its line), title, text, date,
// source and text_chars set; no headings, no visible spans (all free).
inline std::vector<index::IndexDoc> sample_index_docs() {
  std::vector<index::IndexDoc> docs;
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    index::IndexDoc d;
    d.id = "s" + std::to_string(docs.size());
    d.title = j.value("title", "");
    d.text = j.value("text", "");
    d.date = j.value("date", "");
    d.source = j.value("source", "");
    d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
    docs.push_back(std::move(d));
  }
  return docs;
}

// A segment of `docs` (in their order: doc i is docs[i]), built in memory and opened.
inline Result<std::shared_ptr<const index::Segment>> build_open_segment(const std::vector<index::IndexDoc>& docs) {
  std::vector<const index::IndexDoc*> ptrs;
  ptrs.reserve(docs.size());
  for (const auto& d : docs) ptrs.push_back(&d);
  WENYUAN_ASSIGN_OR_RETURN(std::string bytes, index::build_segment(ptrs));
  return index::Segment::open(std::make_shared<index::MemFile>(std::move(bytes)), "t");
}

}  // namespace wenyuan::testing

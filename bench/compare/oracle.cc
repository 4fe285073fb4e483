#include "compare/oracle.h"

#include "wenyuan/text/normalize.h"

namespace wenyuan::bench {

Oracle::Oracle(const Corpus& corpus) : corpus_(corpus) {
  const auto& norm = text::Normalizer::instance();
  title_.reserve(corpus.docs.size());
  text_.reserve(corpus.docs.size());
  for (const auto& d : corpus.docs) {
    title_.push_back(norm.normalize(d.title));
    text_.push_back(norm.normalize(d.text));
  }
}

std::vector<uint32_t> Oracle::truth(const BenchQuery& q) const {
  std::vector<std::u32string> terms;
  for (const auto& t : q.terms) terms.push_back(text::Normalizer::instance().normalize(t));
  std::vector<uint32_t> out;
  for (size_t i = 0; i < title_.size(); ++i) {
    bool all = true;
    for (const auto& t : terms) {
      if (title_[i].find(t) == std::u32string::npos && text_[i].find(t) == std::u32string::npos) {
        all = false;
        break;
      }
    }
    if (all) out.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

std::vector<uint32_t> Oracle::raw_truth(const BenchQuery& q) const {
  std::vector<uint32_t> out;
  for (const auto& d : corpus_.docs) {
    bool all = true;
    for (const auto& t : q.terms) {
      if (d.title.find(t) == std::string::npos && d.text.find(t) == std::string::npos) {
        all = false;
        break;
      }
    }
    if (all) out.push_back(d.ordinal);
  }
  return out;
}

}  // namespace wenyuan::bench

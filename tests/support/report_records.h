// Generated .jsonl material for the many-writers tests: short reports whose
// every line differs, each with a phrase of its own and one they share.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace wenyuan::testing {

// `n` short reports as .jsonl records with ids "PREFIX<k>", k = first…first+n-1.
// Each has a phrase of its own ("编号<k>号专项") and the shared phrase
// "群众满意度持续提升"; every line differs between documents, since a line that
// recurs at the edge of many documents of a source is a site header the
// cleaner takes out.
inline void write_report_records(const std::filesystem::path& file, const std::string& id_prefix, int first, int n) {
  std::FILE* f = std::fopen(file.c_str(), "w");
  for (int k = first; k < first + n; ++k) {
    const std::string s = std::to_string(k);
    std::fprintf(f,
                 "{\"id\":\"%s%s\",\"title\":\"第%s号工作报告\",\"text\":\"今年以来，第%s组坚持稳中求进，推进高质量发展。"
                 "\\n编号%s号专项工作取得新进展，群众满意度持续提升%s次。\"}\n",
                 id_prefix.c_str(), s.c_str(), s.c_str(), s.c_str(), s.c_str(), s.c_str());
  }
  std::fclose(f);
}

}  // namespace wenyuan::testing

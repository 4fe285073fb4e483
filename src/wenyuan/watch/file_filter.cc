#include "wenyuan/watch/file_filter.h"

#include <array>
#include <cctype>
#include <string_view>

#include "wenyuan/doc/import.h"

namespace wenyuan::watch {

namespace {

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

FileKind classify(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  if (name.empty() || name[0] == '.' || name.rfind("~$", 0) == 0) return FileKind::kIgnored;
  const std::string lower = lower_ascii(name);
  static constexpr std::array<std::string_view, 5> kTempSuffixes = {".tmp", ".partial", ".crdownload", ".part",
                                                                    ".download"};
  for (auto s : kTempSuffixes) {
    if (ends_with(lower, s)) return FileKind::kIgnored;
  }
  const std::string stem = lower_ascii(file.stem().string());
  if (stem == "readme" || stem == "license" || stem == "copying") return FileKind::kIgnored;
  return doc::is_importable(file) ? FileKind::kCandidate : FileKind::kNotImportable;
}

bool is_ignored_folder(const std::filesystem::path& dir) {
  const std::string name = dir.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace wenyuan::watch

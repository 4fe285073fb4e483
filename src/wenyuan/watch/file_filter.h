// Which files of a watched folder the watcher looks at. Sync clients (百度网盘,
// 坚果云, Syncthing, browsers, Office) write a file under a temporary name and
// rename it into place, or leave lock and partial files beside it; those are
// never material. The rules are by name only, so they hold for events and
// rescans alike.
#pragma once

#include <filesystem>
#include <string>

namespace wenyuan::watch {

enum class FileKind {
  kCandidate,      // importable: wait until complete, then import
  kIgnored,        // a temporary file of a sync client or editor, or a folder note: ignored silently
  kNotImportable,  // an ordinary file of a format wenyuan does not read: skipped
};

// Hidden names (".x"), Office lock files ("~$x"), and *.tmp *.partial
// *.crdownload *.part *.download (any case) are temporary; README/LICENSE/COPYING
// notes are skipped as `wenyuan import` skips them inside folders.
FileKind classify(const std::filesystem::path& file);

// Hidden folders (".sync", ".stfolder", ".Trash-1000") are not descended into.
bool is_ignored_folder(const std::filesystem::path& dir);

}  // namespace wenyuan::watch

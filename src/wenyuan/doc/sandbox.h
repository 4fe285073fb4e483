// Sandboxed import: doc::import_file run in a child process with resource
// limits, so that a parser crash, a runaway loop or a memory blow-up costs one
// file and never the process that asked (the server, a watcher).
//
// The child is `HELPER __parse PATH ...` (the wenyuan binary; the subcommand is
// hidden): it sets no limits itself — the parent sets them between fork and exec
// (RLIMIT_CPU, RLIMIT_AS, RLIMIT_CORE = 0, RLIMIT_NOFILE, PR_SET_NO_NEW_PRIVS)
// and enforces the wall time by SIGKILL. The child streams each result of
// import_file over its stdout as frames (below); the parent hands them to the
// sink as they arrive, so a .jsonl streams as it does in-process. The child's
// stderr (poppler's one line, spdlog) is relayed to the parent's log.
//
// Frames: one byte kind, a little-endian u64 length, the payload.
//   'D' a RawDocument (fields as length-prefixed strings, see sandbox.cc)
//   'E' a per-record error: one byte StatusCode, the message
//   'S' an archive member skipped: its origin and the reason, as length-prefixed strings
//   'F' the end: import_file's Status (code byte + message); nothing follows
// A child that ends without 'F' crashed or was killed; the file then gets one
// error that says which limit it hit, or the signal, and the parser:
//   "PATH: rejected: took more than 10 s in the .docx parser"
//   "PATH: rejected: needed more than 512 MB in the .html parser"
//   "PATH: rejected: crashed in the .pdf parser (signal 11)"
// Documents the child sent before it died were complete and stay delivered.
//
// Test hook: the child honours WENYUAN_SANDBOX_FAULT=crash|loop|memory (only in
// the `__parse` entry point, never in-process): it segfaults, spins, or
// allocates without bound before parsing — so tests can make "a parser" fail.
//
// Under AddressSanitizer RLIMIT_AS is not set (ASan reserves terabytes of
// address space); the memory limit is then not enforced.
#pragma once

#include <cstdint>
#include <filesystem>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/import.h"

namespace wenyuan::doc {

struct SandboxOptions {
  std::filesystem::path helper;     // the wenyuan binary; empty: parse in-process (no sandbox)
  uint32_t cpu_seconds = 10;        // CPU time of the child
  uint32_t wall_seconds = 10;       // real time, then SIGKILL
  uint64_t memory_bytes = 512ull << 20;  // address space of the child
  // CPU and real time of a file that may start LibreOffice (doc::may_convert:
  // .doc .wps ... and archives, which may hold many): the converter runs in the
  // child, inherits its limits, and has its own timeout (ImportLimits::convert_seconds).
  uint32_t convert_seconds = 300;
  bool enabled() const { return !helper.empty(); }
};

// import_file(path, limits, sink) in a sandboxed child (or in-process when
// !options.enabled()). Returns non-ok when the file is rejected as a whole.
Status import_file_sandboxed(const std::filesystem::path& path, const ImportLimits& limits,
                             const SandboxOptions& options, const RawSink& sink, const SkipSink& skipped = {});

// The child's side: `wenyuan __parse PATH MAX_FILE MAX_UNCOMPRESSED MAX_RATIO MAX_CHARS MAX_NESTING
// MAX_MEMBERS MAX_DEPTH CONVERT_S`.
// Writes frames to stdout; returns the process exit code.
int sandbox_child_main(int argc, char** argv);

}  // namespace wenyuan::doc

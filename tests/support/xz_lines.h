// Reading the .xz files of the public corpus (../shared/corpus/*.jsonl.xz) with
// liblzma: the one decoder the tests and benchmarks that read the corpus share.
#pragma once

#include <lzma.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::xz {

// Decompresses `path` (one or more concatenated .xz streams) and hands the
// bytes to `sink(std::string_view)` piece by piece, in order.
template <typename Sink>
Status decode(const std::filesystem::path& path, Sink&& sink) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::io_error(path.string() + ": cannot open");
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return Status::internal(path.string() + ": lzma_stream_decoder failed");
  }
  std::vector<uint8_t> in(1 << 16);
  std::vector<uint8_t> out(1 << 18);
  lzma_action action = LZMA_RUN;
  Status status;
  while (true) {
    if (strm.avail_in == 0 && action == LZMA_RUN) {
      strm.next_in = in.data();
      strm.avail_in = std::fread(in.data(), 1, in.size(), f.get());
      if (std::ferror(f.get())) {
        status = Status::io_error(path.string() + ": read error");
        break;
      }
      if (std::feof(f.get())) action = LZMA_FINISH;
    }
    strm.next_out = out.data();
    strm.avail_out = out.size();
    const lzma_ret ret = lzma_code(&strm, action);
    sink(std::string_view(reinterpret_cast<const char*>(out.data()), out.size() - strm.avail_out));
    if (ret == LZMA_STREAM_END) break;
    if (ret != LZMA_OK) {
      status = Status::corruption(path.string() + ": xz error " + std::to_string(ret));
      break;
    }
  }
  lzma_end(&strm);
  return status;
}

// The whole decompressed file, appended to `out`.
inline Status read_all(const std::filesystem::path& path, std::string& out) {
  return decode(path, [&](std::string_view bytes) { out.append(bytes); });
}

// Calls `f(const std::string& line)` for each line, without its '\n'; a last
// line without one counts too.
template <typename F>
Status for_each_line(const std::filesystem::path& path, F&& f) {
  std::string line;
  Status st = decode(path, [&](std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t nl = bytes.find('\n');
      if (nl == std::string_view::npos) {
        line.append(bytes);
        return;
      }
      line.append(bytes.substr(0, nl));
      f(line);
      line.clear();
      bytes.remove_prefix(nl + 1);
    }
  });
  if (st.is_ok() && !line.empty()) f(line);
  return st;
}

}  // namespace wenyuan::xz

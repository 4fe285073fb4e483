#include "wenyuan/store/codec.h"

#include <sodium.h>
#include <zstd.h>

#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

namespace wenyuan::store {
namespace {

using nlohmann::json;

// Outlines of real 公文 are a handful of levels deep (第一章 > 第一节 > 第一条 >
// 一、> （一）> 1.); anything deeper than this is a corrupt or hostile blob.
constexpr int kMaxOutlineDepth = 64;

// Text is valid UTF-8 by the Document invariants; `replace` only keeps a bug
// elsewhere from turning into an exception here.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<json> parse(std::string_view s, const char* what) {
  json j = json::parse(s.begin(), s.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::corruption(std::string(what) + ": not valid JSON");
  if (!j.is_array()) return Status::corruption(std::string(what) + ": expected a JSON array");
  return j;
}

// Reads j[key] as T, or reports which field of what is wrong.
template <typename T>
Status field(const json& j, const char* key, T& out, const char* what) {
  if (!j.is_object()) return Status::corruption(std::string(what) + ": expected an object");
  auto it = j.find(key);
  if (it == j.end()) return Status::corruption(std::string(what) + ": missing \"" + key + "\"");
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return Status::corruption(std::string(what) + ": \"" + key + "\" is not a string");
    out = it->template get<std::string>();
  } else {
    // Range-checked: a negative or oversized number must not wrap into an offset.
    const bool fits = it->is_number_unsigned()
                          ? it->template get<uint64_t>() <= uint64_t{std::numeric_limits<T>::max()}
                          : it->is_number_integer() && !std::is_unsigned_v<T> &&
                                it->template get<int64_t>() >= int64_t{std::numeric_limits<T>::min()};
    if (!fits) {
      return Status::corruption(std::string(what) + ": \"" + key + "\" is not an integer in range");
    }
    out = it->template get<T>();
  }
  return Status::ok();
}

json outline_node_to_json(const doc::OutlineNode& n) {
  json children = json::array();
  for (const doc::OutlineNode& c : n.children) children.push_back(outline_node_to_json(c));
  return json{{"level", n.level},   {"kind", doc::to_string(n.kind)}, {"marker", n.marker},
              {"title", n.title},   {"start", n.start}, {"end", n.end},
              {"heading", json::array({n.heading.start, n.heading.end})},
              {"children", std::move(children)}};
}

Status outline_node_from_json(const json& j, doc::OutlineNode& n, int depth) {
  constexpr const char* kWhat = "outline node";
  if (depth > kMaxOutlineDepth) return Status::corruption("outline: nested deeper than 64 levels");
  WENYUAN_RETURN_IF_ERROR(field(j, "level", n.level, kWhat));
  std::string kind;
  WENYUAN_RETURN_IF_ERROR(field(j, "kind", kind, kWhat));
  WENYUAN_RETURN_IF_ERROR(field(j, "marker", n.marker, kWhat));
  WENYUAN_RETURN_IF_ERROR(field(j, "title", n.title, kWhat));
  WENYUAN_RETURN_IF_ERROR(field(j, "start", n.start, kWhat));
  WENYUAN_RETURN_IF_ERROR(field(j, "end", n.end, kWhat));
  auto h = j.find("heading");
  if (h == j.end() || !h->is_array() || h->size() != 2 || !(*h)[0].is_number_unsigned() ||
      !(*h)[1].is_number_unsigned() || (*h)[0].get<uint64_t>() > UINT32_MAX ||
      (*h)[1].get<uint64_t>() > UINT32_MAX) {
    return Status::corruption("outline node: \"heading\" must be [start, end]");
  }
  n.heading = {(*h)[0].get<uint32_t>(), (*h)[1].get<uint32_t>()};
  auto c = j.find("children");
  if (c == j.end() || !c->is_array()) return Status::corruption("outline node: \"children\" must be an array");
  n.children.resize(c->size());
  for (size_t i = 0; i < c->size(); ++i) {
    WENYUAN_RETURN_IF_ERROR(outline_node_from_json((*c)[i], n.children[i], depth + 1));
  }
  // The tree's shape is checked before the names in it: a tree nested too deep
  // says so whatever its nodes are called.
  const std::optional<doc::OutlineKind> k = doc::outline_kind_from_string(kind);
  if (!k) return Status::corruption("outline node: unknown kind \"" + kind + "\"");
  n.kind = *k;
  return Status::ok();
}

void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 24)};
  out.append(b, 4);
}

uint32_t get_u32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

}  // namespace

std::string tags_to_json(const std::vector<std::string>& tags) { return dump(json(tags)); }

Result<std::vector<std::string>> tags_from_json(std::string_view s) {
  WENYUAN_ASSIGN_OR_RETURN(json j, parse(s, "tags"));
  std::vector<std::string> out;
  out.reserve(j.size());
  for (const json& t : j) {
    if (!t.is_string()) return Status::corruption("tags: element is not a string");
    out.push_back(t.get<std::string>());
  }
  return out;
}

std::string regions_to_json(const std::vector<doc::Region>& regions) {
  json a = json::array();
  for (const doc::Region& r : regions) {
    a.push_back({{"kind", doc::to_string(r.kind)}, {"start", r.start}, {"end", r.end}});
  }
  return dump(a);
}

Result<std::vector<doc::Region>> regions_from_json(std::string_view s) {
  WENYUAN_ASSIGN_OR_RETURN(json j, parse(s, "regions"));
  std::vector<doc::Region> out(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    std::string kind;
    WENYUAN_RETURN_IF_ERROR(field(e, "kind", kind, "region"));
    if (kind == doc::to_string(doc::RegionKind::kPaid)) {
      out[i].kind = doc::RegionKind::kPaid;
    } else if (kind == doc::to_string(doc::RegionKind::kPreview)) {
      out[i].kind = doc::RegionKind::kPreview;
    } else {
      return Status::corruption("region: unknown kind \"" + kind + "\"");
    }
    WENYUAN_RETURN_IF_ERROR(field(e, "start", out[i].start, "region"));
    WENYUAN_RETURN_IF_ERROR(field(e, "end", out[i].end, "region"));
  }
  return out;
}

std::string outline_to_json(const std::vector<doc::OutlineNode>& outline) {
  json a = json::array();
  for (const doc::OutlineNode& n : outline) a.push_back(outline_node_to_json(n));
  return dump(a);
}

Result<std::vector<doc::OutlineNode>> outline_from_json(std::string_view s) {
  WENYUAN_ASSIGN_OR_RETURN(json j, parse(s, "outline"));
  std::vector<doc::OutlineNode> out(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    WENYUAN_RETURN_IF_ERROR(outline_node_from_json(j[i], out[i], 1));
  }
  return out;
}

std::string removed_to_json(const std::vector<doc::Removed>& removed) {
  json a = json::array();
  for (const doc::Removed& r : removed) {
    a.push_back({{"reason", r.reason}, {"text", r.text}, {"position", r.position}});
  }
  return dump(a);
}

Result<std::vector<doc::Removed>> removed_from_json(std::string_view s) {
  WENYUAN_ASSIGN_OR_RETURN(json j, parse(s, "removed"));
  std::vector<doc::Removed> out(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    WENYUAN_RETURN_IF_ERROR(field(e, "reason", out[i].reason, "removed"));
    WENYUAN_RETURN_IF_ERROR(field(e, "text", out[i].text, "removed"));
    WENYUAN_RETURN_IF_ERROR(field(e, "position", out[i].position, "removed"));
  }
  return out;
}

std::string spans_to_blob(const std::vector<doc::Span>& spans) {
  std::string out;
  out.reserve(spans.size() * 8);
  for (const doc::Span& s : spans) {
    put_u32(out, s.start);
    put_u32(out, s.end);
  }
  return out;
}

Result<std::vector<doc::Span>> spans_from_blob(std::string_view blob) {
  if (blob.size() % 8 != 0) {
    return Status::corruption("spans: blob of " + std::to_string(blob.size()) + " bytes is not a multiple of 8");
  }
  std::vector<doc::Span> out(blob.size() / 8);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].start = get_u32(blob.data() + 8 * i);
    out[i].end = get_u32(blob.data() + 8 * i + 4);
  }
  return out;
}

std::optional<std::string> spans_to_deltas(const std::vector<doc::Span>& spans) {
  std::string out;
  out.reserve(spans.size() * 3);
  const auto put = [&](uint32_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  };
  uint32_t prev_end = 0;
  for (const doc::Span& s : spans) {
    if (s.start < prev_end || s.end < s.start) return std::nullopt;
    put(s.start - prev_end);
    put(s.end - s.start);
    prev_end = s.end;
  }
  return out;
}

Result<std::vector<doc::Span>> spans_from_deltas(std::string_view blob) {
  std::vector<doc::Span> out;
  size_t i = 0;
  // A varint of at most 5 bytes whose value fits 32 bits; the sums are checked too.
  const auto get = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (i >= blob.size()) return false;
      const auto b = static_cast<uint8_t>(blob[i++]);
      *v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return *v <= UINT32_MAX;
    }
    return false;
  };
  uint64_t end = 0;
  while (i < blob.size()) {
    uint64_t gap = 0, len = 0;
    if (!get(&gap) || !get(&len) || end + gap + len > UINT32_MAX) {
      return Status::corruption("spans: a bad delta at byte " + std::to_string(i) + " of " +
                                std::to_string(blob.size()));
    }
    const uint64_t start = end + gap;
    end = start + len;
    out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
  }
  return out;
}

int64_t edge_line_key(std::string_view line) {
  // The BLAKE2b implementation libsodium picks at init is the same function
  // everywhere; sodium_init is idempotent and thread-safe, run once.
  static const int init = sodium_init();
  (void)init;
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(line.data()), line.size(),
                     nullptr, 0);
  uint64_t k = 0;
  for (int i = 7; i >= 0; --i) k = (k << 8) | digest[i];
  return static_cast<int64_t>(k);
}

std::string compress(std::string_view raw, int level) {
  if (raw.empty()) return {};
  // A context reused by the thread (ZSTD_compress would make one a call, and
  // for a small document setting up its tables costs more than compressing);
  // ZSTD_compressCCtx sets every parameter from `level`, so the frame is
  // byte for byte what ZSTD_compress gives.
  struct Free {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_CCtx, Free> cctx(ZSTD_createCCtx());
  if (!cctx) throw std::runtime_error("zstd: out of memory");
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compressCCtx(cctx.get(), out.data(), out.size(), raw.data(), raw.size(), level);
  // With a destination of compressBound bytes, compressing cannot fail for
  // lack of room; any other failure is a bug or out of memory.
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

namespace {

// The size a frame says it decodes to, if it says one within `max_size`: a
// frame claiming more is corrupt or hostile, and is refused before any
// allocation.
Result<size_t> frame_size(std::string_view frame, size_t max_size) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return Status::corruption("zstd: not a zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return Status::corruption("zstd: frame does not record its size");
  if (size > max_size) {
    return Status::corruption("zstd: frame claims " + std::to_string(size) + " bytes, over the limit");
  }
  return static_cast<size_t>(size);
}

// This thread's decompression context, reset (null if zstd cannot make one):
// creating one a call costs more than decoding a small frame.
ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (dctx) ZSTD_DCtx_reset(dctx.get(), ZSTD_reset_session_and_parameters);
  return dctx.get();
}

// `out` sized by frame_size, `n` what zstd returned decoding into it.
Result<std::string> checked_output(std::string out, size_t n) {
  if (ZSTD_isError(n)) return Status::corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != out.size()) return Status::corruption("zstd: frame shorter than its recorded size");
  return out;
}

}  // namespace

Result<std::string> decompress(std::string_view frame, size_t max_size) {
  if (frame.empty()) return std::string();
  WENYUAN_ASSIGN_OR_RETURN(const size_t size, frame_size(frame, max_size));
  std::string out(size, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  return checked_output(std::move(out), n);
}

Result<std::string> decompress_head(std::string_view frame, size_t code_points) {
  if (frame.empty() || code_points == 0) return std::string();
  ZSTD_DCtx* d = thread_dctx();
  if (d == nullptr) return Status::internal("zstd: out of memory");
  constexpr size_t kStep = 16 * 1024;
  std::string out;
  size_t counted = 0;  // code points started in out (its lead bytes)
  ZSTD_inBuffer in{frame.data(), frame.size(), 0};
  for (;;) {
    const size_t before = out.size();
    out.resize(before + kStep);
    ZSTD_outBuffer o{out.data(), out.size(), before};
    const size_t rc = ZSTD_decompressStream(d, &o, &in);
    if (ZSTD_isError(rc)) return Status::corruption(std::string("zstd: ") + ZSTD_getErrorName(rc));
    out.resize(o.pos);
    for (size_t i = before; i < out.size(); ++i) counted += (static_cast<unsigned char>(out[i]) & 0xC0) != 0x80;
    if (rc == 0) return out;  // the whole content
    // Code point number `code_points` has started, so every one before it is whole.
    if (counted > code_points) return out;
    if (in.pos == in.size && o.pos < o.size) return Status::corruption("zstd: truncated frame");
  }
}

namespace {

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

void check(size_t rc) {
  if (ZSTD_isError(rc)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(rc));
}

// JSON shorter than this is stored as it is.
constexpr size_t kPackMinBytes = 64;
constexpr int kPackLevel = 3;
// Outlines and the like: a frame claiming more than this is corrupt or hostile.
constexpr size_t kMaxJsonBytes = size_t{1} << 30;

}  // namespace

std::string compress_with_prefix(std::string_view raw, std::string_view prefix, int level) {
  if (raw.empty()) return {};
  // Thread-local: imports compress on several prepare threads at once, and a
  // context is worth reusing (its tables are the cost of small frames).
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  if (!cctx) throw std::runtime_error("zstd: out of memory");
  ZSTD_CCtx* c = cctx.get();
  check(ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters));
  check(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level));
  // The window is zstd's choice for this level and these sizes (prefix included):
  // forcing one to reach back over a whole long text made every frame's
  // workspace as large as that window (RSS 240 → 900 MB on the corpus).
  check(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1));
  // A wrong prefix would decode to wrong bytes without complaint; the checksum says so.
  check(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1));
  if (!prefix.empty()) check(ZSTD_CCtx_refPrefix(c, prefix.data(), prefix.size()));
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress2(c, out.data(), out.size(), raw.data(), raw.size());
  check(n);
  out.resize(n);
  return out;
}

Result<std::string> decompress_with_prefix(std::string_view frame, std::string_view prefix, size_t max_size) {
  if (frame.empty()) return std::string();
  WENYUAN_ASSIGN_OR_RETURN(const size_t size, frame_size(frame, max_size));
  ZSTD_DCtx* d = thread_dctx();
  if (d == nullptr) return Status::internal("zstd: out of memory");
  if (!prefix.empty()) {
    const size_t rc = ZSTD_DCtx_refPrefix(d, prefix.data(), prefix.size());
    if (ZSTD_isError(rc)) return Status::internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
  }
  std::string out(size, '\0');
  const size_t n = ZSTD_decompressDCtx(d, out.data(), out.size(), frame.data(), frame.size());
  return checked_output(std::move(out), n);
}

std::string pack_json(std::string json) {
  if (json.size() < kPackMinBytes) return json;
  return compress(json, kPackLevel);
}

Result<std::string> unpack_json(std::string_view stored) {
  if (stored.empty() || stored.front() == '[' || stored.front() == '{') return std::string(stored);
  return decompress(stored, kMaxJsonBytes);
}

}  // namespace wenyuan::store

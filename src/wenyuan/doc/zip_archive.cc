#include "wenyuan/doc/zip_archive.h"

#include <zip.h>

#include <array>

namespace wenyuan::doc {
namespace {

// Below this size an entry's compression ratio says nothing: small, repetitive
// XML parts (styles, settings) legitimately compress very well.
constexpr uint64_t kRatioCheckFloor = 1ull << 20;

std::string zip_error_message(zip_error_t* err) {
  std::string m = zip_error_strerror(err);
  zip_error_fini(err);
  return m;
}

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

}  // namespace

std::string format_bytes(uint64_t n) {
  if (n >= (1ull << 30) && n % (1ull << 30) == 0) return std::to_string(n >> 30) + " GiB";
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= (1ull << 10) && n % (1ull << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

struct ZipReader::Handle {
  zip_t* archive = nullptr;
  ~Handle() {
    if (archive != nullptr) zip_discard(archive);
  }
};

ZipReader::ZipReader(std::string bytes, std::string origin, const ImportLimits& limits)
    : bytes_(std::move(bytes)), origin_(std::move(origin)), limits_(limits), handle_(std::make_unique<Handle>()) {}

ZipReader::~ZipReader() = default;

Result<std::unique_ptr<ZipReader>> ZipReader::open(std::string bytes, std::string origin, const ImportLimits& limits) {
  std::unique_ptr<ZipReader> reader(new ZipReader(std::move(bytes), std::move(origin), limits));
  zip_error_t err;
  zip_error_init(&err);
  // The source borrows reader->bytes_, which lives as long as the archive.
  zip_source_t* src = zip_source_buffer_create(reader->bytes_.data(), reader->bytes_.size(), 0, &err);
  if (src == nullptr) return Status::internal(reader->origin_ + ": " + zip_error_message(&err));
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (za == nullptr) {
    zip_source_free(src);
    const bool not_zip = zip_error_code_zip(&err) == ZIP_ER_NOZIP;
    const std::string why = zip_error_message(&err);
    return Status::invalid_argument(reader->origin_ + (not_zip ? ": not a zip archive" : ": broken zip archive: " + why));
  }
  zip_error_fini(&err);
  reader->handle_->archive = za;
  return reader;
}

bool ZipReader::contains(const std::string& name) const {
  return zip_name_locate(handle_->archive, name.c_str(), 0) >= 0;
}

Result<std::string> ZipReader::read(const std::string& name) {
  zip_int64_t index = zip_name_locate(handle_->archive, name.c_str(), 0);
  if (index < 0) return Status::not_found(origin_ + ": no " + name + " in the archive");
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(handle_->archive, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
    return Status::corruption(origin_ + ": " + name + ": " + zip_strerror(handle_->archive));
  }
  const uint64_t budget = limits_.max_uncompressed_bytes > inflated_ ? limits_.max_uncompressed_bytes - inflated_ : 0;
  const auto too_big = [&] {
    return Status::too_large(origin_ + ": " + name + " inflates to more than " +
                             format_bytes(limits_.max_uncompressed_bytes) + " (zip bomb?)");
  };
  const uint64_t comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  const uint64_t ratio_cap = comp_size == 0 ? UINT64_MAX
                             : comp_size > UINT64_MAX / limits_.max_compression_ratio
                                 ? UINT64_MAX
                                 : comp_size * limits_.max_compression_ratio;
  const auto too_dense = [&](uint64_t size) {
    return Status::too_large(origin_ + ": " + name + " inflates from " + format_bytes(comp_size) + " to " +
                             (size == st.size ? "" : "more than ") + format_bytes(size) + ", more than " +
                             std::to_string(limits_.max_compression_ratio) + " times (zip bomb?)");
  };
  // First the sizes the archive declares: cheap, and catches honest bombs at once.
  if (st.valid & ZIP_STAT_SIZE) {
    if (st.size > budget) return too_big();
    if (st.size > kRatioCheckFloor && st.size > ratio_cap) return too_dense(st.size);
  }

  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(handle_->archive, static_cast<zip_uint64_t>(index), 0));
  if (!file) return Status::corruption(origin_ + ": " + name + ": " + zip_strerror(handle_->archive));
  std::string out;
  if (st.valid & ZIP_STAT_SIZE) out.reserve(st.size);
  std::array<char, 64 * 1024> buf;
  // Then the bytes that actually come out, in case the header lies.
  for (;;) {
    zip_int64_t n = zip_fread(file.get(), buf.data(), buf.size());
    if (n < 0) {
      return Status::corruption(origin_ + ": " + name + " does not inflate: " + zip_file_strerror(file.get()));
    }
    if (n == 0) break;
    if (out.size() + static_cast<uint64_t>(n) > budget) return too_big();
    out.append(buf.data(), static_cast<size_t>(n));
    if (out.size() > kRatioCheckFloor && out.size() > ratio_cap) return too_dense(out.size());
  }
  inflated_ += out.size();
  return out;
}

Result<std::string> write_zip(const std::vector<ZipEntry>& entries) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* sink = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (sink == nullptr) return Status::internal("zip: " + zip_error_message(&err));
  zip_t* za = zip_open_from_source(sink, ZIP_TRUNCATE, &err);
  if (za == nullptr) {
    zip_source_free(sink);
    return Status::internal("zip: " + zip_error_message(&err));
  }
  zip_source_keep(sink);  // survive zip_close so we can read the archive back
  for (const ZipEntry& e : entries) {
    // The entry data is borrowed; `entries` outlives zip_close below.
    zip_source_t* s = zip_source_buffer(za, e.data.data(), e.data.size(), 0);
    if (s == nullptr || zip_file_add(za, e.name.c_str(), s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
      std::string m = zip_strerror(za);
      if (s != nullptr) zip_source_free(s);
      zip_discard(za);
      zip_source_free(sink);
      return Status::internal("zip: adding " + e.name + ": " + m);
    }
  }
  if (zip_close(za) != 0) {
    std::string m = zip_strerror(za);
    zip_discard(za);
    zip_source_free(sink);
    return Status::internal("zip: " + m);
  }
  std::string out;
  if (zip_source_open(sink) != 0) {
    zip_source_free(sink);
    return Status::internal("zip: cannot read back the archive");
  }
  std::array<char, 64 * 1024> buf;
  for (;;) {
    zip_int64_t n = zip_source_read(sink, buf.data(), buf.size());
    if (n < 0) {
      zip_source_close(sink);
      zip_source_free(sink);
      return Status::internal("zip: cannot read back the archive");
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  zip_source_close(sink);
  zip_source_free(sink);
  return out;
}

}  // namespace wenyuan::doc

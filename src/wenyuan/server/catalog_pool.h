// CatalogPool: read-only use of the catalog from many server threads.
//
// store::Catalog is one SQLite connection used by one thread at a time, so the
// server does not share one: a request leases a connection from this pool and
// gives it back when done (RAII). Connections are opened on demand and kept, so
// there are at most as many as requests ever ran at once (bounded by the worker
// threads). WAL lets these readers proceed while Library writes through its own
// connection.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::server {

class CatalogPool {
 public:
  explicit CatalogPool(std::filesystem::path db_file) : db_file_(std::move(db_file)) {}

  class Lease {
   public:
    Lease(CatalogPool* pool, std::unique_ptr<store::Catalog> c) : pool_(pool), catalog_(std::move(c)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease() {
      if (catalog_) pool_->release(std::move(catalog_));
    }
    store::Catalog* operator->() const { return catalog_.get(); }
    store::Catalog& operator*() const { return *catalog_; }

   private:
    CatalogPool* pool_;
    std::unique_ptr<store::Catalog> catalog_;
  };

  Result<Lease> acquire() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        auto c = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(c));
      }
    }
    WENYUAN_ASSIGN_OR_RETURN(auto c, store::Catalog::open(db_file_));
    return Lease(this, std::move(c));
  }

 private:
  void release(std::unique_ptr<store::Catalog> c) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(c));
  }
  std::filesystem::path db_file_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Catalog>> free_;
};

}  // namespace wenyuan::server

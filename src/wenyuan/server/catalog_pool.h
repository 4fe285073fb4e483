// CatalogPool: read-only use of the catalog from many server threads.
//
// store::Catalog is one SQLite connection used by one thread at a time, so the
// server does not share one: a request leases a connection from this pool and
// gives it back when done (RAII). Connections are opened on demand and kept, so
// there are at most as many as requests ever ran at once (bounded by the worker
// threads). WAL lets these readers proceed while Library writes through its own
// connection.
//
// Except on a full disk where no -shm file can be made: the Library's
// connection then keeps the WAL index in its own memory and holds the file's
// lock (sqlite::Db::open), so a second connection would only wait and fail
// "database is locked". The server then share()s the Library's catalog: every
// lease is that one connection, and the server runs one request at a time
// (ApiState::single_connection, Api::handle) so nobody else uses it meanwhile.
// Slower, but it answers reads, and writes fail as a full disk's do (507).
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
    explicit Lease(store::Catalog* shared) : pool_(nullptr), shared_(shared) {}  // not owned, not given back
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease() {
      if (catalog_) pool_->release(std::move(catalog_));
    }
    store::Catalog* operator->() const { return catalog_ ? catalog_.get() : shared_; }
    store::Catalog& operator*() const { return *operator->(); }

   private:
    CatalogPool* pool_;
    std::unique_ptr<store::Catalog> catalog_;
    store::Catalog* shared_ = nullptr;
  };

  // From now on every lease is `only` (the caller serializes their use).
  void share(store::Catalog* only) {
    std::lock_guard lock(mu_);
    shared_ = only;
    free_.clear();
  }

  Result<Lease> acquire() {
    {
      std::lock_guard lock(mu_);
      if (shared_ != nullptr) return Lease(shared_);
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
  store::Catalog* shared_ = nullptr;
};

}  // namespace wenyuan::server

// A reader's own data, kept beside the library in its own file (DATA/me.db), keyed
// by the account's numeric id (the 查重 quota by caller name, as anonymous callers count too): 收藏 (favourites, in named folders), 浏览历史
// (documents opened, with the reading position: 阅读进度), 下载记录 (downloads)
// and the 素材篮 (material basket: paragraphs collected while reading, in the
// order the reader arranges them).
//
// Its own file, not the catalog's nor the accounts': it is written on every
// document view, and keeping it apart means a busy reader never contends with
// imports or logins, and deleting me.db forgets readers' habits and nothing else.
//
// What is stored is positions, never text: a basket item is (document, start,
// end) in code points of the cleaned text, and the text is cut from the catalog
// when it is shown or exported, through access::Policy — so a document made paid
// after an item was collected is not leaked by the basket, and an updated
// document shows its current text.
//
// Invariants: one row per (user, document) in history and per (user, document,
// folder) in favourites; basket positions are 0..n-1 per user without gaps (every
// change renumbers in one transaction); lists are newest first (basket: by
// position). Limits keep one account from filling the disk: kMaxRows per list.
// Thread-safe: one connection behind a mutex (a row is a few bytes; SQLite
// does each change in well under a millisecond).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {

struct Favorite {
  std::string doc_id;
  std::string folder;  // "" = the default folder (默认收藏夹)
  int64_t added_at = 0;
};

struct HistoryEntry {
  std::string doc_id;
  int64_t first_seen = 0, last_seen = 0;
  int64_t views = 0;
  int64_t position = 0;  // code point offset where the reader was last (阅读进度)
};

struct DownloadEntry {
  std::string doc_id;
  std::string format;
  int64_t at = 0;
};

struct BasketItem {
  int64_t id = 0;  // stable handle of the item
  std::string doc_id;
  int64_t start = 0, end = 0;  // code points of the document's cleaned text
  int64_t position = 0;
  int64_t added_at = 0;
};

class UserData {
 public:
  static constexpr int64_t kMaxRows = 2000;       // per user and list
  static constexpr size_t kMaxFolderBytes = 60;   // a folder name

  // Opens (creating) the file; the schema is made on first use.
  static Result<std::unique_ptr<UserData>> open(const std::string& path);

  Status add_favorite(int64_t user, const std::string& doc_id, const std::string& folder, int64_t now);
  // Removes the document from `folder`, or from every folder when folder is null.
  Status remove_favorite(int64_t user, const std::string& doc_id, const std::string* folder);
  Result<std::vector<Favorite>> favorites(int64_t user);

  // position < 0: the document was opened (counted, moved to the top);
  // position >= 0: the reader's place in it (remembered, moved to the top, not counted).
  Status record_view(int64_t user, const std::string& doc_id, int64_t position, int64_t now);
  Result<std::vector<HistoryEntry>> history(int64_t user, int64_t limit);
  Status clear_history(int64_t user);

  Status record_download(int64_t user, const std::string& doc_id, const std::string& format, int64_t now);
  Result<std::vector<DownloadEntry>> downloads(int64_t user, int64_t limit);

  Result<BasketItem> basket_add(int64_t user, const std::string& doc_id, int64_t start, int64_t end, int64_t now);
  Status basket_remove(int64_t user, int64_t item);
  // The items in the order given (every current item id exactly once).
  Status basket_reorder(int64_t user, const std::vector<int64_t>& order);
  Status basket_clear(int64_t user);
  Result<std::vector<BasketItem>> basket(int64_t user);

  // The 查重 quota (server/check_service.h): takes one check from `who`
  // ("user:NAME" or "ip:ADDR": anonymous callers have no id) for UTC day `day`
  // when fewer than `cap` were taken that day; false when they are used up.
  // Kept here so a restart does not hand out a new day's worth; rows of
  // earlier days are dropped as the day changes.
  Result<bool> take_check(const std::string& who, int64_t day, uint32_t cap);
  Result<int64_t> checks_used(const std::string& who, int64_t day);

 private:
  explicit UserData(sqlite::Db db) : db_(std::move(db)) {}
  Result<int64_t> count(const char* table, int64_t user);
  Status renumber_basket(int64_t user, const std::vector<int64_t>& order);

  std::mutex mu_;
  sqlite::Db db_;
};

}  // namespace wenyuan::store

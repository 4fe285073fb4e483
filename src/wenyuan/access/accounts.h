// Accounts: users, sessions, API tokens and download quotas, in their own
// SQLite file (DATA/accounts.db), apart from the catalog: the catalog can be
// rebuilt or copied without carrying anyone's password hash.
//
// On disk (WAL, synchronous=NORMAL, busy_timeout 10 s; schema version in
// PRAGMA user_version, migrated forward on open):
//   users      (id, name UNIQUE, password_hash Argon2id crypto_pwhash_str,
//               tier TEXT, disabled INT, created_at)
//   sessions   (token_hash PRIMARY KEY, user_id, csrf, expires_at)
//   api_tokens (token_hash PRIMARY KEY, user_id, created_at)
//   downloads  (user_id, day 'YYYY-MM-DD' UTC, used; PRIMARY KEY(user_id, day))
//
// Invariants:
//  - Secrets are never stored: sessions and API tokens are 32 random bytes
//    (hex) handed to the client once; the file keeps their BLAKE2b hash.
//  - A disabled user's sessions and tokens resolve to nothing (NotFound), and
//    logging in as a disabled user fails like a wrong password.
//  - spend_download() is one UPDATE … WHERE used < limit: however many threads
//    or processes spend at once, `used` never exceeds the limit.
// Threads: every method may be called from any thread (one connection behind a
// mutex; statements are short).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "wenyuan/access/policy.h"
#include "wenyuan/core/status.h"

struct sqlite3;

namespace wenyuan::access {

struct User {
  int64_t id = 0;
  std::string name;
  Tier tier = Tier::kFree;
  bool disabled = false;
  int64_t created_at = 0;
};

struct NewSession {
  std::string token;   // the cookie value (secret)
  std::string csrf;    // the value the client echoes in X-CSRF-Token
  int64_t expires_at = 0;
};

struct SessionUser {
  User user;
  std::string csrf;
};

struct AccountsOptions {
  // Argon2id cost. Defaults are libsodium's "interactive" limits; tests lower them.
  unsigned long long ops_limit = 0;  // 0: crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t mem_limit = 0;              // 0: crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// Names: 1..64 bytes of letters, digits, '_', '-', '.', '@' or CJK; passwords
// 8..1024 bytes.
Status validate_username(std::string_view name);
Status validate_password(std::string_view password);

class Accounts {
 public:
  static Result<std::unique_ptr<Accounts>> open(const std::filesystem::path& db_file, AccountsOptions options = {});
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // AlreadyExists if the name is taken.
  Result<User> add_user(const std::string& name, const std::string& password, Tier tier);
  // PermissionDenied for an unknown name, a wrong password or a disabled user
  // (one message for all three).
  Result<User> authenticate(const std::string& name, const std::string& password);
  Result<User> get_user(const std::string& name);
  Result<std::vector<User>> list_users();
  Result<User> set_tier(const std::string& name, Tier tier);
  Result<User> set_disabled(const std::string& name, bool disabled);
  Status set_password(const std::string& name, const std::string& password);

  Result<NewSession> create_session(int64_t user_id, int64_t ttl_seconds);
  // NotFound for an unknown, expired or disabled user's session.
  Result<SessionUser> session_user(const std::string& token);
  Status delete_session(const std::string& token);

  Result<std::string> create_api_token(const std::string& user_name);
  Result<User> token_user(const std::string& token);

  // Spends one download of `day` if fewer than `limit` were spent; true if spent.
  Result<bool> spend_download(int64_t user_id, const std::string& day, uint32_t limit);
  Result<uint32_t> downloads_used(int64_t user_id, const std::string& day);

  // The current UTC day as 'YYYY-MM-DD' (quota days).
  static std::string today();

 private:
  Accounts() = default;
  Status migrate();
  Result<User> user_where(const std::string& sql, const std::string& arg);

  std::mutex mu_;
  sqlite3* db_ = nullptr;
  AccountsOptions options_;
  std::filesystem::path path_;
};

}  // namespace wenyuan::access

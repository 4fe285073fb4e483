// Accounts: users, sessions, API tokens and download quotas, in their own
// SQLite file (DATA/accounts.db), apart from the catalog: the catalog can be
// rebuilt or copied without carrying anyone's password hash.
//
// On disk (WAL, synchronous=NORMAL, busy_timeout 10 s; schema version in
// PRAGMA user_version, migrated forward on open by store::sqlite::migrate):
//   users      (id, name UNIQUE, password_hash Argon2id crypto_pwhash_str,
//               tier TEXT, disabled INT, created_at,
//               tier_until TEXT NULL  -- v2: last day 'YYYY-MM-DD' (UTC) of the tier)
//   sessions   (token_hash PRIMARY KEY, user_id, csrf, expires_at,
//               created_at, ip, user_agent  -- v2; rowid is the session's public id)
//   api_tokens (token_hash PRIMARY KEY, user_id, created_at)
//   downloads  (user_id, day 'YYYY-MM-DD' UTC, used; PRIMARY KEY(user_id, day))
//   invites    (code_hash PRIMARY KEY, created_at, expires_at, used_by, used_at)  -- v2
//
// Invariants:
//  - Secrets are never stored: sessions and API tokens are 32 random bytes
//    (hex) handed to the client once; the file keeps their BLAKE2b hash.
//  - A disabled user's sessions and tokens resolve to nothing (NotFound), and
//    logging in as a disabled user fails like a wrong password.
//  - spend_download() is one UPDATE … WHERE used < limit: however many threads
//    or processes spend at once, `used` never exceeds the limit.
//  - authenticate() runs exactly one Argon2id verification whatever the name:
//    an unknown name is verified against a dummy hash of the same cost, so a
//    failed login costs the same for existing and unknown users.
//  - An invitation code is spent in the same transaction that creates the
//    user; a refused registration leaves it unspent.
//  - A stored tier with tier_until is the user's tier through that UTC day;
//    from the next day on the user is free (effective_tier(), asked per request).
// Threads: every method may be called from any thread (one connection behind a
// mutex; statements are short).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "wenyuan/access/policy.h"
#include "wenyuan/core/status.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::access {

struct User {
  int64_t id = 0;
  std::string name;
  Tier tier = Tier::kFree;          // as stored; see effective_tier()
  bool disabled = false;
  int64_t created_at = 0;
  std::string tier_until;           // '' = no expiry; else the tier's last day 'YYYY-MM-DD' (UTC)
};

// The tier `u` has on `day` ('YYYY-MM-DD', UTC): the stored tier through
// tier_until, free after it (so an expired member is free at once, with no
// job that has to run).
Tier effective_tier(const User& u, const std::string& day);

// One logged-in browser, as its owner may see it (never the token).
struct SessionInfo {
  int64_t id = 0;          // public id (rowid)
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::string ip;
  std::string user_agent;
};

struct NewSession {
  std::string token;   // the cookie value (secret)
  std::string csrf;    // the value the client echoes in X-CSRF-Token
  int64_t expires_at = 0;
};

struct SessionUser {
  User user;
  std::string csrf;
  int64_t session_id = 0;
};

struct AccountsOptions {
  // Argon2id cost. Defaults are libsodium's "interactive" limits; tests lower them.
  unsigned long long ops_limit = 0;  // 0: crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t mem_limit = 0;              // 0: crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// True for 'YYYY-MM-DD' with a real month and day.
bool valid_day(std::string_view day);

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

  // AlreadyExists if the name is taken. With `invite` non-empty the code must
  // be an unspent, unexpired invitation (PermissionDenied otherwise, before the
  // name is looked at); it is spent with the insert.
  Result<User> add_user(const std::string& name, const std::string& password, Tier tier,
                        const std::string& invite = {});
  // PermissionDenied for an unknown name, a wrong password or a disabled user
  // (one message for all three, one Argon2id verification for all three).
  Result<User> authenticate(const std::string& name, const std::string& password);
  Result<User> get_user(const std::string& name);
  Result<std::vector<User>> list_users();
  // `until` '' clears the expiry; otherwise a valid_day().
  Result<User> set_tier(const std::string& name, Tier tier, const std::string& until = {});
  Result<User> set_disabled(const std::string& name, bool disabled);
  Status set_password(const std::string& name, const std::string& password);

  // Password verifications run so far (authenticate, dummy ones included):
  // lets tests prove the unknown-user path pays for a hash.
  uint64_t verifications() const { return verifications_.load(); }

  Result<NewSession> create_session(int64_t user_id, int64_t ttl_seconds, const std::string& ip = {},
                                    const std::string& user_agent = {});
  // NotFound for an unknown, expired or disabled user's session.
  Result<SessionUser> session_user(const std::string& token);
  Status delete_session(const std::string& token);
  // The user's live sessions, newest first.
  Result<std::vector<SessionInfo>> list_sessions(int64_t user_id);
  // Deletes every session of the user except `keep_session_id`; how many went.
  Result<int> delete_other_sessions(int64_t user_id, int64_t keep_session_id);

  // `count` invitation codes valid for `ttl_seconds`, printed once (stored hashed).
  Result<std::vector<std::string>> create_invites(int count, int64_t ttl_seconds);

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
  std::string dummy_hash_;  // verified for unknown names (same cost as a real one)
  std::atomic<uint64_t> verifications_{0};
  store::sqlite::Db db_;
  AccountsOptions options_;
  std::filesystem::path path_;
};

}  // namespace wenyuan::access

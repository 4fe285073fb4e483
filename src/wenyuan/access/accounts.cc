#include "wenyuan/access/accounts.h"

#include <sodium.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <ctime>

#include "wenyuan/text/utf8.h"

namespace wenyuan::access {

namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

using store::sqlite::Statement;

// The migration steps of accounts.db (store::sqlite::migrate), oldest first.
// Released steps are history: never edit them (files of older builds are at
// version 1 or 2 and must still open).
constexpr std::array<const char*, 2> kSteps = {
    // v1: users, sessions, API tokens, download quotas.
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " password_hash TEXT NOT NULL, tier TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, created_at INTEGER NOT NULL);"
    "CREATE TABLE downloads (user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " day TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, day));",
    // v2: tier expiry, session details (sessions list), invitations.
    "ALTER TABLE users ADD COLUMN tier_until TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE invites (code_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL, used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    " used_at INTEGER);",
};

std::string random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string token_hash(const std::string& token) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

User read_user(const Statement& s) {
  User u;
  u.id = s.column_int(0);
  u.name = s.column_text(1);
  u.tier = tier_from_string(s.column_text(2)).value_or(Tier::kFree);
  u.disabled = s.column_int(3) != 0;
  u.created_at = s.column_int(4);
  u.tier_until = s.column_text(5);
  return u;
}

// Every query that reads a User selects these six columns first, in this order.
constexpr const char* kUserColumns = "SELECT id, name, tier, disabled, created_at, tier_until FROM users ";

Result<std::string> hash_password(const std::string& password, unsigned long long ops, size_t mem) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::internal("password hashing ran out of memory");
  }
  return std::string(hash);
}

}  // namespace

bool valid_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (day[i] < '0' || day[i] > '9') return false;
  }
  const int y = std::stoi(std::string(day.substr(0, 4)));
  const int m = std::stoi(std::string(day.substr(5, 2)));
  const int d = std::stoi(std::string(day.substr(8, 2)));
  if (y < 1970 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Tier effective_tier(const User& u, const std::string& day) {
  // ISO dates compare as strings.
  if (!u.tier_until.empty() && day > u.tier_until) return Tier::kFree;
  return u.tier;
}

Status validate_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return Status::invalid_argument("username must be 1..64 bytes");
  if (!text::is_valid_utf8(name)) return Status::invalid_argument("username is not valid UTF-8");
  for (char32_t c : text::decode_utf8(name)) {
    const bool ok = (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') || c == U'_' ||
                    c == U'-' || c == U'.' || c == U'@' || (c >= 0x4E00 && c <= 0x9FFF);
    if (!ok) return Status::invalid_argument("username may hold letters, digits, _ - . @ and Chinese characters only");
  }
  return Status::ok();
}

Status validate_password(std::string_view password) {
  if (password.size() < 8) return Status::invalid_argument("password must be at least 8 bytes");
  if (password.size() > 1024) return Status::invalid_argument("password must be at most 1024 bytes");
  return Status::ok();
}

Result<std::unique_ptr<Accounts>> Accounts::open(const std::filesystem::path& db_file, AccountsOptions options) {
  if (sodium_init() < 0) return Status::internal("libsodium failed to initialize");
  std::unique_ptr<Accounts> a(new Accounts());
  a->options_ = options;
  if (a->options_.ops_limit == 0) a->options_.ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  if (a->options_.mem_limit == 0) a->options_.mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  a->path_ = db_file;
  auto db = store::sqlite::Db::open(db_file.string());
  if (!db) return db.status().with_context(db_file.string());
  a->db_ = std::move(db.value());
  sqlite3_busy_timeout(a->db_.get(), 10000);
  // Several connections may open one new file at once (tests; the server and a CLI).
  if (auto mode = store::sqlite::use_wal(a->db_, 10000); !mode) return mode.status().with_context(db_file.string());
  auto st = a->db_.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  if (!st) return st.with_context(db_file.string());
  st = a->migrate();
  if (!st) return st.with_context(db_file.string());
  // A hash of a random password nobody knows, at the configured cost: what an
  // unknown name is verified against.
  WENYUAN_ASSIGN_OR_RETURN(auto dummy, hash_password(random_token(), a->options_.ops_limit, a->options_.mem_limit));
  a->dummy_hash_ = std::move(dummy);
  return a;
}

Accounts::~Accounts() = default;

Status Accounts::migrate() {
  return store::sqlite::migrate(db_, kSteps, static_cast<int>(kSteps.size()), "accounts schema");
}

Result<User> Accounts::add_user(const std::string& name, const std::string& password, Tier tier,
                                const std::string& invite) {
  WENYUAN_RETURN_IF_ERROR(validate_username(name));
  WENYUAN_RETURN_IF_ERROR(validate_password(password));
  if (tier == Tier::kAnonymous) return Status::invalid_argument("a user cannot have the tier anonymous");
  // Hashing is slow by design; do it outside the lock. It runs before the name
  // is looked at, so a taken name costs as much as a free one.
  WENYUAN_ASSIGN_OR_RETURN(auto hash, hash_password(password, options_.ops_limit, options_.mem_limit));
  std::lock_guard lock(mu_);
  User u;
  u.name = name;
  u.tier = tier;
  const Status st = db_.transaction([&]() -> Status {
    if (!invite.empty()) {
      WENYUAN_ASSIGN_OR_RETURN(auto inv, db_.statement(
          "SELECT 1 FROM invites WHERE code_hash = ? AND used_by IS NULL AND used_at IS NULL AND expires_at >= ?",
          token_hash(invite), unix_now()));
      WENYUAN_ASSIGN_OR_RETURN(auto r, inv.step());
      if (!r) return Status::permission_denied("the invitation code is unknown, used or expired");
    }
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement("INSERT INTO users (name, password_hash, tier, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
                           name, hash, to_string(tier), unix_now()));
    if (Status inserted = s.run(); !inserted) {
      const bool taken = sqlite3_extended_errcode(db_.get()) == SQLITE_CONSTRAINT_UNIQUE;
      return taken ? Status::already_exists("user \"" + name + "\" already exists") : inserted;
    }
    u.id = db_.last_insert_rowid();
    if (!invite.empty()) {
      WENYUAN_RETURN_IF_ERROR(db_.run("UPDATE invites SET used_by = ?, used_at = ? WHERE code_hash = ?", u.id,
                                      unix_now(), token_hash(invite)));
    }
    WENYUAN_ASSIGN_OR_RETURN(auto c, db_.statement("SELECT created_at FROM users WHERE id = ?", u.id));
    if (auto r = c.step(); r && *r) u.created_at = c.column_int(0);
    return Status::ok();
  });
  if (!st) return st;
  return u;
}

Result<User> Accounts::authenticate(const std::string& name, const std::string& password) {
  const Status denied = Status::permission_denied("wrong username or password");
  std::string hash;
  User u;
  bool found = false;
  {
    std::lock_guard lock(mu_);
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement(
        "SELECT id, name, tier, disabled, created_at, tier_until, password_hash FROM users WHERE name = ?", name));
    WENYUAN_ASSIGN_OR_RETURN(auto r, s.step());
    if (r) {
      u = read_user(s);
      hash = s.column_text(6);
      found = true;
    }
  }
  if (password.size() > 1024) return denied;  // the same for every name
  // One verification whatever the name: unknown names pay for the dummy hash.
  ++verifications_;
  const bool match =
      crypto_pwhash_str_verify((found ? hash : dummy_hash_).c_str(), password.data(), password.size()) == 0;
  if (!found || !match || u.disabled) return denied;
  return u;
}

Result<User> Accounts::user_where(const std::string& where, const std::string& arg) {
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement(kUserColumns + where, arg));
  WENYUAN_ASSIGN_OR_RETURN(auto r, s.step());
  if (!r) return Status::not_found("no such user");
  return read_user(s);
}

Result<User> Accounts::get_user(const std::string& name) {
  std::lock_guard lock(mu_);
  auto u = user_where("WHERE name = ?", name);
  if (!u && u.status().code() == StatusCode::kNotFound) return Status::not_found("no user \"" + name + "\"");
  return u;
}

Result<std::vector<User>> Accounts::list_users() {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement(std::string(kUserColumns) + "ORDER BY id"));
  std::vector<User> out;
  WENYUAN_RETURN_IF_ERROR(s.for_each_row([&] { out.push_back(read_user(s)); }));
  return out;
}

Result<User> Accounts::set_tier(const std::string& name, Tier tier, const std::string& until) {
  if (tier == Tier::kAnonymous) return Status::invalid_argument("a user cannot have the tier anonymous");
  if (!until.empty() && !valid_day(until)) return Status::invalid_argument("until must be a date YYYY-MM-DD");
  {
    std::lock_guard lock(mu_);
    WENYUAN_RETURN_IF_ERROR(
        db_.run("UPDATE users SET tier = ?, tier_until = ? WHERE name = ?", to_string(tier), until, name));
  }
  return get_user(name);
}

Result<User> Accounts::set_disabled(const std::string& name, bool disabled) {
  {
    std::lock_guard lock(mu_);
    WENYUAN_RETURN_IF_ERROR(db_.run("UPDATE users SET disabled = ? WHERE name = ?", int64_t{disabled ? 1 : 0}, name));
    if (disabled) {
      // Logging a disabled user out everywhere, now rather than at expiry.
      WENYUAN_RETURN_IF_ERROR(
          db_.run("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", name));
    }
  }
  return get_user(name);
}

Status Accounts::set_password(const std::string& name, const std::string& password) {
  WENYUAN_RETURN_IF_ERROR(validate_password(password));
  WENYUAN_ASSIGN_OR_RETURN(auto hash, hash_password(password, options_.ops_limit, options_.mem_limit));
  std::lock_guard lock(mu_);
  WENYUAN_RETURN_IF_ERROR(db_.run("UPDATE users SET password_hash = ? WHERE name = ?", hash, name));
  if (db_.changes() == 0) return Status::not_found("no user \"" + name + "\"");
  return Status::ok();
}

Result<NewSession> Accounts::create_session(int64_t user_id, int64_t ttl_seconds, const std::string& ip,
                                            const std::string& user_agent) {
  NewSession ns;
  ns.token = random_token();
  ns.csrf = random_token();
  ns.expires_at = unix_now() + ttl_seconds;
  std::lock_guard lock(mu_);
  // Expired sessions are swept here, where a write happens anyway.
  WENYUAN_RETURN_IF_ERROR(db_.run("DELETE FROM sessions WHERE expires_at < ?", unix_now()));
  WENYUAN_RETURN_IF_ERROR(db_.run(
      "INSERT INTO sessions (token_hash, user_id, csrf, expires_at, created_at, ip, user_agent)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)",
      token_hash(ns.token), user_id, ns.csrf, ns.expires_at, unix_now(), ip.substr(0, 64), user_agent.substr(0, 256)));
  return ns;
}

Result<SessionUser> Accounts::session_user(const std::string& token) {
  if (token.empty() || token.size() > 128) return Status::not_found("no session");
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement(
      "SELECT u.id, u.name, u.tier, u.disabled, u.created_at, u.tier_until, s.csrf, s.rowid"
      " FROM sessions s JOIN users u ON u.id = s.user_id"
      " WHERE s.token_hash = ? AND s.expires_at >= ? AND u.disabled = 0",
      token_hash(token), unix_now()));
  WENYUAN_ASSIGN_OR_RETURN(auto r, s.step());
  if (!r) return Status::not_found("no session");
  return SessionUser{read_user(s), s.column_text(6), s.column_int(7)};
}

Status Accounts::delete_session(const std::string& token) {
  std::lock_guard lock(mu_);
  return db_.run("DELETE FROM sessions WHERE token_hash = ?", token_hash(token));
}

Result<std::vector<SessionInfo>> Accounts::list_sessions(int64_t user_id) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement(
      "SELECT rowid, created_at, expires_at, ip, user_agent FROM sessions WHERE user_id = ? AND expires_at >= ?"
      " ORDER BY created_at DESC, rowid DESC",
      user_id, unix_now()));
  std::vector<SessionInfo> out;
  WENYUAN_RETURN_IF_ERROR(s.for_each_row([&] {
    out.push_back({s.column_int(0), s.column_int(1), s.column_int(2), s.column_text(3), s.column_text(4)});
  }));
  return out;
}

Result<int> Accounts::delete_other_sessions(int64_t user_id, int64_t keep_session_id) {
  std::lock_guard lock(mu_);
  WENYUAN_RETURN_IF_ERROR(db_.run("DELETE FROM sessions WHERE user_id = ? AND rowid != ?", user_id, keep_session_id));
  return static_cast<int>(db_.changes());
}

Result<std::vector<std::string>> Accounts::create_invites(int count, int64_t ttl_seconds) {
  if (count < 1 || count > 1000) return Status::invalid_argument("invitation count must be 1..1000");
  if (ttl_seconds < 1) return Status::invalid_argument("invitation lifetime must be positive");
  std::vector<std::string> codes;
  std::lock_guard lock(mu_);
  const Status st = db_.transaction([&]() -> Status {
    for (int i = 0; i < count; ++i) {
      // 16 random bytes are plenty for a code that is spent once and expires.
      std::string code = random_token().substr(0, 32);
      WENYUAN_RETURN_IF_ERROR(db_.run("INSERT INTO invites (code_hash, created_at, expires_at) VALUES (?, ?, ?)",
                                      token_hash(code), unix_now(), unix_now() + ttl_seconds));
      codes.push_back(std::move(code));
    }
    return Status::ok();
  });
  if (!st) return st;
  return codes;
}

Result<std::string> Accounts::create_api_token(const std::string& user_name) {
  WENYUAN_ASSIGN_OR_RETURN(auto u, get_user(user_name));
  const std::string token = random_token();
  std::lock_guard lock(mu_);
  WENYUAN_RETURN_IF_ERROR(db_.run("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                                  token_hash(token), u.id, unix_now()));
  return token;
}

Result<User> Accounts::token_user(const std::string& token) {
  if (token.empty() || token.size() > 128) return Status::not_found("no such token");
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement(
      "SELECT u.id, u.name, u.tier, u.disabled, u.created_at, u.tier_until FROM api_tokens t"
      " JOIN users u ON u.id = t.user_id"
      " WHERE t.token_hash = ? AND u.disabled = 0",
      token_hash(token)));
  WENYUAN_ASSIGN_OR_RETURN(auto r, s.step());
  if (!r) return Status::not_found("no such token");
  return read_user(s);
}

Result<bool> Accounts::spend_download(int64_t user_id, const std::string& day, uint32_t limit) {
  std::lock_guard lock(mu_);
  WENYUAN_RETURN_IF_ERROR(
      db_.run("INSERT OR IGNORE INTO downloads (user_id, day, used) VALUES (?, ?, 0)", user_id, day));
  // The check and the increment are one statement: atomic in SQLite even
  // against another process spending from the same row.
  WENYUAN_RETURN_IF_ERROR(db_.run("UPDATE downloads SET used = used + 1 WHERE user_id = ? AND day = ? AND used < ?",
                                  user_id, day, int64_t{limit}));
  return db_.changes() == 1;
}

Result<uint32_t> Accounts::downloads_used(int64_t user_id, const std::string& day) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.statement("SELECT used FROM downloads WHERE user_id = ? AND day = ?", user_id, day));
  WENYUAN_ASSIGN_OR_RETURN(auto r, s.step());
  return r ? static_cast<uint32_t>(s.column_int(0)) : 0u;
}

std::string Accounts::today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace wenyuan::access

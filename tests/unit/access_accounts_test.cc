// access::Accounts (users, sessions, tokens, quotas in accounts.db) and
// access::RateLimiter.
#include <gtest/gtest.h>

#include <algorithm>

#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <thread>

#include <sqlite3.h>

#include "wenyuan/access/accounts.h"
#include "wenyuan/access/login_throttle.h"
#include "wenyuan/access/rate_limiter.h"

namespace wenyuan::access {
namespace {

namespace fs = std::filesystem;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wy_accounts_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto a = Accounts::open(dir_ / "accounts.db", fast());
    ASSERT_TRUE(a) << a.status().message();
    accounts_ = std::move(a.value());
  }
  void TearDown() override {
    accounts_.reset();
    fs::remove_all(dir_);
  }
  static AccountsOptions fast() {
    AccountsOptions o;
    o.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
    o.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
    return o;
  }
  fs::path dir_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, AddAuthenticateAndRejectWrongPasswords) {
  auto u = accounts_->add_user("alice", "correct horse", Tier::kVip);
  ASSERT_TRUE(u) << u.status().message();
  EXPECT_EQ(u->tier, Tier::kVip);
  EXPECT_GT(u->created_at, 0);
  auto ok = accounts_->authenticate("alice", "correct horse");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->name, "alice");
  EXPECT_EQ(accounts_->authenticate("alice", "wrong horse!").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts_->authenticate("bob", "correct horse").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts_->add_user("alice", "another one", Tier::kFree).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(accounts_->add_user("a b", "password1", Tier::kFree).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->add_user("carol", "short", Tier::kFree).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->add_user("dave", "password1", Tier::kAnonymous).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(accounts_->add_user("张三", "password1", Tier::kFree));
}

TEST_F(AccountsTest, PasswordIsStoredAsArgon2idHashOnly) {
  ASSERT_TRUE(accounts_->add_user("alice", "s3cret-password", Tier::kFree));
  accounts_.reset();
  std::ifstream in(dir_ / "accounts.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(dir_ / "accounts.db-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("s3cret-password"), std::string::npos);
  EXPECT_NE(bytes.find("$argon2id$"), std::string::npos);
}

TEST_F(AccountsTest, SessionsTokensAndDisabling) {
  auto u = accounts_->add_user("alice", "password1", Tier::kFree);
  ASSERT_TRUE(u);
  auto s = accounts_->create_session(u->id, 3600);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->token.size(), 64u);
  auto su = accounts_->session_user(s->token);
  ASSERT_TRUE(su);
  EXPECT_EQ(su->user.name, "alice");
  EXPECT_EQ(su->csrf, s->csrf);
  EXPECT_FALSE(accounts_->session_user(s->csrf));  // the CSRF token is not a session
  auto expired = accounts_->create_session(u->id, -10);
  ASSERT_TRUE(expired);
  EXPECT_EQ(accounts_->session_user(expired->token).status().code(), StatusCode::kNotFound);

  auto t = accounts_->create_api_token("alice");
  ASSERT_TRUE(t);
  EXPECT_TRUE(accounts_->token_user(*t));
  EXPECT_FALSE(accounts_->create_api_token("nobody"));

  ASSERT_TRUE(accounts_->set_tier("alice", Tier::kSvip));
  EXPECT_EQ(accounts_->session_user(s->token)->user.tier, Tier::kSvip);
  ASSERT_TRUE(accounts_->set_disabled("alice", true));
  EXPECT_FALSE(accounts_->session_user(s->token));
  EXPECT_FALSE(accounts_->token_user(*t));
  EXPECT_FALSE(accounts_->authenticate("alice", "password1"));
  ASSERT_TRUE(accounts_->set_disabled("alice", false));
  EXPECT_TRUE(accounts_->token_user(*t));
  EXPECT_TRUE(accounts_->authenticate("alice", "password1"));
  ASSERT_TRUE(accounts_->delete_session(s->token));
}

TEST_F(AccountsTest, QuotaNeverExceededUnderParallelSpending) {
  auto u = accounts_->add_user("vip", "password1", Tier::kVip);
  ASSERT_TRUE(u);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k) {
        auto r = accounts_->spend_download(u->id, "2026-01-01", 37);
        if (r && *r) ++granted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 37);
  EXPECT_EQ(*accounts_->downloads_used(u->id, "2026-01-01"), 37u);
  EXPECT_EQ(*accounts_->downloads_used(u->id, "2026-01-02"), 0u);
  EXPECT_TRUE(*accounts_->spend_download(u->id, "2026-01-02", 37));
}

TEST_F(AccountsTest, QuotaHoldsAcrossTwoConnectionsToTheSameFile) {
  auto u = accounts_->add_user("vip", "password1", Tier::kVip);
  ASSERT_TRUE(u);
  auto other = Accounts::open(dir_ / "accounts.db", fast());
  ASSERT_TRUE(other);
  std::atomic<int> granted{0};
  std::thread a([&] {
    for (int k = 0; k < 30; ++k) granted += (*accounts_->spend_download(u->id, "d", 25)) ? 1 : 0;
  });
  std::thread b([&] {
    for (int k = 0; k < 30; ++k) granted += (*(*other)->spend_download(u->id, "d", 25)) ? 1 : 0;
  });
  a.join();
  b.join();
  EXPECT_EQ(granted.load(), 25);
}

TEST_F(AccountsTest, ReopenKeepsUsersAndSchemaVersion) {
  ASSERT_TRUE(accounts_->add_user("alice", "password1", Tier::kAdmin));
  accounts_.reset();
  auto a = Accounts::open(dir_ / "accounts.db", fast());
  ASSERT_TRUE(a);
  auto users = (*a)->list_users();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].tier, Tier::kAdmin);
}

TEST_F(AccountsTest, EveryFailedLoginRunsExactlyOneVerification) {
  ASSERT_TRUE(accounts_->add_user("alice", "correct horse", Tier::kVip));
  ASSERT_TRUE(accounts_->add_user("mallory", "correct horse", Tier::kVip));
  ASSERT_TRUE(accounts_->set_disabled("mallory", true));
  for (auto [name, password] : {std::pair{"alice", "wrong horse!"}, std::pair{"nobody", "wrong horse!"},
                                std::pair{"mallory", "correct horse"}, std::pair{"alice", "correct horse"}}) {
    const uint64_t before = accounts_->verifications();
    (void)accounts_->authenticate(name, password);
    EXPECT_EQ(accounts_->verifications() - before, 1u) << name;
  }
  // The dummy hash is a real Argon2id string: an unknown name with any password fails.
  EXPECT_EQ(accounts_->authenticate("nobody", "").status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AccountsTest, TierExpiresAfterItsLastDay) {
  auto u = accounts_->add_user("alice", "correct horse", Tier::kFree);
  ASSERT_TRUE(u);
  auto v = accounts_->set_tier("alice", Tier::kVip, "2027-01-01");
  ASSERT_TRUE(v) << v.status().message();
  EXPECT_EQ(v->tier_until, "2027-01-01");
  EXPECT_EQ(effective_tier(*v, "2026-12-31"), Tier::kVip);
  EXPECT_EQ(effective_tier(*v, "2027-01-01"), Tier::kVip);  // the last day counts
  EXPECT_EQ(effective_tier(*v, "2027-01-02"), Tier::kFree);
  EXPECT_EQ(accounts_->authenticate("alice", "correct horse")->tier_until, "2027-01-01");
  auto token = accounts_->create_api_token("alice");
  EXPECT_EQ(accounts_->token_user(*token)->tier_until, "2027-01-01");
  auto forever = accounts_->set_tier("alice", Tier::kVip);
  EXPECT_TRUE(forever->tier_until.empty());
  EXPECT_EQ(effective_tier(*forever, "2999-01-01"), Tier::kVip);
  for (const char* bad : {"2027-02-29", "2027-13-01", "2027-1-01", "20270101", "2027-01-01x", "yesterday"}) {
    EXPECT_EQ(accounts_->set_tier("alice", Tier::kVip, bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(valid_day("2028-02-29"));
}

TEST_F(AccountsTest, SessionsListedAndOthersRevoked) {
  auto u = accounts_->add_user("alice", "correct horse", Tier::kFree);
  auto a = accounts_->create_session(u->id, 3600, "10.0.0.1", "Firefox");
  auto b = accounts_->create_session(u->id, 3600, "10.0.0.2", "Chromium");
  auto keep = accounts_->session_user(a->token);
  ASSERT_TRUE(keep);
  auto list = accounts_->list_sessions(u->id);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(accounts_->delete_other_sessions(u->id, keep->session_id).value(), 1);
  EXPECT_TRUE(accounts_->session_user(a->token));
  EXPECT_FALSE(accounts_->session_user(b->token));
  list = accounts_->list_sessions(u->id);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].ip, "10.0.0.1");
  EXPECT_EQ((*list)[0].user_agent, "Firefox");
}

TEST_F(AccountsTest, InvitationsAreSpentOnceAndOnlyBySuccess) {
  auto codes = accounts_->create_invites(2, 3600);
  ASSERT_TRUE(codes);
  ASSERT_EQ(codes->size(), 2u);
  EXPECT_NE((*codes)[0], (*codes)[1]);
  EXPECT_EQ(accounts_->add_user("x", "long-enough", Tier::kFree, "bogus").status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(accounts_->get_user("x"));
  ASSERT_TRUE(accounts_->add_user("alice", "long-enough", Tier::kFree));
  EXPECT_EQ(accounts_->add_user("alice", "long-enough", Tier::kFree, (*codes)[0]).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(accounts_->add_user("bob", "long-enough", Tier::kFree, (*codes)[0]));  // not spent by the refusal
  EXPECT_EQ(accounts_->add_user("carol", "long-enough", Tier::kFree, (*codes)[0]).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->add_user("carol", "long-enough", Tier::kFree, (*codes)[1]));
  EXPECT_FALSE(accounts_->create_invites(0, 3600));
}

TEST_F(AccountsTest, VersionOneFilesMigrateKeepingUsersAndSessions) {
  accounts_.reset();
  const fs::path old = dir_ / "v1.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
  // The version-1 schema as it shipped.
  const char* v1 =
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,"
      " tier TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);"
      "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE "
      "CASCADE, csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);"
      "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE "
      "CASCADE, created_at INTEGER NOT NULL);"
      "CREATE TABLE downloads (user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, day TEXT NOT NULL,"
      " used INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, day));"
      "INSERT INTO users VALUES (1, 'old', 'x', 'vip', 0, 1);"
      "INSERT INTO sessions VALUES ('h', 1, 'c', 99999999999);"
      "PRAGMA user_version = 1;";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto a = Accounts::open(old, fast());
  ASSERT_TRUE(a) << a.status().message();
  auto u = (*a)->get_user("old");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->tier, Tier::kVip);
  EXPECT_TRUE(u->tier_until.empty());
  EXPECT_EQ((*a)->list_sessions(1)->size(), 1u);
  EXPECT_TRUE((*a)->set_tier("old", Tier::kVip, "2030-01-01"));
  EXPECT_TRUE((*a)->create_invites(1, 60));
}

// What builds before accounts.cc moved onto store/sqlite_db.h created: the
// migration SQL they ran, to the letter (each step with its own BEGIN, version
// bump and COMMIT), and the schema a fresh file had (sqlite_schema, by name).
constexpr const char* kOldStep1 =
    "BEGIN IMMEDIATE;"
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " password_hash TEXT NOT NULL, tier TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, created_at INTEGER NOT NULL);"
    "CREATE TABLE downloads (user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " day TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, day));"
    "PRAGMA user_version = 1;"
    "COMMIT;";
constexpr const char* kOldStep2 =
    "BEGIN IMMEDIATE;"
    "ALTER TABLE users ADD COLUMN tier_until TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE invites (code_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL, used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    " used_at INTEGER);"
    "PRAGMA user_version = 2;"
    "COMMIT;";
constexpr const char* kOldSchema =
    "table api_tokens CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES "
    "users(id) ON DELETE CASCADE, created_at INTEGER NOT NULL)\n"
    "table downloads CREATE TABLE downloads (user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, day "
    "TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, day))\n"
    "table invites CREATE TABLE invites (code_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER "
    "NOT NULL, used_by INTEGER REFERENCES users(id) ON DELETE SET NULL, used_at INTEGER)\n"
    "table sessions CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) "
    "ON DELETE CASCADE, csrf TEXT NOT NULL, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL DEFAULT 0, ip "
    "TEXT NOT NULL DEFAULT '', user_agent TEXT NOT NULL DEFAULT '')\n"
    "index sqlite_autoindex_api_tokens_1 \n"
    "index sqlite_autoindex_downloads_1 \n"
    "index sqlite_autoindex_invites_1 \n"
    "index sqlite_autoindex_sessions_1 \n"
    "index sqlite_autoindex_users_1 \n"
    "table users CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, "
    "tier TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, tier_until TEXT NOT NULL "
    "DEFAULT '')\n";

// `type name sql` of every schema object and the user_version, read with the C API.
std::string schema_of(const fs::path& file, int64_t* version) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  std::string out;
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT type, name, ifnull(sql, '') FROM sqlite_schema ORDER BY name", -1, &s,
                               nullptr),
            SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) {
    for (int i = 0; i < 3; ++i) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(s, i));
      out += i == 2 ? "\n" : " ";
    }
  }
  sqlite3_finalize(s);
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
  *version = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

TEST_F(AccountsTest, FreshFilesHaveTheSchemaOlderBuildsCreated) {
  accounts_.reset();
  int64_t version = 0;
  EXPECT_EQ(schema_of(dir_ / "accounts.db", &version), kOldSchema);
  EXPECT_EQ(version, 2);
  // A version-1 file is migrated to the same schema.
  const fs::path old = dir_ / "v1.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kOldStep1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(Accounts::open(old, fast()));
  EXPECT_EQ(schema_of(old, &version), kOldSchema);
  EXPECT_EQ(version, 2);
}

TEST_F(AccountsTest, VersionTwoFilesOfOlderBuildsOpenWithTheirUsersSessionsAndInvites) {
  accounts_.reset();
  const fs::path old = dir_ / "v2.db";
  char hash[crypto_pwhash_STRBYTES];
  const std::string password = "an old password";
  ASSERT_EQ(crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kOldStep1, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kOldStep2, nullptr, nullptr, nullptr), SQLITE_OK);
  const std::string rows = std::string("INSERT INTO users VALUES (7, 'veteran', '") + hash +
                           "', 'vip', 0, 100, '2099-12-31');"
                           "INSERT INTO downloads VALUES (7, '2024-01-02', 3);";
  ASSERT_EQ(sqlite3_exec(db, rows.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto a = Accounts::open(old, fast());
  ASSERT_TRUE(a) << a.status().message();
  auto u = (*a)->authenticate("veteran", password);
  ASSERT_TRUE(u) << u.status().message();
  EXPECT_EQ(u->id, 7);
  EXPECT_EQ(u->tier, Tier::kVip);
  EXPECT_EQ(u->tier_until, "2099-12-31");
  EXPECT_EQ(u->created_at, 100);
  EXPECT_EQ(*(*a)->downloads_used(7, "2024-01-02"), 3u);
  auto codes = (*a)->create_invites(1, 60);
  ASSERT_TRUE(codes);
  EXPECT_TRUE((*a)->add_user("newcomer", "password1", Tier::kFree, (*codes)[0]));
  a->reset();
  int64_t version = 0;
  EXPECT_EQ(schema_of(old, &version), kOldSchema);
  EXPECT_EQ(version, 2);
}

TEST_F(AccountsTest, NewerFilesAreRefusedAndLeftAlone) {
  accounts_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "accounts.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 3", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto a = Accounts::open(dir_ / "accounts.db", fast());
  ASSERT_FALSE(a);
  EXPECT_EQ(a.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(a.status().message().find("accounts schema version 3 is newer"), std::string::npos) << a.status().message();
  int64_t version = 0;
  EXPECT_EQ(schema_of(dir_ / "accounts.db", &version), kOldSchema);
  EXPECT_EQ(version, 3);
}

// Each migration step re-reads the version under the write lock, so processes
// (here connections) opening one new file at once create it once.
TEST_F(AccountsTest, ConnectionsOpeningOneNewFileAtOnceAllSucceed) {
  accounts_.reset();
  for (int round = 0; round < 5; ++round) {
    const fs::path file = dir_ / ("new" + std::to_string(round) + ".db");
    std::atomic<int> opened{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        auto a = Accounts::open(file, fast());
        EXPECT_TRUE(a) << a.status().message();
        if (a) ++opened;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(opened.load(), 4);
    int64_t version = 0;
    EXPECT_EQ(schema_of(file, &version), kOldSchema);
  }
}

TEST(LoginThrottle, DelaysGrowPerKeyAndSuccessClears) {
  LoginThrottle t({2, 1.0, 8.0});
  const auto t0 = LoginThrottle::Clock::now();
  EXPECT_EQ(t.wait("ip1\nalice", t0), 0);
  t.failure("ip1\nalice", t0);
  EXPECT_EQ(t.wait("ip1\nalice", t0), 0);  // the first failure is free
  t.failure("ip1\nalice", t0);
  EXPECT_EQ(t.wait("ip1\nalice", t0), 1);
  const auto t1 = t0 + std::chrono::seconds(1);
  EXPECT_EQ(t.wait("ip1\nalice", t1), 0);
  t.failure("ip1\nalice", t1);
  EXPECT_EQ(t.wait("ip1\nalice", t1), 2);  // doubled
  const auto t2 = t1 + std::chrono::seconds(2);
  t.failure("ip1\nalice", t2);
  t.failure("ip1\nalice", t2);
  t.failure("ip1\nalice", t2);
  EXPECT_EQ(t.wait("ip1\nalice", t2), 8);  // capped at max
  EXPECT_EQ(t.wait("ip2\nalice", t2), 0);  // the same user from elsewhere: untouched
  EXPECT_EQ(t.wait("ip1\nbob", t2), 0);
  t.success("ip1\nalice");
  EXPECT_EQ(t.wait("ip1\nalice", t2), 0);
}

TEST(LoginThrottle, BoundedMemory) {
  LoginThrottle t({1, 100.0, 100.0}, 50);
  const auto t0 = LoginThrottle::Clock::now();
  for (int i = 0; i < 1000; ++i) t.failure("k" + std::to_string(i), t0);
  t.failure("fresh", t0);
  EXPECT_GE(t.wait("fresh", t0), 1);
}

TEST(RateLimiter, BurstThenRefuseWithRetryAfterThenRefill) {
  RateLimiter rl({2.0, 3.0});
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_EQ(rl.acquire("ip:1", t0), 0);
  EXPECT_EQ(rl.acquire("ip:1", t0), 0);
  EXPECT_EQ(rl.acquire("ip:1", t0), 0);
  const int wait = rl.acquire("ip:1", t0);
  EXPECT_GE(wait, 1);
  EXPECT_EQ(rl.acquire("ip:2", t0), 0);  // keys are independent
  EXPECT_EQ(rl.acquire("ip:1", t0 + std::chrono::milliseconds(600)), 0);  // 1.2 tokens refilled
  EXPECT_GE(rl.acquire("ip:1", t0 + std::chrono::milliseconds(600)), 1);
}

TEST(RateLimiter, BoundedMemory) {
  RateLimiter rl({1.0, 2.0}, 100);
  const auto t0 = RateLimiter::Clock::now();
  size_t most = 0;
  for (int i = 0; i < 1000; ++i) {
    rl.acquire("k" + std::to_string(i), t0);
    most = std::max(most, rl.keys());
  }
  // A thousand keys never held more than max_keys buckets.
  EXPECT_LE(most, 100u);
  EXPECT_EQ(most, 100u);  // and the table did fill up: the bound was what stopped it
  // Pruning drops only buckets that are full again (forgetting them changes
  // nothing); an active key keeps its (empty) bucket.
  const auto later = t0 + std::chrono::seconds(10);
  for (int i = 0; i < 99; ++i) rl.acquire("idle" + std::to_string(i), later);
  EXPECT_EQ(rl.acquire("busy", later), 0);
  EXPECT_EQ(rl.acquire("busy", later), 0);
  EXPECT_GE(rl.acquire("busy", later), 1);
  EXPECT_EQ(rl.keys(), 100u);
  // 1.5 s on, the idle buckets (1 token left) are full again, busy's (empty) is not.
  const auto after = later + std::chrono::milliseconds(1500);
  rl.acquire("fresh", after);  // the table is full: prune drops exactly the full buckets
  EXPECT_EQ(rl.keys(), 2u);    // busy and fresh
  EXPECT_EQ(rl.acquire("busy", after), 0);   // 1.5 tokens: busy kept its bucket,
  EXPECT_GE(rl.acquire("busy", after), 1);   // a new one would have had 2
  EXPECT_EQ(rl.acquire("fresh", after), 0);  // a fresh key is admitted with a full bucket
}

}  // namespace
}  // namespace wenyuan::access

// access::Accounts (users, sessions, tokens, quotas in accounts.db) and
// access::RateLimiter.
#include <gtest/gtest.h>

#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <thread>

#include "wenyuan/access/accounts.h"
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
  for (int i = 0; i < 1000; ++i) rl.acquire("k" + std::to_string(i), t0);
  // Still works, and a fresh key is admitted.
  EXPECT_EQ(rl.acquire("fresh", t0), 0);
}

}  // namespace
}  // namespace wenyuan::access

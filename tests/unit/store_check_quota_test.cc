// The 查重 daily quota kept in DATA/me.db (store::UserData::take_check): a cap
// per caller and UTC day, counted across a reopen (a server restart), a new
// day starts from zero, and callers do not share counts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "wenyuan/store/user_data.h"

namespace wenyuan::store {
namespace {

namespace fs = std::filesystem;

TEST(CheckQuota, SurvivesAReopenAndResetsByDay) {
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_quota_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "me.db").string();
  const int64_t day = 20'000;
  {
    auto data = UserData::open(path);
    ASSERT_TRUE(data) << data.status().message();
    EXPECT_TRUE(*(*data)->take_check("ip:1.2.3.4", day, 3));
    EXPECT_TRUE(*(*data)->take_check("ip:1.2.3.4", day, 3));
    EXPECT_TRUE(*(*data)->take_check("user:li", day, 3));
  }
  auto data = UserData::open(path);  // the restart
  ASSERT_TRUE(data);
  EXPECT_EQ(*(*data)->checks_used("ip:1.2.3.4", day), 2);
  EXPECT_TRUE(*(*data)->take_check("ip:1.2.3.4", day, 3));
  EXPECT_FALSE(*(*data)->take_check("ip:1.2.3.4", day, 3));  // used up
  EXPECT_EQ(*(*data)->checks_used("ip:1.2.3.4", day), 3);    // a refusal spends nothing
  EXPECT_TRUE(*(*data)->take_check("user:li", day, 3));      // another caller's own count
  EXPECT_TRUE(*(*data)->take_check("ip:1.2.3.4", day + 1, 3));  // the next day
  EXPECT_EQ(*(*data)->checks_used("ip:1.2.3.4", day), 0);    // earlier days are dropped
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wenyuan::store

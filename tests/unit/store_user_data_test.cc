// The reader's own data (DATA/me.db): favourites in folders, history with the
// reading position, downloads, and the basket's order kept gapless through
// adds, removals and reorders; users never see each other's rows.
#include <gtest/gtest.h>

#include <filesystem>

#include "wenyuan/store/user_data.h"

namespace wenyuan::store {
namespace {

class UserDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("wenyuan-me-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto d = UserData::open((dir_ / "me.db").string());
    ASSERT_TRUE(d.is_ok()) << d.status().message();
    data_ = std::move(*d);
  }
  void TearDown() override {
    data_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<UserData> data_;
};

TEST_F(UserDataTest, FavouritesInFoldersPerUser) {
  ASSERT_TRUE(data_->add_favorite(1, "a", "", 10).is_ok());
  ASSERT_TRUE(data_->add_favorite(1, "a", "报告", 11).is_ok());
  ASSERT_TRUE(data_->add_favorite(1, "a", "报告", 12).is_ok());  // again: no second row
  ASSERT_TRUE(data_->add_favorite(2, "b", "", 13).is_ok());
  auto f = data_->favorites(1);
  ASSERT_TRUE(f.is_ok());
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].folder, "报告");  // newest first
  EXPECT_EQ((*f)[1].folder, "");
  const std::string folder = "报告";
  ASSERT_TRUE(data_->remove_favorite(1, "a", &folder).is_ok());
  EXPECT_EQ(data_->favorites(1)->size(), 1u);
  ASSERT_TRUE(data_->remove_favorite(1, "a", nullptr).is_ok());
  EXPECT_TRUE(data_->favorites(1)->empty());
  EXPECT_EQ(data_->favorites(2)->size(), 1u);
  EXPECT_FALSE(data_->add_favorite(1, "a", std::string(61, 'x'), 1).is_ok());
}

TEST_F(UserDataTest, HistoryCountsOpeningsAndRemembersThePosition) {
  ASSERT_TRUE(data_->record_view(1, "a", -1, 100).is_ok());
  ASSERT_TRUE(data_->record_view(1, "b", -1, 101).is_ok());
  ASSERT_TRUE(data_->record_view(1, "a", 4321, 102).is_ok());  // reading on in a
  ASSERT_TRUE(data_->record_view(1, "a", -1, 103).is_ok());    // opened again
  auto h = data_->history(1, 10);
  ASSERT_TRUE(h.is_ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].doc_id, "a");
  EXPECT_EQ((*h)[0].views, 2);
  EXPECT_EQ((*h)[0].position, 4321);
  EXPECT_EQ((*h)[0].first_seen, 100);
  EXPECT_EQ((*h)[0].last_seen, 103);
  EXPECT_EQ((*h)[1].doc_id, "b");
  EXPECT_TRUE(data_->history(2, 10)->empty());
  EXPECT_EQ(data_->history(1, 1)->size(), 1u);
  ASSERT_TRUE(data_->clear_history(1).is_ok());
  EXPECT_TRUE(data_->history(1, 10)->empty());
}

TEST_F(UserDataTest, DownloadsNewestFirst) {
  ASSERT_TRUE(data_->record_download(1, "a", "docx", 5).is_ok());
  ASSERT_TRUE(data_->record_download(1, "b", "txt", 6).is_ok());
  auto d = data_->downloads(1, 10);
  ASSERT_TRUE(d.is_ok());
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].doc_id, "b");
  EXPECT_EQ((*d)[0].format, "txt");
  EXPECT_EQ((*d)[1].doc_id, "a");
}

TEST_F(UserDataTest, BasketOrderStaysGaplessThroughChanges) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    auto it = data_->basket_add(1, "d" + std::to_string(i), i * 10, i * 10 + 5, i);
    ASSERT_TRUE(it.is_ok()) << it.status().message();
    EXPECT_EQ(it->position, i);
    ids.push_back(it->id);
  }
  EXPECT_FALSE(data_->basket_add(1, "x", 5, 5, 0).is_ok());
  ASSERT_TRUE(data_->basket_reorder(1, {ids[3], ids[1], ids[0], ids[2]}).is_ok());
  ASSERT_TRUE(data_->basket_remove(1, ids[1]).is_ok());
  auto b = data_->basket(1);
  ASSERT_TRUE(b.is_ok());
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ((*b)[0].doc_id, "d3");
  EXPECT_EQ((*b)[1].doc_id, "d0");
  EXPECT_EQ((*b)[2].doc_id, "d2");
  for (size_t i = 0; i < b->size(); ++i) EXPECT_EQ((*b)[i].position, static_cast<int64_t>(i));
  // A reorder must name every item once; another user's item is not this user's.
  EXPECT_FALSE(data_->basket_reorder(1, {ids[3], ids[0]}).is_ok());
  EXPECT_FALSE(data_->basket_reorder(1, {ids[3], ids[0], ids[0]}).is_ok());
  EXPECT_FALSE(data_->basket_remove(2, ids[0]).is_ok());
  ASSERT_TRUE(data_->basket_clear(1).is_ok());
  EXPECT_TRUE(data_->basket(1)->empty());
}

TEST_F(UserDataTest, SurvivesReopening) {
  ASSERT_TRUE(data_->add_favorite(7, "a", "", 1).is_ok());
  data_.reset();
  auto d = UserData::open((dir_ / "me.db").string());
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ((*d)->favorites(7)->size(), 1u);
}

}  // namespace
}  // namespace wenyuan::store

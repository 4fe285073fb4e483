// watch::Watcher's decisions, each against a real folder, real inotify and a
// real Library: temporary names ignored, a file imported only once complete
// (closed, renamed in, or stable), deletes remove, a changed file replaces its
// ids, rejected files listed and retried after a change, category from the
// folder, and a restart that settles what happened while it was down.
// Waits are "until the condition holds or 20 s pass"; nothing asserts a time.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "wenyuan/library/library.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/watch/file_filter.h"
#include "wenyuan/watch/watch_state.h"
#include "wenyuan/watch/watcher.h"

namespace fs = std::filesystem;
using namespace wenyuan;
using watch::FileKind;

namespace {

// A short notice whose text holds a phrase no other `n` has.
std::string notice(int n, const std::string& tag = "") {
  const std::string k = std::to_string(n);
  return "关于做好第" + k + "批" + tag + "重点项目建设工作的通知\n各区人民政府：\n为加快推进第" + k + "批" + tag +
         "重点项目建设，现就有关事项通知如下。\n一、各区要在本月底前完成前期工作。\n某市人民政府办公室\n";
}

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

template <typename Pred>
bool eventually(Pred pred, double seconds = 20) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wenyuan_watch_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(folder());
    auto lib = library::Library::open(dir_ / "data");
    ASSERT_TRUE(lib) << lib.status().message();
    lib_ = std::move(lib.value());
    options_.folders = {folder()};
    options_.stable_seconds = 0.3;
    options_.rescan_seconds = 0;
  }
  void TearDown() override {
    watcher_.reset();
    lib_.reset();
    fs::remove_all(dir_);
  }

  fs::path folder() const { return dir_ / "网盘"; }

  std::unique_ptr<watch::Watcher> make() {
    auto w = watch::Watcher::create(dir_ / "data" / "watch.db", options_,
                                    [this](const std::function<void(library::Library&)>& work) {
                                      std::lock_guard l(mu_);
                                      work(*lib_);
                                    });
    EXPECT_TRUE(w) << w.status().message();
    return w ? std::move(w.value()) : nullptr;
  }
  void start() {
    watcher_ = make();
    ASSERT_TRUE(watcher_);
    ASSERT_TRUE(watcher_->start());
  }

  uint64_t documents() {
    std::lock_guard l(mu_);
    return *lib_->catalog().count({});
  }
  // Ids of documents whose text holds `phrase`.
  std::vector<std::string> found(const std::string& phrase) {
    auto ids = lib_->engine().matching_ids("\"" + phrase + "\"");
    return ids ? *ids : std::vector<std::string>{};
  }
  std::vector<store::DocumentSummary> list() {
    std::lock_guard l(mu_);
    return *lib_->catalog().list({});
  }
  std::vector<watch::FileRecord> rejected() { return *watch::read_rejected(dir_ / "data" / "watch.db"); }

  fs::path dir_;
  std::mutex mu_;
  std::unique_ptr<library::Library> lib_;
  watch::WatchOptions options_;
  std::unique_ptr<watch::Watcher> watcher_;
};

TEST(WatchFileFilter, TemporaryNamesOfSyncClientsAreIgnored) {
  for (const char* name : {".a.txt", "~$总结.docx", "a.txt.tmp", "a.TMP", "b.txt.partial", "c.crdownload",
                           "d.txt.part", "e.download", ".~lock.x.docx#", "README.md", "LICENSE.txt"}) {
    EXPECT_EQ(watch::classify(name), FileKind::kIgnored) << name;
  }
  for (const char* name : {"总结.txt", "a.md", "b.DOCX", "c.html", "d.jsonl", "e.pdf", "part1.txt", "tmp.txt"}) {
    EXPECT_EQ(watch::classify(name), FileKind::kCandidate) << name;
  }
  EXPECT_EQ(watch::classify("photo.png"), FileKind::kNotImportable);
  EXPECT_EQ(watch::classify("setup.exe"), FileKind::kNotImportable);
  // Office formats and archives of material are imported (issue 12; doc/import.h).
  for (const char* name : {"通知.doc", "报表.et", "材料.zip", "corpus.jsonl.xz"}) {
    EXPECT_EQ(watch::classify(name), FileKind::kCandidate) << name;
  }
  EXPECT_TRUE(watch::is_ignored_folder(".sync"));
  EXPECT_FALSE(watch::is_ignored_folder("党建"));
}

TEST_F(WatcherTest, RenamedInFromAHiddenTempNameIsImportedOnceAndTempFilesNever) {
  start();
  write(folder() / ".sync-1234.txt", notice(1));  // a sync client's temporary
  write(folder() / "下载中.txt.crdownload", notice(2));
  ASSERT_TRUE(eventually([&] { return watcher_->counters().rescans >= 1; }));
  fs::rename(folder() / ".sync-1234.txt", folder() / "通知.txt");
  ASSERT_TRUE(eventually([&] { return found("加快推进第1批重点项目").size() == 1; }));
  write(folder() / "marker.txt", notice(3));  // everything before it has been handled once it is in
  ASSERT_TRUE(eventually([&] { return found("加快推进第3批重点项目").size() == 1; }));
  EXPECT_TRUE(found("加快推进第2批重点项目").empty());
  EXPECT_EQ(documents(), 2u);
}

TEST_F(WatcherTest, AFileBeingWrittenIsImportedWhenClosedWithItsWholeText) {
  options_.stable_seconds = 5;  // only the close may make it complete here
  start();
  ASSERT_TRUE(eventually([&] { return watcher_->counters().rescans >= 1; }));
  const std::string text = notice(4) + "二、第二段落补充说明事项。\n三、末尾段落独有文字。\n";
  const int fd = ::open((folder() / "slow.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  for (size_t at = 0; at < text.size(); at += 64) {
    const size_t n = std::min<size_t>(64, text.size() - at);
    ASSERT_EQ(::write(fd, text.data() + at, n), static_cast<ssize_t>(n));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_EQ(documents(), 0u) << "imported while still open for writing";
  ::close(fd);
  ASSERT_TRUE(eventually([&] { return documents() == 1; }));
  EXPECT_EQ(found("末尾段落独有文字").size(), 1u);
}

TEST_F(WatcherTest, AFileLeftOpenIsImportedOnceStable) {
  start();
  ASSERT_TRUE(eventually([&] { return watcher_->counters().rescans >= 1; }));
  const std::string text = notice(5);
  const int fd = ::open((folder() / "open.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  // No close, no rename: only stability can make it complete.
  const bool imported = eventually([&] { return found("加快推进第5批重点项目").size() == 1; });
  ::close(fd);
  EXPECT_TRUE(imported);
}

TEST_F(WatcherTest, DeletedFileRemovesItsDocumentsUnlessKept) {
  start();
  write(folder() / "a.txt", notice(6));
  write(folder() / "b.txt", notice(7));
  ASSERT_TRUE(eventually([&] { return documents() == 2; }));
  fs::remove(folder() / "a.txt");
  ASSERT_TRUE(eventually([&] { return documents() == 1; }));
  EXPECT_TRUE(found("加快推进第6批重点项目").empty());
  watcher_.reset();

  options_.remove_on_delete = false;
  start();
  fs::remove(folder() / "b.txt");
  write(folder() / "marker.txt", notice(8));
  ASSERT_TRUE(eventually([&] { return found("加快推进第8批重点项目").size() == 1; }));
  EXPECT_EQ(found("加快推进第7批重点项目").size(), 1u) << "on_delete = keep";
}

TEST_F(WatcherTest, TwoFilesWithTheSameTextShareADocumentThatOutlivesOneOfThem) {
  start();
  write(folder() / "a.txt", notice(9));
  write(folder() / "copy.txt", notice(9));
  ASSERT_TRUE(eventually([&] { return watcher_->counters().unchanged + watcher_->counters().imported >= 2; }));
  EXPECT_EQ(documents(), 1u);
  fs::remove(folder() / "a.txt");
  write(folder() / "marker.txt", notice(10));
  ASSERT_TRUE(eventually([&] { return found("加快推进第10批重点项目").size() == 1; }));
  EXPECT_EQ(found("加快推进第9批重点项目").size(), 1u);
}

TEST_F(WatcherTest, ChangedFileReplacesItsIds) {
  start();
  write(folder() / "a.txt", notice(11));
  ASSERT_TRUE(eventually([&] { return found("加快推进第11批重点项目").size() == 1; }));
  const std::string old_id = found("加快推进第11批重点项目")[0];
  write(folder() / "a.txt", notice(12));
  ASSERT_TRUE(eventually([&] { return found("加快推进第12批重点项目").size() == 1; }));
  ASSERT_TRUE(eventually([&] { return found("加快推进第11批重点项目").empty(); }));
  EXPECT_EQ(documents(), 1u);
  EXPECT_NE(found("加快推进第12批重点项目")[0], old_id);
}

TEST_F(WatcherTest, RejectedFileIsListedWithItsReasonAndRetriedAfterAChange) {
  start();
  write(folder() / "子目录" / "empty.txt", "");
  write(folder() / "garbage.txt", std::string("\x00\x01\x02\xff binary", 12));
  write(folder() / "photo.png", "not material");
  ASSERT_TRUE(eventually([&] { return rejected().size() == 2; }));
  const auto r = rejected();
  for (const auto& f : r) {
    EXPECT_TRUE(f.path == "子目录/empty.txt" || f.path == "garbage.txt") << f.path;
    EXPECT_FALSE(f.reason.empty());
    EXPECT_EQ(f.reason.find(dir_.string()), std::string::npos) << "absolute path in the reason: " << f.reason;
    EXPECT_EQ(f.ids.size(), 0u);
  }
  EXPECT_EQ(documents(), 0u);
  write(folder() / "子目录" / "empty.txt", notice(13));
  ASSERT_TRUE(eventually([&] { return found("加快推进第13批重点项目").size() == 1; }));
  ASSERT_TRUE(eventually([&] { return rejected().size() == 1; }));
  EXPECT_EQ(rejected()[0].path, "garbage.txt");
}

TEST_F(WatcherTest, FolderBecomesTheCategoryUnlessTurnedOff) {
  start();
  write(folder() / "党建" / "工作总结" / "2024" / "a.txt", notice(14));
  write(folder() / "root.txt", notice(15));
  ASSERT_TRUE(eventually([&] { return documents() == 2; }));
  for (const auto& d : list()) {
    EXPECT_EQ(d.category, d.title.find("第14批") != std::string::npos ? "党建/工作总结/2024" : "") << d.title;
  }
  watcher_.reset();
  options_.folder_category = false;
  start();
  write(folder() / "党建" / "b.txt", notice(16));
  ASSERT_TRUE(eventually([&] { return documents() == 3; }));
  for (const auto& d : list()) {
    if (d.title.find("第16批") != std::string::npos) {
      EXPECT_EQ(d.category, "");
    }
  }
}

TEST_F(WatcherTest, RestartSettlesWhatHappenedWhileItWasDown) {
  start();
  write(folder() / "kept.txt", notice(17));
  write(folder() / "deleted.txt", notice(18));
  write(folder() / "changed.txt", notice(19));
  ASSERT_TRUE(eventually([&] { return documents() == 3; }));
  watcher_.reset();  // down
  fs::remove(folder() / "deleted.txt");
  write(folder() / "changed.txt", notice(20));
  write(folder() / "新" / "arrived.txt", notice(21));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(documents(), 3u) << "nothing watches while it is down";
  start();
  ASSERT_TRUE(eventually([&] { return found("加快推进第21批重点项目").size() == 1; }));
  ASSERT_TRUE(eventually([&] { return documents() == 3; }));
  EXPECT_EQ(found("加快推进第17批重点项目").size(), 1u);
  EXPECT_TRUE(found("加快推进第18批重点项目").empty());
  EXPECT_TRUE(found("加快推进第19批重点项目").empty());
  EXPECT_EQ(found("加快推进第20批重点项目").size(), 1u);
}

TEST_F(WatcherTest, FolderCreatedAndMovedInAndAwayIsFollowed) {
  start();
  ASSERT_TRUE(eventually([&] { return watcher_->counters().rescans >= 1; }));
  write(folder() / "新建" / "深" / "a.txt", notice(22));  // mkdir -p, then the file
  ASSERT_TRUE(eventually([&] { return found("加快推进第22批重点项目").size() == 1; }));
  write(dir_ / "outside" / "b.txt", notice(23));
  fs::rename(dir_ / "outside", folder() / "搬入");
  ASSERT_TRUE(eventually([&] { return found("加快推进第23批重点项目").size() == 1; }));
  fs::rename(folder() / "新建", dir_ / "moved-away");
  ASSERT_TRUE(eventually([&] { return found("加快推进第22批重点项目").empty(); }));
  EXPECT_EQ(documents(), 1u);
}

TEST_F(WatcherTest, RunOnceImportsRemovesAndReportsSkipped) {
  write(folder() / "a.txt", notice(24));
  write(folder() / "x.png", "picture");
  write(folder() / ".hidden.txt", notice(25));
  auto w = make();
  ASSERT_TRUE(w);
  auto r = w->run_once();
  EXPECT_EQ(r.counters.imported, 1u);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].path, "x.png");
  EXPECT_EQ(r.skipped[0].reason, "not an importable format");
  EXPECT_EQ(documents(), 1u);
  fs::remove(folder() / "a.txt");
  auto again = make();
  EXPECT_EQ(again->run_once().counters.removed, 1u);
  EXPECT_EQ(documents(), 0u);
}

}  // namespace

// store::IntakeLog: runs are recorded with their counts and rejects, grouped by
// local day, survive a reopen, totals only grow, first_seen is written once and
// seeded from the catalog of a library that existed before the log; and
// split_reject tells the path of a reject from its reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "wenyuan/doc/document.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/intake_log.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::store {
namespace {

namespace fs = std::filesystem;

class IntakeLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A fixed zone with no summer time, so "days" are known in the test.
    ::setenv("TZ", "Asia/Shanghai", 1);
    ::tzset();
    dir_ = fs::temp_directory_path() / ("wenyuan_intake_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// 2026-12-01 10:00 in Shanghai (UTC+8) is 02:00 UTC.
constexpr int64_t kDec1Morning = 1796090400;

IntakeRun run_at(int64_t t, const std::string& origin, uint64_t imported, uint64_t updated, uint64_t unchanged,
                 std::vector<IntakeReject> rejects, double seconds = 1.5) {
  IntakeRun r;
  r.started_at = t;
  r.origin = origin;
  r.imported = imported;
  r.updated = updated;
  r.unchanged = unchanged;
  r.rejected = rejects.size();
  r.bytes = 1000 * (imported + updated + unchanged);
  r.seconds = seconds;
  r.rejects = std::move(rejects);
  return r;
}

TEST_F(IntakeLogTest, LocalCalendarFollowsTheServerTimeZone) {
  EXPECT_EQ(local_date(kDec1Morning), "2026-12-01");
  EXPECT_EQ(local_date(kDec1Morning - 11 * 3600), "2026-11-30");  // 23:00 the day before
  EXPECT_EQ(local_utc_offset(kDec1Morning), "+08:00");
  EXPECT_EQ(local_day_start(kDec1Morning, 0), kDec1Morning - 10 * 3600);
  EXPECT_EQ(local_day_start(kDec1Morning, 1), kDec1Morning - 10 * 3600 - 86400);
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(local_utc_offset(kDec1Morning), "+00:00");
  EXPECT_EQ(local_day_start(kDec1Morning, 0), kDec1Morning - 2 * 3600);
}

TEST_F(IntakeLogTest, RecordsRunsByDayWithRejectsAndSurvivesReopen) {
  const fs::path file = dir_ / "intake.db";
  {
    auto log = IntakeLog::open(file);
    ASSERT_TRUE(log) << log.status().message();
    ASSERT_TRUE((*log)->record(run_at(kDec1Morning - 86400, "cli", 5, 0, 0, {}), {"a", "b"}));
    ASSERT_TRUE((*log)->record(run_at(kDec1Morning, "cli", 3, 1, 2, {{"in/bad.pdf", "not a PDF"}}, 0.2), {"c"}));
    ASSERT_TRUE((*log)->record(
        run_at(kDec1Morning + 3600, "upload", 1, 0, 0, {{"x.jsonl:3", "no text"}, {"", "import stopped"}}, 40),
        {"d"}));
  }
  auto log = IntakeLog::open(file);
  ASSERT_TRUE(log) << log.status().message();
  auto days = (*log)->days_since(kDec1Morning - 2 * 86400);
  ASSERT_TRUE(days) << days.status().message();
  ASSERT_EQ(days->size(), 2u);
  const IntakeDay& today = (*days)[0];
  EXPECT_EQ(today.date, "2026-12-01");
  EXPECT_EQ(today.runs, 2u);
  EXPECT_EQ(today.imported, 4u);
  EXPECT_EQ(today.updated, 1u);
  EXPECT_EQ(today.unchanged, 2u);
  EXPECT_EQ(today.rejected, 3u);
  EXPECT_DOUBLE_EQ(today.seconds, 40.2);
  ASSERT_EQ(today.run_list.size(), 2u);
  EXPECT_EQ(today.run_list[0].origin, "upload");  // newest first
  ASSERT_EQ(today.run_list[0].rejects.size(), 2u);
  EXPECT_EQ(today.run_list[0].rejects[0].file, "x.jsonl:3");
  EXPECT_EQ(today.run_list[0].rejects[0].reason, "no text");
  EXPECT_EQ(today.run_list[0].rejects[1].file, "");
  ASSERT_EQ(today.run_list[1].rejects.size(), 1u);
  EXPECT_EQ(today.run_list[1].rejects[0].file, "in/bad.pdf");
  EXPECT_EQ(today.run_list[1].rejects[0].reason, "not a PDF");
  EXPECT_EQ((*days)[1].date, "2026-11-30");
  EXPECT_EQ((*days)[1].imported, 5u);
  // A window that starts today leaves yesterday out.
  auto only_today = (*log)->days_since(local_day_start(kDec1Morning, 0));
  ASSERT_TRUE(only_today);
  ASSERT_EQ(only_today->size(), 1u);
  EXPECT_EQ((*only_today)[0].date, "2026-12-01");

  auto t = (*log)->totals();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->runs, 3u);
  EXPECT_EQ(t->imported, 9u);
  EXPECT_EQ(t->updated, 1u);
  EXPECT_EQ(t->unchanged, 2u);
  EXPECT_EQ(t->rejected, 3u);
  EXPECT_DOUBLE_EQ(t->seconds, 41.7);
  ASSERT_EQ(t->duration_buckets.size(), std::size(IntakeLog::kDurationBuckets));
  for (const auto& [le, n] : t->duration_buckets) {
    const uint64_t expect = (0.2 <= le) + (1.5 <= le) + (40 <= le);
    EXPECT_EQ(n, expect) << "le " << le;
  }
}

TEST_F(IntakeLogTest, KeepsAtMostTheRejectCapAndCountsTheRest) {
  auto log = IntakeLog::open(dir_ / "intake.db");
  ASSERT_TRUE(log);
  std::vector<IntakeReject> many;
  for (size_t i = 0; i < IntakeLog::kMaxRejectsPerRun + 7; ++i) many.push_back({"f" + std::to_string(i), "bad"});
  ASSERT_TRUE((*log)->record(run_at(kDec1Morning, "watch", 0, 0, 0, many), {}));
  auto days = (*log)->days_since(0);
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  const IntakeRun& r = (*days)[0].run_list[0];
  EXPECT_EQ(r.rejected, IntakeLog::kMaxRejectsPerRun + 7);
  EXPECT_EQ(r.rejects.size(), IntakeLog::kMaxRejectsPerRun);
  EXPECT_EQ(r.rejects_dropped, 7u);
}

TEST_F(IntakeLogTest, PrunesOldRunsButTotalsOnlyGrow) {
  auto log = IntakeLog::open(dir_ / "intake.db");
  ASSERT_TRUE(log);
  const int64_t long_ago = kDec1Morning - (IntakeLog::kRetentionDays + 5) * 86400;
  ASSERT_TRUE((*log)->record(run_at(long_ago, "cli", 10, 0, 0, {{"old.txt", "bad"}}), {}));
  ASSERT_TRUE((*log)->record(run_at(kDec1Morning, "cli", 1, 0, 0, {}), {}));
  auto days = (*log)->days_since(0);
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].date, "2026-12-01");
  auto t = (*log)->totals();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->imported, 11u);
  EXPECT_EQ(t->runs, 2u);
}

TEST_F(IntakeLogTest, FirstSeenIsWrittenOnceAndSeededFromAnOlderCatalog) {
  auto cat = Catalog::open(dir_ / "catalog.db");
  ASSERT_TRUE(cat) << cat.status().message();
  doc::Document d;
  d.id = "old-doc";
  d.title = "旧文档";
  d.text = "旧文档的正文。";
  d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
  d.content_hash = "h1";
  d.regions = {{doc::RegionKind::kPreview, 0, d.text_chars}};
  d.imported_at = kDec1Morning - 30 * 86400;
  auto put = (*cat)->put(d);
  ASSERT_TRUE(put) << put.status().message();

  auto log = IntakeLog::open(dir_ / "intake.db", cat->get());
  ASSERT_TRUE(log) << log.status().message();
  ASSERT_TRUE((*log)->record(run_at(kDec1Morning, "cli", 1, 1, 0, {}, 2), {"new-doc", "old-doc"}));
  ASSERT_TRUE((*log)->record(run_at(kDec1Morning + 86400, "cli", 0, 1, 0, {}), {"new-doc"}));
  auto seen = (*log)->first_seen({"old-doc", "new-doc", "never"});
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->size(), 2u);
  EXPECT_EQ(seen->at("old-doc"), kDec1Morning - 30 * 86400);  // from the catalog, not the later update
  EXPECT_EQ(seen->at("new-doc"), kDec1Morning + 2);           // the end of its first run
  EXPECT_EQ(seen->count("never"), 0u);

  // Reopening an existing log does not seed again (nor fail).
  log->reset();
  auto again = IntakeLog::open(dir_ / "intake.db", cat->get());
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_EQ((*again)->first_seen({"new-doc"})->at("new-doc"), kDec1Morning + 2);
}

TEST_F(IntakeLogTest, ANonDatabaseFileIsAnErrorNamingIt) {
  const fs::path file = dir_ / "intake.db";
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not a database, it is a text file of some length........................", f);
    std::fclose(f);
  }
  auto log = IntakeLog::open(file);
  ASSERT_FALSE(log);
  EXPECT_NE(log.status().message().find(file.string()), std::string::npos) << log.status().message();
}

TEST(SplitReject, PathReasonAndJsonlLine) {
  const std::vector<std::string> inputs = {"data", "data/a.txt", "data/sub/b.jsonl"};
  auto a = split_reject("data/a.txt: unsupported encoding", inputs);
  EXPECT_EQ(a.file, "data/a.txt");
  EXPECT_EQ(a.reason, "unsupported encoding");
  auto b = split_reject("data/sub/b.jsonl:12: \"title\" must be a string", inputs);
  EXPECT_EQ(b.file, "data/sub/b.jsonl:12");
  EXPECT_EQ(b.reason, "\"title\" must be a string");
  auto c = split_reject("import stopped: disk full", inputs);
  EXPECT_EQ(c.file, "");
  EXPECT_EQ(c.reason, "import stopped: disk full");
  auto d = split_reject("data: no such file or folder", inputs);
  EXPECT_EQ(d.file, "data");
  EXPECT_EQ(d.reason, "no such file or folder");
}

}  // namespace
}  // namespace wenyuan::store

// The per-query cost budget (SearchRequest::deadline, issue 14): a search past
// its deadline stops with kTooLarge "time budget" in both units, and a deadline
// not reached changes nothing. Deadlines are set in the past or far ahead, so
// the outcome never depends on how fast the machine is.
#include <gtest/gtest.h>

#include <chrono>

#include "support/search_oracle.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::search {
namespace {

class BudgetIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    auto idx = index::Index::open(std::make_shared<index::MemDirectory>());
    ASSERT_TRUE(idx.is_ok());
    index_ = std::move(*idx);
    size_t n = 0;
    oracle::for_each_line(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl", [&](const std::string& l) {
      if (auto d = oracle::doc_from_json(l, "s" + std::to_string(n))) {
        ++n;
        doc::Document x = oracle::to_document(*d);
        x.paragraphs = oracle::line_paragraphs(x.text);
        ASSERT_TRUE(index_->add(x).is_ok());
      }
    });
    ASSERT_GT(n, 10u);
    ASSERT_TRUE(index_->commit(1).is_ok());
  }
  std::unique_ptr<index::Index> index_;
};

TEST_F(BudgetIndex, PastDeadlineStopsBothUnitsWithTheBudgetError) {
  Engine e(*index_);
  for (auto unit : {SearchRequest::Unit::kDocument, SearchRequest::Unit::kParagraph}) {
    SearchRequest r;
    r.query = "通知 | 规定 | 办法 | 意见";
    r.unit = unit;
    auto free = e.search(r);
    ASSERT_TRUE(free.is_ok()) << free.status().message();
    ASSERT_GT(free->total, 0u);  // the query does work, so the budget has something to stop

    r.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
    auto stopped = e.search(r);
    ASSERT_FALSE(stopped.is_ok());
    EXPECT_EQ(stopped.status().code(), StatusCode::kTooLarge);
    EXPECT_NE(stopped.status().message().find("time budget"), std::string::npos) << stopped.status().message();

    r.deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
    auto in_time = e.search(r);
    ASSERT_TRUE(in_time.is_ok());
    EXPECT_EQ(in_time->total, free->total);
    ASSERT_EQ(in_time->hits.size(), free->hits.size());
    for (size_t i = 0; i < free->hits.size(); ++i) EXPECT_EQ(in_time->hits[i].id, free->hits[i].id);
  }
}

}  // namespace
}  // namespace wenyuan::search

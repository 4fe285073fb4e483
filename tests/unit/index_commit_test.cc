// Commit protocol: durability across reopen, deletes and updates, orphan
// cleanup, optimize, and crash safety — a crash, short write or full disk at
// EVERY step of a commit (and of a merge) leaves the last committed state
// intact and openable.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <thread>
#include <unistd.h>

#include "wenyuan/index/index.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {
namespace {

IndexDoc make_doc(const std::string& id, const std::string& text, const std::string& title = "") {
  IndexDoc d;
  d.id = id;
  d.title = title.empty() ? "关于" + id + "的通知" : title;
  d.text = text;
  d.text_chars = static_cast<uint32_t>(text::count_code_points(text));
  return d;
}

// The observable state: live ids (with one gram check each) and catalog_seq.
struct State {
  std::set<std::string> ids;
  uint64_t seq = 0;
  bool operator==(const State& o) const { return ids == o.ids && seq == o.seq; }
};

State state_of(const Index& idx) {
  State s;
  auto snap = idx.snapshot();
  s.seq = snap->catalog_seq();
  for (const auto& p : snap->parts())
    for (uint32_t d = 0; d < p.segment->doc_count(); ++d)
      if (!p.is_deleted(d)) s.ids.insert(std::string(p.segment->doc(d).id));
  return s;
}

std::string describe(const State& s) {
  std::string r = "seq=" + std::to_string(s.seq) + " ids=";
  for (const auto& i : s.ids) r += i + ",";
  return r;
}

TEST(IndexCommitTest, CommitIsDurableAndPendingIsNot) {
  auto dir = std::make_shared<MemDirectory>();
  {
    auto idx = Index::open(dir);
    ASSERT_TRUE(idx.is_ok());
    ASSERT_TRUE((*idx)->add(make_doc("a", "第一条 为了规范公文处理工作。")).is_ok());
    ASSERT_TRUE((*idx)->add(make_doc("b", "第二条 本条例适用于各级党政机关。")).is_ok());
    EXPECT_EQ((*idx)->snapshot()->doc_count(), 0u);  // not visible before commit
    ASSERT_TRUE((*idx)->commit(7).is_ok());
    EXPECT_EQ((*idx)->snapshot()->doc_count(), 2u);
    ASSERT_TRUE((*idx)->add(make_doc("c", "never committed")).is_ok());
  }
  dir->crash();
  auto idx = Index::open(dir);
  ASSERT_TRUE(idx.is_ok()) << idx.status().message();
  EXPECT_EQ(state_of(**idx), (State{{"a", "b"}, 7}));
  EXPECT_EQ((*idx)->catalog_seq(), 7u);
}

TEST(IndexCommitTest, RemoveUpdateAndNotFound) {
  auto dir = std::make_shared<MemDirectory>();
  auto idx = Index::open(dir);
  ASSERT_TRUE(idx.is_ok());
  Index& x = **idx;
  ASSERT_TRUE(x.add(make_doc("a", "甲甲甲")).is_ok());
  ASSERT_TRUE(x.add(make_doc("b", "乙乙乙")).is_ok());
  ASSERT_TRUE(x.commit(1).is_ok());
  EXPECT_EQ(x.remove("zzz").code(), StatusCode::kNotFound);
  ASSERT_TRUE(x.remove("a").is_ok());
  EXPECT_EQ(x.remove("a").code(), StatusCode::kNotFound);  // already pending removal
  ASSERT_TRUE(x.add(make_doc("b", "丙丙丙")).is_ok());     // update
  ASSERT_TRUE(x.add(make_doc("p", "pending")).is_ok());
  ASSERT_TRUE(x.remove("p").is_ok());                       // pending only
  ASSERT_TRUE(x.commit(2).is_ok());
  EXPECT_EQ(state_of(x), (State{{"b"}, 2}));
  auto snap = x.snapshot();
  uint64_t df_old = 0, df_new = 0;
  for (const auto& p : snap->parts()) {
    PostingCursor c1(p.segment->gram(bigram_key(U'乙', U'乙')));
    for (; !c1.done(); c1.next()) df_old += !p.is_deleted(c1.doc());
    PostingCursor c2(p.segment->gram(bigram_key(U'丙', U'丙')));
    for (; !c2.done(); c2.next()) df_new += !p.is_deleted(c2.doc());
  }
  EXPECT_EQ(df_old, 0u);  // the old version of b is tombstoned
  EXPECT_EQ(df_new, 1u);
  IndexStats st = x.stats();
  EXPECT_EQ(st.docs, 1u);
  EXPECT_EQ(st.deleted_docs, 2u);
  EXPECT_EQ(st.segments, 2u);
  ASSERT_TRUE(x.optimize().is_ok());
  st = x.stats();
  EXPECT_EQ(st.segments, 1u);
  EXPECT_EQ(st.deleted_docs, 0u);
  EXPECT_EQ(state_of(x), (State{{"b"}, 2}));
  // The merged-away segment files are gone.
  auto names = dir->list();
  ASSERT_TRUE(names.is_ok());
  EXPECT_EQ(names->size(), 2u);  // MANIFEST + one segment
}

TEST(IndexCommitTest, OpenRemovesOrphans) {
  auto dir = std::make_shared<MemDirectory>();
  {
    auto idx = Index::open(dir);
    ASSERT_TRUE((*idx)->add(make_doc("a", "内容")).is_ok());
    ASSERT_TRUE((*idx)->commit(1).is_ok());
  }
  for (const char* junk : {"seg-000099.wys", "MANIFEST.tmp"}) {
    auto f = dir->create(junk);
    ASSERT_TRUE((*f)->append("garbage").is_ok());
  }
  ASSERT_TRUE(dir->create("unrelated.txt").is_ok());
  auto idx = Index::open(dir);
  ASSERT_TRUE(idx.is_ok()) << idx.status().message();
  EXPECT_FALSE(dir->exists("seg-000099.wys"));
  EXPECT_FALSE(dir->exists("MANIFEST.tmp"));
  EXPECT_TRUE(dir->exists("unrelated.txt"));  // not ours: left alone
  EXPECT_EQ(state_of(**idx), (State{{"a"}, 1}));
}

TEST(IndexCommitTest, DamagedManifestIsAnErrorNotAnEmptyIndex) {
  auto dir = std::make_shared<MemDirectory>();
  {
    auto idx = Index::open(dir);
    ASSERT_TRUE((*idx)->add(make_doc("a", "内容")).is_ok());
    ASSERT_TRUE((*idx)->commit(1).is_ok());
  }
  auto m = dir->read(kManifestName);
  std::string bytes((*m)->view());
  bytes[10] ^= 1;
  auto f = dir->create(kManifestName);
  ASSERT_TRUE((*f)->append(bytes).is_ok());
  auto idx = Index::open(dir);
  ASSERT_FALSE(idx.is_ok());
  EXPECT_EQ(idx.status().code(), StatusCode::kCorruption);
}

// Base state: 3 docs at seq 1. The change: add 2 docs (one of which replaces
// an old one), remove one, commit at seq 2. Returns the states before/after.
void base_state(Index& x) {
  ASSERT_TRUE(x.add(make_doc("a", "第一章 总则 第一条 为了规范公文处理工作")).is_ok());
  ASSERT_TRUE(x.add(make_doc("b", "第二条 本条例适用于各级党政机关")).is_ok());
  ASSERT_TRUE(x.add(make_doc("c", "第三条 公文是党政机关实施领导的文书")).is_ok());
  ASSERT_TRUE(x.commit(1).is_ok());
}
Status change(Index& x) {
  WENYUAN_RETURN_IF_ERROR(x.add(make_doc("b", "第二条 修改后的条文内容")));
  WENYUAN_RETURN_IF_ERROR(x.add(make_doc("d", "第四条 新增加的条文，包括\U00020000字")));
  WENYUAN_RETURN_IF_ERROR(x.remove("c"));
  return x.commit(2);
}

void crash_every_step(FaultInjectionDirectory::Fault fault, bool merge) {
  const State before{{"a", "b", "c"}, 1};
  const State after = merge ? State{{"a", "b", "c"}, 1} : State{{"a", "b", "d"}, 2};
  // Count the steps of an undisturbed run.
  uint64_t total = 0;
  {
    auto mem = std::make_shared<MemDirectory>();
    auto fi = std::make_shared<FaultInjectionDirectory>(mem);
    auto idx = Index::open(fi, IndexOptions{.segment_chars = 20, .build_threads = 2});
    ASSERT_TRUE(idx.is_ok());
    base_state(**idx);
    if (merge) {
      ASSERT_TRUE((*idx)->remove("b").is_ok() && (*idx)->commit(1).is_ok());
    }
    fi->arm(FaultInjectionDirectory::Fault::kNone, 0);
    ASSERT_TRUE((merge ? (*idx)->optimize() : change(**idx)).is_ok());
    total = fi->steps();
  }
  ASSERT_GT(total, 5u);
  std::printf("fault %d merge %d: %llu steps\n", static_cast<int>(fault), merge ? 1 : 0, static_cast<unsigned long long>(total));
  const State merged_before{{"a", "c"}, 1};
  for (uint64_t k = 0; k <= total; ++k) {
    SCOPED_TRACE("step " + std::to_string(k) + " of " + std::to_string(total));
    auto mem = std::make_shared<MemDirectory>();
    auto fi = std::make_shared<FaultInjectionDirectory>(mem);
    // segment_chars = 20: every doc is its own segment, so a commit writes several files.
    auto idx = Index::open(fi, IndexOptions{.segment_chars = 20, .build_threads = 2});
    ASSERT_TRUE(idx.is_ok());
    base_state(**idx);
    if (merge) {
      ASSERT_TRUE((*idx)->remove("b").is_ok() && (*idx)->commit(1).is_ok());
    }
    const State want_before = merge ? merged_before : before;
    const State want_after = merge ? merged_before : after;
    fi->arm(fault, k);
    const Status st = merge ? (*idx)->optimize() : change(**idx);
    // The live object shows the old state after a failure, the new after success.
    EXPECT_EQ(state_of(**idx), st.is_ok() ? want_after : want_before) << st.message();
    const bool ok = st.is_ok();
    if (fault == FaultInjectionDirectory::Fault::kNoSpace && !ok) {
      // A full disk is not a crash: the same index can commit once there is room.
      fi->arm(FaultInjectionDirectory::Fault::kNone, 0);
      ASSERT_TRUE((merge ? (*idx)->optimize() : (*idx)->commit(2)).is_ok());
      EXPECT_EQ(state_of(**idx), want_after);
      continue;
    }
    idx->reset();
    mem->crash();
    auto re = Index::open(mem);
    ASSERT_TRUE(re.is_ok()) << re.status().message();
    const State got = state_of(**re);
    if (ok) {
      EXPECT_EQ(got, want_after) << describe(got);
    } else {
      EXPECT_TRUE(got == want_before || got == want_after) << describe(got);
    }
    if (merge && ok) {
      EXPECT_EQ((*re)->stats().segments, 1u);
    }
    // Every file left is named by the manifest.
    auto names = mem->list();
    ASSERT_TRUE(names.is_ok());
    EXPECT_EQ(names->size(), (*re)->stats().segments + (mem->exists(kManifestName) ? 1 : 0));
  }
}

TEST(IndexCrashTest, CrashAtEveryStepOfACommit) { crash_every_step(FaultInjectionDirectory::Fault::kCrash, false); }
TEST(IndexCrashTest, ShortWriteAtEveryStepOfACommit) {
  crash_every_step(FaultInjectionDirectory::Fault::kShortWrite, false);
}
TEST(IndexCrashTest, DiskFullAtEveryStepOfACommit) { crash_every_step(FaultInjectionDirectory::Fault::kNoSpace, false); }
TEST(IndexCrashTest, CrashAtEveryStepOfAMerge) { crash_every_step(FaultInjectionDirectory::Fault::kCrash, true); }

TEST(IndexCommitTest, RealDirectoryRoundTrip) {
  const auto path = std::filesystem::temp_directory_path() / ("wenyuan_index_fs_" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  {
    auto idx = Index::open(path);
    ASSERT_TRUE(idx.is_ok()) << idx.status().message();
    base_state(**idx);
    ASSERT_TRUE(change(**idx).is_ok());
  }
  {
    auto idx = Index::open(path);
    ASSERT_TRUE(idx.is_ok()) << idx.status().message();
    EXPECT_EQ(state_of(**idx), (State{{"a", "b", "d"}, 2}));
    EXPECT_GT((*idx)->stats().bytes, 100u);
  }
  std::filesystem::remove_all(path);
}

// Readers keep using their snapshot while a writer commits and merges.
TEST(IndexCommitTest, SnapshotsStayValidWhileWriterCommits) {
  auto dir = std::make_shared<MemDirectory>();
  auto idx = Index::open(dir, IndexOptions{.segment_chars = 200, .build_threads = 2});
  ASSERT_TRUE(idx.is_ok());
  Index& x = **idx;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      uint64_t last = 0;
      while (!stop) {
        auto snap = x.snapshot();
        uint64_t live = 0;
        for (const auto& p : snap->parts()) {
          PostingCursor c(p.segment->gram(bigram_key(U'公', U'文')));
          for (; !c.done(); c.next()) live += !p.is_deleted(c.doc());
        }
        // Each commit adds docs containing 公文 and never removes them.
        EXPECT_GE(live, last);
        EXPECT_EQ(live, snap->doc_count());
        last = live;
        ++reads;
      }
    });
  }
  for (int round = 0; round < 30; ++round) {
    // EXPECT, not ASSERT: the readers must be joined whatever happens.
    for (int k = 0; k < 5; ++k) {
      EXPECT_TRUE(x.add(make_doc("r" + std::to_string(round) + "_" + std::to_string(k), "第" + std::to_string(k) + "份公文的内容")).is_ok());
    }
    EXPECT_TRUE(x.commit(static_cast<uint64_t>(round + 1)).is_ok());
    if (round % 7 == 6) {
      EXPECT_TRUE(x.optimize().is_ok());
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(x.snapshot()->doc_count(), 150u);
  EXPECT_GT(reads.load(), 0u);
}

}  // namespace
}  // namespace wenyuan::index

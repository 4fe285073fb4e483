// Peer (c): Sphinx 2.2 (Debian sphinxsearch), the classic choice for Chinese
// full-text search without a segmenter: every CJK character is its own token
// (ngram_len = 1, ngram_chars = U+3000..U+2FA1F), other text is split into words
// by charset_table (digits, Latin with case folding), everything else separates.
// Build: write the corpus as a TSV file, run `indexer` on it, start `searchd`
// listening for SphinxQL (the MySQL protocol) on a free local port. Query: one
// quoted phrase per term ("…", query operators escaped), terms ANDed; the timed
// call is SELECT id … LIMIT 10 plus SHOW META for total_found (two round trips to
// another process: the thread CPU column does not include searchd's work).
// Where it departs from wenyuan's contract: punctuation outside CJK blocks is
// dropped, a term cutting a Latin word or number in the middle does not match,
// no t2s/NFKC; but phrases skip whitespace, as wenyuan's contract does.
#include "compare/engine.h"

#ifdef WENYUAN_HAVE_SPHINX
#include <arpa/inet.h>
#include <mysql.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace wenyuan::bench {

namespace {

// A local TCP port nobody listens on right now (the kernel picks it).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

class SphinxEngine final : public Engine {
 public:
  explicit SphinxEngine(std::string dir) : dir_(std::move(dir)) {}
  ~SphinxEngine() override { stop(); }

  std::string name() const override { return "Sphinx 2.2 ngram_len=1"; }
  std::string describe() const override {
    return "Sphinx 2.2 (indexer + searchd, SphinxQL via libmariadb), tsvpipe, ngram_len=1 ngram_chars=U+3000..U+2FA1F, "
           "phrase per term, total_found from SHOW META; searchd's CPU is not in the thread CPU column";
  }

  Status build(const Corpus& corpus) override {
    stop();
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_ + "/data", ec);
    docs_ = corpus.docs.size();
    {
      std::ofstream tsv(dir_ + "/docs.tsv", std::ios::binary);
      for (const auto& d : corpus.docs) {
        tsv << (d.ordinal + 1) << '\t' << tsv_field(d.title) << '\t' << tsv_field(d.text) << '\n';
      }
      if (!tsv) return Status::io_error(dir_ + "/docs.tsv: write failed");
    }
    port_ = free_port();
    if (port_ == 0) return Status::io_error("no free local port for searchd");
    const std::string conf = dir_ + "/sphinx.conf";
    {
      std::ofstream c(conf);
      c << "source src {\n  type = tsvpipe\n  tsvpipe_command = cat " << dir_ << "/docs.tsv\n"
        << "  tsvpipe_field = title\n  tsvpipe_field = text\n}\n"
        << "index idx {\n  source = src\n  path = " << dir_ << "/data/idx\n"
        << "  dict = keywords\n  min_word_len = 1\n  ngram_len = 1\n  ngram_chars = U+3000..U+2FA1F\n}\n"
        << "indexer {\n  mem_limit = 1024M\n}\n"
        << "searchd {\n  listen = 127.0.0.1:" << port_ << ":mysql41\n  log = " << dir_ << "/searchd.log\n"
        << "  query_log = " << dir_ << "/query.log\n  pid_file = " << dir_ << "/searchd.pid\n"
        << "  binlog_path =\n  workers = threads\n}\n";
    }
    conf_ = conf;
    std::string cmd = "indexer --config " + conf + " --all --quiet > " + dir_ + "/indexer.log 2>&1";
    if (std::system(cmd.c_str()) != 0) return Status::internal("indexer failed, see " + dir_ + "/indexer.log");
    fs::remove(dir_ + "/docs.tsv", ec);  // not part of the index
    cmd = "searchd --config " + conf + " > " + dir_ + "/searchd.out 2>&1";
    if (std::system(cmd.c_str()) != 0) return Status::internal("searchd failed, see " + dir_ + "/searchd.out");
    started_ = true;
    for (int i = 0; i < 100 && !mysql_; ++i) {
      MYSQL* m = mysql_init(nullptr);
      if (mysql_real_connect(m, "127.0.0.1", "", "", nullptr, static_cast<unsigned>(port_), nullptr, 0)) {
        mysql_ = m;
      } else {
        mysql_close(m);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    if (!mysql_) return Status::io_error("cannot connect to searchd on port " + std::to_string(port_));
    return Status::ok();
  }

  uint64_t index_bytes() const override { return directory_bytes(dir_ + "/data"); }

  Result<TopK> top(const BenchQuery& q, size_t k) override {
    TopK r;
    auto ids = select(q, k);
    if (!ids) return ids.status();
    r.ids = std::move(*ids);
    if (mysql_query(mysql_, "SHOW META") != 0) return error("SHOW META");
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (!res) return error("SHOW META result");
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      if (row[0] && row[1] && std::string_view(row[0]) == "total_found") r.total = std::strtoull(row[1], nullptr, 10);
    }
    mysql_free_result(res);
    return r;
  }

  Result<std::vector<uint32_t>> all_ids(const BenchQuery& q) override {
    auto ids = select(q, docs_);
    if (!ids) return ids.status();
    std::sort(ids->begin(), ids->end());
    return ids;
  }

 private:
  // Tabs and line breaks separate TSV fields and rows; to Sphinx they are
  // separators like a space, so replacing them changes no token or position.
  static std::string tsv_field(const std::string& s) {
    std::string out = s;
    for (char& c : out) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return out;
  }

  // The MATCH() expression: one phrase per term, every query operator escaped.
  static std::string match_expr(const BenchQuery& q) {
    static const std::string kSpecial = "\\()|-!@~\"&/^$=<";
    std::string s;
    for (const auto& t : q.terms) {
      if (!s.empty()) s += ' ';
      s += '"';
      for (char c : t) {
        if (kSpecial.find(c) != std::string::npos) s += '\\';
        s += c;
      }
      s += '"';
    }
    return s;
  }

  Result<std::vector<uint32_t>> select(const BenchQuery& q, size_t limit) {
    const std::string m = match_expr(q);
    std::string escaped(m.size() * 2 + 1, '\0');
    escaped.resize(mysql_real_escape_string(mysql_, escaped.data(), m.data(), m.size()));
    const std::string n = std::to_string(std::max<size_t>(limit, 1));
    std::string sql = "SELECT id FROM idx WHERE MATCH('" + escaped + "') LIMIT 0," + n;
    if (limit > 1000) sql += " OPTION max_matches=" + n;
    if (mysql_query(mysql_, sql.c_str()) != 0) return error(sql);
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (!res) return error("result of " + sql);
    std::vector<uint32_t> ids;
    while (MYSQL_ROW row = mysql_fetch_row(res)) ids.push_back(static_cast<uint32_t>(std::strtoull(row[0], nullptr, 10) - 1));
    mysql_free_result(res);
    return ids;
  }

  Status error(const std::string& what) const {
    return Status::internal("sphinx: " + what + ": " + (mysql_ ? mysql_error(mysql_) : "not connected"));
  }

  void stop() {
    if (mysql_) mysql_close(mysql_);
    mysql_ = nullptr;
    if (started_) {
      std::string cmd = "searchd --config " + conf_ + " --stopwait > /dev/null 2>&1";
      (void)std::system(cmd.c_str());
      started_ = false;
    }
  }

  std::string dir_;
  std::string conf_;
  int port_ = 0;
  size_t docs_ = 0;
  bool started_ = false;
  MYSQL* mysql_ = nullptr;
};

}  // namespace

std::unique_ptr<Engine> make_sphinx_engine(const std::string& dir) { return std::make_unique<SphinxEngine>(dir); }

}  // namespace wenyuan::bench

#else

namespace wenyuan::bench {
std::unique_ptr<Engine> make_sphinx_engine(const std::string&) { return nullptr; }
}  // namespace wenyuan::bench

#endif

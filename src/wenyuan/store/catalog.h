// Catalog: the single source of truth of wenyuan. Every document, as imported
// and as cleaned, lives here; the search index is derived from it and can always
// be rebuilt from it (for_each) or caught up after a crash (changes_since).
//
// On disk: one SQLite file in WAL mode (synchronous=FULL, foreign_keys=ON,
// busy_timeout 10 s), schema and migrations in schema.h. FULL, not NORMAL:
// with NORMAL a WAL commit survives a process crash but not a power loss, and
// an import reports documents stored only once their transaction is durable. Per document:
//   documents row  id, title, year, date, source, category, issuer, tags (JSON),
//                  access, format, encoding, origin, text_chars, regions (JSON),
//                  outline (JSON, the full tree), removed (JSON), content_hash,
//                  imported_at
//   bodies row     original bytes (zstd), cleaned text (zstd), paragraphs and
//                  sentences (packed little-endian uint32 start,end pairs)
//   edge_lines     the first 3 and last 3 non-empty lines of the RAW text, as
//                  given to put(), deduplicated, by key (codec.h edge_line_key)
//   changes row    (seq, id, deleted) for each insert, update and delete
// JSON shapes and blob layouts: codec.h.
//
// Invariants:
//  - A document is written whole or not at all: each put/remove is one
//    transaction (a savepoint inside a batch), so a crash or a failed statement
//    never leaves half a document, and its change row commits with it.
//  - put() of a document whose content_hash and metadata equal the stored ones
//    writes nothing and logs no change (kUnchanged). A differing document
//    replaces the stored one whole (kUpdated).
//  - Change seqs increase strictly and are never reused (AUTOINCREMENT).
//  - put() refuses a document that breaks the Document invariants the rest of
//    wenyuan relies on (empty id or hash, text_chars not the code point count of
//    text, a region, span, outline node or removal outside the text).
//
// Threads: a Catalog is one SQLite connection and must be used by one thread at
// a time (the connection is opened SQLITE_OPEN_NOMUTEX; nothing is guarded).
// The server opens one Catalog per worker thread: connections are cheap, WAL
// lets readers proceed while one writer writes, and concurrent writers (threads
// or processes) wait on the busy timeout instead of failing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/store/clusters.h"

namespace wenyuan::store {

// A row of a listing: what a result page shows, without the text.
struct DocumentSummary {
  std::string id;
  std::string title;
  std::optional<int> year;
  std::string date;
  std::string source;
  std::string category;
  doc::Access access = doc::Access::kFree;
  uint32_t text_chars = 0;
  int64_t imported_at = 0;
  std::optional<int> public_year;  // doc::Document::public_year
  std::string type;                // doc::Document::type (文种)
  std::string source_name;         // doc::Document::source_name
};

enum class ListOrder {
  kImported,  // by imported_at, then insertion order
  kDate,      // by year, then date as written, then insertion order; no year first
};

// Which documents list()/count() return. Empty strings and unset optionals do
// not filter. year_from/year_to are inclusive and exclude documents without a year.
struct ListFilter {
  std::optional<int> year_from;
  std::optional<int> year_to;
  std::string source;
  std::string category;
  std::optional<int64_t> imported_since;  // imported_at >= this
  ListOrder order = ListOrder::kImported;
  bool newest_first = false;              // descending order
  size_t limit = 0;                       // 0 = all
  size_t offset = 0;
};

struct CatalogStats {
  uint64_t documents = 0;
  uint64_t characters = 0;                               // sum of text_chars
  std::vector<std::pair<std::string, uint64_t>> by_source;  // most documents first, then by name
  std::vector<std::pair<int, uint64_t>> by_year;            // ascending year; undated left out
};

enum class PutOutcome { kInserted, kUnchanged, kUpdated };

// One entry of the change log: document `id` was inserted/updated (deleted ==
// false: read it with get) or removed (deleted == true).
struct Change {
  uint64_t seq = 0;
  std::string id;
  bool deleted = false;
};

// Everything put() writes besides the Document's plain fields (JSON, compressed
// blobs), encoded before the transaction starts so the write lock is held only
// for the writing. encode() touches no connection: it may run on any thread,
// so an import can encode on its prepare worker and hand put() the result.
struct EncodedDocument {
  std::string tags, regions, outline, removed, public_outline;  // outlines packed (codec.h pack_json)
  std::string public_outline_json;  // unpacked, to tell whether a stored document changed
  bool public_outline_same = false;  // public_outline equals outline: stored as that, once (schema v8)
  std::string original, text, paragraphs, sentences;
  int64_t spans_codec = 0;  // bodies.spans_codec of paragraphs and sentences (catalog_internal.h)
  // The duplicate sketch (dedup::sketch, store/clusters.h): put() clusters the
  // document with it in the same transaction. Unset: the document is left out
  // of clusters (`wenyuan dups --rebuild` sketches it later).
  std::optional<DupSketch> dup;
};
EncodedDocument encode(const doc::Document& d);

class Catalog : public doc::EdgeLineStats {
 public:
  // Opens `db_file`, creating it if absent and migrating an older schema.
  // Errors name the file: "FILE: not a wenyuan catalog (…)" for a file that is
  // not SQLite or is another application's database; Unsupported for a catalog
  // written by a newer wenyuan.
  static Result<std::unique_ptr<Catalog>> open(const std::filesystem::path& db_file);

  ~Catalog() override;  // rolls back an uncommitted batch
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Stores `d` (and the raw text's edge lines) in one transaction. An
  // imported_at of 0 is stamped with the current time.
  Result<PutOutcome> put(const doc::Document& d, const std::vector<std::string>& edge_lines = {});
  // The same with `e` == encode(d) done beforehand (possibly on another thread).
  Result<PutOutcome> put(const doc::Document& d, const EncodedDocument& e, const std::vector<std::string>& edge_lines);

  // NotFound if absent. `original` is filled only when asked: it is the largest
  // field and most readers (index, view) do not need it.
  Result<doc::Document> get(const std::string& id, bool with_original = false) const;
  // What judging a hit's snippets needs of a document (access::Policy::
  // redact_snippet), read alone: id, access, text_chars and regions, and the
  // text only if `text_wanted` answers true for those (a non-member's snippets
  // of a document with something to hide) — then at least its first
  // `text_up_to` code points (codec.h decompress_head), not necessarily more.
  // Every other field stays empty. A results page asks this for each hit; the
  // whole row's read (outline JSON, spans, and SQLite walking the text's
  // overflow pages to reach the columns after it) and the whole text's
  // decoding were most of an uncached page's catalog time.
  Result<doc::Document> get_for_snippets(const std::string& id, uint32_t text_up_to,
                                         const std::function<bool(const doc::Document&)>& text_wanted = nullptr) const;
  // The same fields of every document without text (id, access, text_chars,
  // regions; the rest empty), one at a time, in one read snapshot; returns
  // the last_seq() that snapshot is as of (server/access_map.h).
  Result<uint64_t> for_each_access(const std::function<void(doc::Document&&)>& fn) const;
  Result<std::string> get_original(const std::string& id) const;

  // NotFound if absent.
  Status remove(const std::string& id);

  Result<std::vector<DocumentSummary>> list(const ListFilter& f) const;
  // How many documents match `f`, ignoring its limit and offset (for paging).
  Result<uint64_t> count(const ListFilter& f) const;
  Result<CatalogStats> stats() const;

  // Calls `fn` for every document in id order, one at a time (memory stays
  // bounded), without `original`. Stops at and returns the first non-ok Status
  // from `fn`. `fn` may read the catalog but must not write to it.
  Status for_each(const std::function<Status(const doc::Document&)>& fn) const;

  // The change log after `seq`, oldest first. A document changed twice appears
  // twice; a change names the document, so applying one twice is harmless.
  // Seqs are contiguous, so a log trimmed past `seq` is detected: NotFound
  // ("... trimmed ..."), and the reader must rebuild. To (re)build an index:
  // s = last_seq(); for_each(add); then apply changes_since(s).
  Result<std::vector<Change>> changes_since(uint64_t seq) const;
  // The highest seq ever handed out (0 for a new catalog).
  uint64_t last_seq() const;
  // The seq of the change the last successful put() (kInserted or kUpdated)
  // or remove() on this connection logged. Lets a writer recognise its own
  // changes in changes_since() without reading the documents back.
  uint64_t last_change_seq() const;
  // Drops log entries with seq <= `through` (once every reader is past them).
  Status trim_changes(uint64_t through);

  // Groups the puts and removes that follow into one transaction, for import
  // speed (one fsync per batch instead of per document). A failed put inside a
  // batch undoes only that document. A crash, or destroying the Catalog, before
  // commit_batch loses the whole batch, never part of a document.
  Status begin_batch();
  Status commit_batch();
  bool in_batch() const;

  // doc::EdgeLineStats, for the cleaner. Counts documents, not occurrences;
  // documents imported without edge lines count in the source but match no line.
  // A database error reads as 0 (the interface cannot report it; 0 only makes
  // the cleaner keep text it might have removed).
  uint32_t documents_with_edge_line(std::string_view source, std::string_view line) const override;
  uint32_t documents_in_source(std::string_view source) const override;

  // Virtual-machine steps SQLite ran for this Catalog's prepared statements so
  // far (triggers included): a count of work, so tests can check that putting
  // documents and asking the counts above stays linear in the documents.
  uint64_t statement_steps() const;

  const std::filesystem::path& path() const;
  // The file admits this connection only (no -shm file on a full disk:
  // sqlite::Db::private_wal_index); server/catalog_pool.h shares it then.
  bool only_connection() const;

  // Duplicate clusters (store/clusters.h; the rule and tables are there).
  Result<DupRelations> dup_relations(const std::string& id) const;
  Result<std::vector<DupGroup>> dup_clusters() const;
  Result<std::vector<DupGroup>> dup_versions() const;
  // The cluster of `id` (nullopt: alone, unknown or not sketched).
  Result<std::optional<int64_t>> dup_cluster_of(const std::string& id) const;
  // Every clustered document's (id, cluster), in one read (server/cluster_map.h).
  Result<std::vector<std::pair<std::string, int64_t>>> dup_cluster_ids() const;
  Result<std::vector<std::string>> ids_without_sketch() const;
  // Sketches (or re-sketches) a stored document and clusters it, in one
  // transaction (a savepoint inside a batch). NotFound if absent.
  Status put_sketch(const std::string& id, const DupSketch& sketch);

 private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wenyuan::store

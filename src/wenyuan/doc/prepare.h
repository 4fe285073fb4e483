// prepare: RawDocument (what an importer read) -> Document (what wenyuan stores
// and indexes). Runs cleaning, outline analysis, decides the preview/paid
// regions and computes the id and content hash.
//
// Invariants of a prepared Document:
//  - `id` is 1..128 characters of [A-Za-z0-9._-];
//  - `text` is non-empty valid UTF-8 and `text_chars` is its code point count;
//  - `regions` tile [0, text_chars) in order without gaps, overlap or empty
//    regions; `access` is kPaid exactly when one of them is paid;
//  - `content_hash` is hex SHA-256 of title '\0' text '\0' to_string(access),
//    so it changes when what a reader would see or pay for changes.
#pragma once

#include <cstdint>
#include <string>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc {

struct PrepareOptions {
  bool clean = true;                          // false: the text exactly as given (markers stay, no regions from them)
  bool paid = false;                          // access for documents that do not state one (RawDocument::access unset)
  double preview_share = 0.3;                 // paid without markers: this share of the body's characters (>= 200, <= half, cut at a sentence end) is preview
  const EdgeLineStats* edge_stats = nullptr;  // recurring site headers/footers; null: not removed
  int64_t now = 0;                            // imported_at; 0: the current time
};

// Errors: "ORIGIN: invalid id …", "ORIGIN: no text" (nothing left after cleaning).
Result<Document> prepare(RawDocument raw, const PrepareOptions& options);

// Whether `id` is a document id: 1..128 characters of [A-Za-z0-9._-], not "."
// or "..". The one rule for ids: imports refuse others, the server answers 400.
bool valid_id(std::string_view id);

// Stable id for a document without one: the first 16 hex characters of
// SHA-256(title '\0' text '\0' source '\0' category '\0' date), over the raw
// (uncleaned) values as imported.
std::string assign_id(const RawDocument& raw);

// The text every tier may read, for analyses a non-member may see: `d.text`
// with each paid code point replaced by '\n' (so offsets stay those of `text`)
// and everything after the last preview code point cut off. Preview regions
// are read from `d.regions` (a free document without regions is all preview).
std::string visible_text(const Document& d);

// Lowercase hex SHA-256 of `bytes` (libsodium).
std::string sha256_hex(std::string_view bytes);

}  // namespace wenyuan::doc

// check(): 查重 — which stretches of a draft stand in which documents.
//
// Method (docs/check.md): the draft becomes counted characters (check_text.h);
// every one of its k-grams is looked up among the library's winnowed
// fingerprints; each hit (draft position p, document d, position q) is
// verified and extended against d's counted characters, left and right, as far
// as they agree: a maximal common run on the diagonal q - p. A run of at least
// min_chars counts. A run on a diagonal already extended is not extended again.
//
// Guarantees:
//  - No false positive: every reported run was compared character by character
//    with the source (fingerprints only propose).
//  - Recall: every common run of at least kGuaranteed (13) counted characters
//    is found (it holds a whole winnowing window, so one of its k-grams is a
//    fingerprint), except where a k-gram occurs in more than
//    max_postings_per_gram places or the work budget ran out (complete == false).
//  - paid_visible == false (a reader who may not read paid text): only the
//    visible part of each document takes part, hits and extensions alike, so
//    the report is a function of visible text and public fields.
//
// Spans: the draft is cut at every start and end of a run; each piece covered
// by at least one run is a span, with the sources whose runs cover it
// (several runs of one document are several sources).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "wenyuan/dedup/check_text.h"
#include "wenyuan/dedup/fingerprint_index.h"

namespace wenyuan::dedup {

struct CheckOptions {
  uint32_t min_chars = kGuaranteed;  // shortest run that counts (counted characters)
  bool paid_visible = false;          // may the reader read paid regions (access::Policy)?
  size_t max_sources_per_span = 10;   // sources listed per span (ranked); source_count has all
  size_t max_sources = 50;            // sources listed in the ranking
  // A k-gram found in more places than this proposes no candidates (boilerplate
  // such as 中华人民共和国 in every law): protects the latency, costs recall
  // only on text that is boilerplate everywhere.
  size_t max_postings_per_gram = 4000;
  uint64_t max_work = 20'000'000;     // postings visited + characters compared
};

inline constexpr uint32_t kMinMinChars = kGram;

struct SpanSource {
  uint32_t doc = 0;    // slot in the FingerprintIndex
  uint32_t start = 0;  // code points of the source's text
  uint32_t end = 0;
};

struct Span {
  uint32_t start = 0;  // code points of the draft
  uint32_t end = 0;
  uint32_t chars = 0;  // counted characters in it
  std::vector<SpanSource> sources;
  uint32_t source_count = 0;
};

struct ParagraphShare {
  uint32_t start = 0;  // code points of the draft
  uint32_t end = 0;
  uint32_t chars = 0;   // counted characters
  uint32_t copied = 0;
};

struct SourceCoverage {
  uint32_t doc = 0;
  uint32_t copied_chars = 0;  // counted characters of the draft this source covers
};

struct CheckReport {
  uint32_t code_points = 0;   // of the draft as decoded
  uint32_t chars = 0;         // counted characters of the draft
  uint32_t copied_chars = 0;  // counted characters inside some span
  double share = 0;
  std::vector<Span> spans;
  std::vector<ParagraphShare> paragraphs;
  std::vector<SourceCoverage> sources;  // most covering first
  uint32_t source_total = 0;            // sources before max_sources
  bool complete = true;                 // false if max_work ran out
};

CheckReport check(const FingerprintIndex& index, std::string_view draft_utf8, const CheckOptions& options);

}  // namespace wenyuan::dedup

// Ranking constants and formulas (docs/scoring.md is the prose; every number
// there is named here, and the engine uses nothing else).
#pragma once

#include <cmath>
#include <cstdint>

namespace wenyuan::search::scoring {

inline constexpr double kK1 = 1.2;             // BM25 saturation
inline constexpr double kBodyB = 0.75;         // length normalization of the body (and of paragraphs)
inline constexpr double kTitleB = 0.5;         // length normalization of the title
inline constexpr double kTitleWeight = 4.0;    // BM25F field weights
inline constexpr double kHeadingWeight = 2.0;
inline constexpr double kBodyWeight = 1.0;
// Paragraph unit: the paragraph length (normalized code points) at which the
// length norm is 1, and the weight of the document score as a tie-breaker.
inline constexpr double kParagraphNormChars = 120.0;
inline constexpr double kParagraphDocTieBreak = 0.001;
// 金句: a paragraph shorter than this (normalized code points) is a heading or
// a fragment, not a sentence worth quoting. Its length norm is that of a
// paragraph this long (no bonus for being short) and its score is scaled by
// len / kParagraphQuoteChars, so an eight-character heading no longer ranks
// above the sentence under it (issue 13).
inline constexpr double kParagraphQuoteChars = 40.0;

// idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)), df clipped to N by the caller.
inline double idf(double n_docs, double df) { return std::log(1.0 + (n_docs - df + 0.5) / (df + 0.5)); }

// score(t, d) of one term in one document: BM25F over title, heading, body.
inline double document_term(uint32_t tf_title, uint32_t tf_heading, uint32_t tf_body, double title_len, double body_len,
                            double avg_title_len, double avg_body_len, double idf) {
  const double tnorm = 1 - kTitleB + kTitleB * title_len / avg_title_len;
  const double bnorm = 1 - kBodyB + kBodyB * body_len / avg_body_len;
  const double w = kTitleWeight * tf_title / tnorm + (kHeadingWeight * tf_heading + kBodyWeight * tf_body) / bnorm;
  return idf * w * (kK1 + 1) / (kK1 + w);
}

// One term's part of a paragraph's score: `count` occurrences in a paragraph of
// `len` normalized code points.
inline double paragraph_term(double idf, uint32_t count, uint32_t len) {
  const double normed_len = len < kParagraphQuoteChars ? kParagraphQuoteChars : len;
  const double norm = 1 - kBodyB + kBodyB * normed_len / kParagraphNormChars;
  return idf * count * (kK1 + 1) / (count + kK1 * norm);
}

// The factor a paragraph's score is scaled by for its length (see kParagraphQuoteChars).
inline double paragraph_quote_factor(uint32_t len) {
  return len >= kParagraphQuoteChars ? 1.0 : len / kParagraphQuoteChars;
}

}  // namespace wenyuan::search::scoring

// sketch(): a document's duplicate sketch (store/clusters.h: the MinHash bins,
// the exact-text hash and the title family), from its visible text only.
//
// The fingerprints are those 查重 uses (winnow.h over counted characters,
// check_text.h), of the part before the first paid region, so a sketch — and
// every cluster built from sketches — is a function of visible text and the
// title: what search folding and the document page show a non-member is
// public (docs/check.md). Pure: runs on the import's prepare worker.
#pragma once

#include <cstdint>

#include "wenyuan/dedup/check_text.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/store/clusters.h"

namespace wenyuan::dedup {

// Counted characters of `t` (the document's CheckText) before its first paid region.
uint32_t visible_end(const doc::Document& d, const CheckText& t);
// FNV-1a over the counted characters: the exact-duplicate hash.
uint64_t hash_chars(std::u32string_view chars);

store::DupSketch sketch(const doc::Document& d);
// The same from the counted characters and the visible end already computed.
store::DupSketch sketch(std::u32string_view chars, uint32_t visible_end, const std::string& title);

}  // namespace wenyuan::dedup

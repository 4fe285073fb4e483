// Duplicate documents: the same text imported twice (exact), reposts with a
// changed title, an extra header or footer or a few edited sentences (near),
// and versions of one law (same title family, different dates). Nothing is
// deleted: clusters are a view for listing (`wenyuan dups`), folding search
// hits and linking a document to its other versions.
//
// The clusters are kept in the catalog, decided at import (store/clusters.h
// holds the rule and the tables; dedup/sketch.h computes each document's
// sketch from its visible text). This file holds what both need of titles.
#pragma once

#include <string>

namespace wenyuan::dedup {

// The title family: the normalized title without one trailing parenthesized
// note (（2018年修正）, （试行）, (2020)). Two documents of one family with
// different dates are versions, not reposts.
std::string title_family(const std::string& title);

}  // namespace wenyuan::dedup

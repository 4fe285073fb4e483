// AtomFeed: the Atom 1.0 document (RFC 4287) of /feed.atom, written with
// pugixml so that every title, summary and attribute is escaped by the XML
// writer, never by hand.
//
// Invariant: the caller passes only public data — titles, categories, times,
// and summaries cut by access::Policy for an anonymous reader (preview text) —
// since a feed is read by anyone and cached by aggregators.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wenyuan::server {

struct FeedEntry {
  std::string id;        // document id
  std::string title;
  std::string category;  // empty: no <category>
  std::string summary;   // preview text only
  int64_t updated = 0;   // unix seconds of the document's last change
};

struct FeedHead {
  std::string base_url;  // "http://host", no trailing slash
  std::string title;
  std::string category;  // the feed's category, or empty for all: self is /feed.atom?category=…
};

// The feed as UTF-8 XML. `updated` of the feed is that of its newest entry
// (or the epoch for an empty feed).
std::string render_atom(const FeedHead& head, const std::vector<FeedEntry>& entries);

// XML 1.0 allows no control characters but tab, LF and CR: they are dropped
// (pugixml would write them as they are and make the document invalid).
std::string xml_text(const std::string& s);

}  // namespace wenyuan::server

#include "wenyuan/server/atom_feed.h"

#include <algorithm>
#include <ctime>
#include <sstream>

#include <pugixml.hpp>

#include "wenyuan/server/http_util.h"

namespace wenyuan::server {

namespace {

std::string rfc3339(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void text_child(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).append_child(pugi::node_pcdata).set_value(xml_text(value).c_str());
}

}  // namespace

std::string xml_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') continue;
    out += c;
  }
  return out;
}

std::string render_atom(const FeedHead& head, const std::vector<FeedEntry>& entries) {
  const std::string self = "/feed.atom" + (head.category.empty() ? "" : "?category=" + percent_encode(head.category));
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
  auto feed = doc.append_child("feed");
  feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
  text_child(feed, "title", head.title);
  text_child(feed, "id", head.base_url + self);
  auto self_link = feed.append_child("link");
  self_link.append_attribute("rel") = "self";
  self_link.append_attribute("type") = "application/atom+xml";
  self_link.append_attribute("href") = xml_text(head.base_url + self).c_str();
  auto alt = feed.append_child("link");
  alt.append_attribute("rel") = "alternate";
  alt.append_attribute("type") = "text/html";
  alt.append_attribute("href") = (head.base_url + "/new").c_str();
  int64_t updated = 0;
  for (const auto& e : entries) updated = std::max(updated, e.updated);
  text_child(feed, "updated", rfc3339(updated));
  auto author = feed.append_child("author");
  text_child(author, "name", "文渊");
  for (const auto& e : entries) {
    auto entry = feed.append_child("entry");
    text_child(entry, "title", e.title);
    text_child(entry, "id", "urn:wenyuan:" + e.id);
    auto link = entry.append_child("link");
    link.append_attribute("href") = xml_text(head.base_url + "/doc/" + e.id).c_str();
    text_child(entry, "updated", rfc3339(e.updated));
    if (!e.category.empty()) entry.append_child("category").append_attribute("term") = xml_text(e.category).c_str();
    auto summary = entry.append_child("summary");
    summary.append_attribute("type") = "text";
    summary.append_child(pugi::node_pcdata).set_value(xml_text(e.summary).c_str());
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace wenyuan::server

// The server's pure helpers: percent decoding and targets, cookies, file names
// for Content-Disposition, gzip, MIME types, multipart parsing, config files,
// Prometheus rendering.
#include <gtest/gtest.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <pugixml.hpp>

#include "wenyuan/server/atom_feed.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/metrics.h"
#include "wenyuan/server/multipart.h"

namespace wenyuan::server {
namespace {

std::string gunzip(const std::string& z) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
  zs.avail_in = static_cast<uInt>(z.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(ServerUtil, PercentDecodeAndTargets) {
  EXPECT_EQ(*percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(*percent_decode("a+b", false), "a+b");
  EXPECT_EQ(*percent_decode("%E5%B7%A5%E4%BD%9C", false), "工作");
  EXPECT_FALSE(percent_decode("%FF%FE", false));  // not UTF-8
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("a%00b", false));
  auto t = parse_target("/api/search?q=%E5%B7%A5%E4%BD%9C+%E6%8A%A5%E5%91%8A&page=2&q=second&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/search");
  EXPECT_EQ(t->query["q"], "工作 报告");
  EXPECT_EQ(t->query["page"], "2");
  EXPECT_EQ(t->query["flag"], "");
  EXPECT_FALSE(parse_target("/api/search?q=%C3%28"));
  EXPECT_EQ(parse_target("/a%2F..%2Fb")->path, "/a/../b");  // decoded; routes validate ids
}

TEST(ServerUtil, Cookies) {
  auto c = parse_cookies("wy_session=abc; wy_csrf=\"def\";other=1; wy_session=second");
  EXPECT_EQ(c["wy_session"], "abc");
  EXPECT_EQ(c["wy_csrf"], "def");
  EXPECT_EQ(c["other"], "1");
  EXPECT_TRUE(parse_cookies("garbage").empty());
}

TEST(ServerUtil, FileNamesAndContentDisposition) {
  EXPECT_EQ(safe_filename("关于/印发\\的\"通知\""), "关于_印发_的_通知_");
  EXPECT_EQ(safe_filename("../../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(safe_filename(""), "document");
  const std::string cd = content_disposition("2023年工作总结.docx");
  EXPECT_NE(cd.find("attachment; filename=\""), std::string::npos);
  EXPECT_NE(cd.find("filename*=UTF-8''2023%E5%B9%B4"), std::string::npos);
  EXPECT_EQ(cd.find("年"), std::string::npos);  // header stays ASCII
}

TEST(ServerUtil, GzipRoundTripAndAcceptEncoding) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "中华人民共和国 " + std::to_string(i) + "\n";
  auto z = gzip(data);
  ASSERT_TRUE(z);
  EXPECT_LT(z->size(), data.size());
  EXPECT_EQ(gunzip(*z), data);
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("deflate, GZIP;q=0.5"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip(""));
}

// Accept-Encoding as Beast's ext_list reads it: q-values, odd spacing, "*".
TEST(ServerUtil, AcceptEncodingQValuesAndSpacing) {
  EXPECT_FALSE(accepts_gzip("gzip ; q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;Q=0.000"));
  EXPECT_FALSE(accepts_gzip("gzip; q = 0"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0,\t gzip ;q=0.8"));
  EXPECT_TRUE(accepts_gzip(" , ,gzip"));
  EXPECT_TRUE(accepts_gzip("deflate,gzip"));
  EXPECT_FALSE(accepts_gzip("x-gzip, deflate"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_TRUE(accepts_gzip("identity;q=1, *;q=0.1"));
  // The named coding wins over "*", wherever each stands.
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));
  EXPECT_TRUE(accepts_gzip("*;q=0, gzip"));
  EXPECT_TRUE(accepts_gzip("*;q=0, gzip "));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, gzip"));  // the first of a repeated coding counts
}

TEST(ServerUtil, PercentEncode) {
  EXPECT_EQ(percent_encode("a b/工~-_."), "a%20b%2F%E5%B7%A5~-_.");
  EXPECT_EQ(percent_encode("a+b&c"), "a%2Bb%26c");
  EXPECT_EQ(percent_encode("a+b&c", "+&"), "a+b&c");
  for (const std::string& s : {std::string("党建 2023"), std::string("a&b=c?d#e"), std::string("\x01\t\r\n")}) {
    EXPECT_EQ(*percent_decode(percent_encode(s), false), s) << s;
  }
}

// The Atom feed is written by pugixml: whatever the titles hold, it parses
// back (as XML 1.0) to the same values, control characters but tab, LF and CR
// dropped; the self link carries the category percent-encoded.
TEST(ServerUtil, AtomFeedParsesBackToWhatWasGiven) {
  const std::string nasty = "A & B <c> \"d\" 'e' ]]> \x01\x1f\ttab";
  const std::string clean = "A & B <c> \"d\" 'e' ]]> \ttab";
  const FeedHead head{"http://h", "文渊 & <新>", "党建 & x"};
  const std::vector<FeedEntry> entries = {{"id-1", nasty, "党建 & x", "预览 <b>\x02文本</b>", 1700000000},
                                          {"id-2", "第二", "", "", 1600000000}};
  pugi::xml_document doc;
  const std::string xml = render_atom(head, entries);
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  const auto feed = doc.child("feed");
  EXPECT_STREQ(feed.attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
  EXPECT_STREQ(feed.child_value("title"), "文渊 & <新>");
  EXPECT_STREQ(feed.child_value("updated"), "2023-11-14T22:13:20Z");  // the newest entry
  EXPECT_STREQ(feed.find_child_by_attribute("link", "rel", "self").attribute("href").value(),
               "http://h/feed.atom?category=%E5%85%9A%E5%BB%BA%20%26%20x");
  auto e = feed.child("entry");
  EXPECT_EQ(std::string(e.child_value("title")), clean);
  EXPECT_STREQ(e.child_value("id"), "urn:wenyuan:id-1");
  EXPECT_STREQ(e.child("link").attribute("href").value(), "http://h/doc/id-1");
  EXPECT_STREQ(e.child("category").attribute("term").value(), "党建 & x");
  EXPECT_STREQ(e.child_value("summary"), "预览 <b>文本</b>");
  e = e.next_sibling("entry");
  EXPECT_STREQ(e.child_value("updated"), "2020-09-13T12:26:40Z");
  EXPECT_FALSE(e.child("category"));
  pugi::xml_document empty;
  ASSERT_TRUE(empty.load_string(render_atom({"http://h", "t", ""}, {}).c_str()));
  EXPECT_STREQ(empty.child("feed").child_value("updated"), "1970-01-01T00:00:00Z");
  EXPECT_FALSE(empty.child("feed").child("entry"));
}

TEST(ServerUtil, MimeTypes) {
  EXPECT_EQ(mime_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("x.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("logo.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("noext"), "application/octet-stream");
}

TEST(ServerMultipart, ParsesFilesAndFields) {
  auto b = multipart_boundary("multipart/form-data; boundary=\"----WebKitFormBoundaryX\"");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "----WebKitFormBoundaryX");
  const std::string body =
      "preamble\r\n------WebKitFormBoundaryX\r\n"
      "Content-Disposition: form-data; name=\"files\"; filename=\"a \\\"1\\\".txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "第一份\r\n--not the boundary\r\n"
      "\r\n------WebKitFormBoundaryX\r\n"
      "Content-Disposition: form-data; name=\"files\"; filename=\"b.jsonl\"\r\n\r\n"
      "{}\n\r\n------WebKitFormBoundaryX\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
      "hello\r\n------WebKitFormBoundaryX--\r\n";
  auto parts = parse_multipart(body, *b);
  ASSERT_TRUE(parts) << parts.status().message();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "files");
  EXPECT_EQ((*parts)[0].filename, "a \"1\".txt");
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[0].data, "第一份\r\n--not the boundary\r\n");
  EXPECT_EQ((*parts)[1].filename, "b.jsonl");
  EXPECT_EQ((*parts)[1].data, "{}\n");
  EXPECT_EQ((*parts)[2].name, "note");
  EXPECT_TRUE((*parts)[2].filename.empty());
}

// Header parameters as Beast's param_list reads them: quoted strings with
// escapes, case, spacing, repeated names, and values param_list cannot read.
TEST(ServerMultipart, HeaderParameters) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data;boundary=abc"), "abc");
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data ;\tBOUNDARY = \"a b;c\" ; charset=utf-8"), "a b;c");
  EXPECT_EQ(*multipart_boundary("multipart/form-data; charset=utf-8; boundary=\"x\\\"y\""), "x\"y");
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=first; boundary=second"), "first");
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=----geckoformboundary1f ;"), "----geckoformboundary1f");
  // Unquoted, these need quotes (RFC 2046 5.1.1): refused, not cut short.
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=a/b"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=a b"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"\""));

  auto part = [](const std::string& disposition) {
    return parse_multipart("--B\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n--B--", "B");
  };
  auto p = part("FORM-DATA;NAME=files;FileName=\"年度 \\\"报告\\\".docx\"");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ((*p)[0].name, "files");
  EXPECT_EQ((*p)[0].filename, "年度 \"报告\".docx");
  p = part("form-data; filename=\"a;b.txt\"  ;  name = \"f\"; name=\"second\"");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ((*p)[0].name, "f");
  EXPECT_EQ((*p)[0].filename, "a;b.txt");
  p = part("form-data; name=\"note\"");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)[0].name, "note");
  EXPECT_TRUE((*p)[0].filename.empty());
  EXPECT_EQ(part("form-data; name=files; filename=a b.txt").status().code(), StatusCode::kInvalidArgument);
}

TEST(ServerMultipart, RejectsMalformedBodies) {
  EXPECT_FALSE(multipart_boundary("application/json"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
  const std::string ok_head = "--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n";
  EXPECT_FALSE(parse_multipart("", "B"));
  EXPECT_FALSE(parse_multipart(ok_head + "data without end", "B"));
  EXPECT_FALSE(parse_multipart("--B\r\nContent-Disposition: form-data; name=\"x\"", "B"));
  EXPECT_FALSE(parse_multipart("--Bgarbage", "B"));
  std::string many;
  for (int i = 0; i < 5; ++i) many += "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  many += "--B--";
  EXPECT_TRUE(parse_multipart(many, "B"));
  EXPECT_EQ(parse_multipart(many, "B", 3).status().code(), StatusCode::kTooLarge);
  // Every truncation of a valid body is an error or a shorter valid result; never a crash.
  const std::string full = ok_head + "abc\r\n--B--\r\n";
  for (size_t n = 0; n < full.size(); ++n) (void)parse_multipart(full.substr(0, n), "B");
}

TEST(ServerConfig, LoadsTomlOverDefaults) {
  const auto file = std::filesystem::temp_directory_path() / ("wy_cfg_" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream out(file);
    out << "listen = \"0.0.0.0:9000\"\nthreads = 3\npreview_share = 0.5\n"
           "[limits]\nmax_body_bytes = 2048\nheader_timeout_s = 5\n"
           "[rate.search]\nper_second = 2.5\nburst = 7\n"
           "[tiers.vip]\ndownloads_per_day = 3\n[tiers.admin]\ndownloads_per_day = -1\n[tiers.free]\nfull = true\n";
  }
  auto c = load_config(file);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->listen, "0.0.0.0:9000");
  EXPECT_EQ(c->threads, 3u);
  EXPECT_DOUBLE_EQ(c->preview_share, 0.5);
  EXPECT_EQ(c->limits.max_body_bytes, 2048u);
  EXPECT_EQ(c->limits.header_timeout_s, 5);
  EXPECT_EQ(c->limits.max_header_bytes, 16384u);  // default kept
  EXPECT_DOUBLE_EQ(c->search_rate.per_second, 2.5);
  EXPECT_EQ(c->policy.tiers[static_cast<int>(access::Tier::kVip)].downloads_per_day, 3u);
  EXPECT_FALSE(c->policy.tiers[static_cast<int>(access::Tier::kAdmin)].downloads_per_day.has_value());
  EXPECT_TRUE(c->policy.tiers[static_cast<int>(access::Tier::kFree)].full_access);
  {
    std::ofstream out(file);
    out << "listen = \"nonsense\"\n";
  }
  EXPECT_FALSE(load_config(file));
  {
    std::ofstream out(file);
    out << "this is = = not toml\n";
  }
  auto bad = load_config(file);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find(file.string()), std::string::npos);
  std::filesystem::remove(file);
}

TEST(ServerConfig, WatchSection) {
  const auto file = std::filesystem::temp_directory_path() / ("wy_cfg_watch_" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream out(file);
    out << "[watch]\nfolders = [\"/srv/网盘/a\", \"/srv/b\"]\nstable_seconds = 0.5\nrescan_seconds = 300\n"
           "on_delete = \"keep\"\nfolder_category = false\n";
  }
  auto c = load_config(file);
  ASSERT_TRUE(c) << c.status().message();
  ASSERT_EQ(c->watch.folders.size(), 2u);
  EXPECT_EQ(c->watch.folders[0], "/srv/网盘/a");
  EXPECT_DOUBLE_EQ(c->watch.stable_seconds, 0.5);
  EXPECT_DOUBLE_EQ(c->watch.rescan_seconds, 300);
  EXPECT_FALSE(c->watch.remove_on_delete);
  EXPECT_FALSE(c->watch.folder_category);
  EXPECT_TRUE(ServerConfig{}.watch.folders.empty());  // nothing watched unless asked
  EXPECT_TRUE(ServerConfig{}.watch.remove_on_delete);
  {
    std::ofstream out(file);
    out << "[watch]\non_delete = \"shred\"\n";
  }
  auto bad = load_config(file);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("on_delete"), std::string::npos);
  std::filesystem::remove(file);
}

TEST(ServerMetrics, PrometheusText) {
  Metrics m;
  m.observe_request("/api/search", 200, 0.003);
  m.observe_request("/api/search", 200, 0.2);
  m.observe_request("/api/search", 429, 0.0001);
  m.observe_search(0.002);
  const std::string out = m.render({{"wenyuan_documents", "Documents.", 42}});
  EXPECT_NE(out.find("wenyuan_http_requests_total{route=\"/api/search\",status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("wenyuan_http_requests_total{route=\"/api/search\",status=\"429\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("wenyuan_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(out.find("wenyuan_http_request_duration_seconds_count{route=\"/api/search\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("wenyuan_search_duration_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE wenyuan_documents gauge\nwenyuan_documents 42\n"), std::string::npos);
}

}  // namespace
}  // namespace wenyuan::server

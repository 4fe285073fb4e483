// HTML importer: the readable text of a page, one block element a line.
//
// The page is decoded to UTF-8 first (the charset its <meta> declares when the
// bytes are not already UTF-8, else decode_text's detection) because gumbo
// parses UTF-8 only. Page furniture (script, style, nav, header, footer, aside,
// ...) is dropped. The title is the first <h1> when <title> contains it (titles
// carry the site's name), else <title>, else the first <h1>. The tree is walked
// with an explicit stack: a page nested 100,000 <div>s deep must not overflow ours.
//
// gumbo itself is neither: its free is recursive (80,000 nested <table><tr><td>
// overflow the stack) and several of its tree-construction steps scan the stack
// of open elements (100,000 nested <div>, <pre> or <b><i><u> take minutes). So
// before gumbo sees a page, bound_html_for_gumbo() cuts out the tags that would nest
// deeper than ImportLimits::max_nesting (their text stays): a hostile page
// imports with all its text, in time linear in its size.

#include <gumbo.h>
#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <initializer_list>
#include <optional>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/encoding.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The charset a page declares in its first 4 KiB: <meta charset="gbk">,
// <meta http-equiv="Content-Type" content="text/html; charset=gb2312">, or an
// XML declaration's encoding="...". Lowercase; "" if none.
std::string declared_charset(std::string_view bytes) {
  const std::string head = ascii_lower(bytes.substr(0, 4096));
  auto value_at = [&](size_t p) {
    while (p < head.size() && (head[p] == ' ' || head[p] == '"' || head[p] == '\'')) ++p;
    size_t e = p;
    while (e < head.size() && (std::isalnum(static_cast<unsigned char>(head[e])) || head[e] == '-' || head[e] == '_')) ++e;
    return head.substr(p, e - p);
  };
  for (size_t m = head.find("<meta"); m != std::string::npos; m = head.find("<meta", m + 5)) {
    const size_t end = head.find('>', m);
    const size_t c = head.find("charset", m);
    if (c == std::string::npos || (end != std::string::npos && c > end)) continue;
    size_t p = c + 7;
    while (p < head.size() && head[p] == ' ') ++p;
    if (p < head.size() && head[p] == '=') return value_at(p + 1);
  }
  if (head.rfind("<?xml", 0) == 0) {
    const size_t e = head.find("encoding=");
    const size_t close = head.find("?>");
    if (e != std::string::npos && e < close) return value_at(e + 9);
  }
  return {};
}

// Converts `bytes` from `charset` to UTF-8 with iconv; nullopt if iconv does not
// know the charset or the bytes are not in it.
std::optional<std::string> convert_from(std::string_view bytes, std::string charset) {
  // GB2312 and GBK pages routinely use characters only their superset has.
  if (charset == "gb2312" || charset == "gbk" || charset == "x-gbk" || charset == "cp936") charset = "GB18030";
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t done = 0;
  while (in_left > 0) {
    char* o = out.data() + done;
    size_t o_left = out.size() - done;
    const size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    done = out.size() - o_left;
    if (r != static_cast<size_t>(-1)) break;
    if (errno != E2BIG) return std::nullopt;
    out.resize(out.size() * 2);
  }
  out.resize(done);
  return out;
}

bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

bool is_dropped(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NAV: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_CANVAS: case GUMBO_TAG_SELECT: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_TEXTAREA:
      return true;
    default:
      return false;
  }
}

bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_BR: case GUMBO_TAG_TR:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_HR: case GUMBO_TAG_CENTER: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_BODY: case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
      return true;
    default:
      return false;
  }
}

int heading_level(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

// Collects text the way a browser lays it out: runs of HTML whitespace become
// one space, except a line break between two CJK characters, which becomes
// nothing (a Chinese sentence wrapped in the source is one sentence).
class TextBuilder {
 public:
  void text(std::string_view s, bool preformatted) {
    size_t i = 0;
    while (i < s.size()) {
      const size_t start = i;
      const char32_t c = text::decode_one(s, i);
      if (preformatted) {
        if (c == '\n') {
          end_block();
        } else {
          line_.append(s.substr(start, i - start));
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pending_space_ = true;
        pending_newline_ |= (c == '\n' || c == '\r');
        continue;
      }
      if (pending_space_ && !line_.empty() && !(pending_newline_ && is_cjk(last_) && is_cjk(c))) {
        line_.push_back(' ');
      }
      pending_space_ = pending_newline_ = false;
      line_.append(s.substr(start, i - start));
      last_ = c;
    }
  }

  void cell_separator() {
    if (!line_.empty()) line_.push_back('\t');
    pending_space_ = pending_newline_ = false;
  }

  // Ends the current paragraph; returns its text (trimmed) as written to out.
  std::string_view end_block() {
    const size_t before = out_.size();
    internal::append_paragraph(out_, line_);
    line_.clear();
    pending_space_ = pending_newline_ = false;
    last_ = 0;
    if (out_.size() == before) return {};
    return std::string_view(out_).substr(before, out_.size() - before - 1);
  }

  std::string take() {
    end_block();
    return std::move(out_);
  }

 private:
  std::string out_;
  std::string line_;
  bool pending_space_ = false;
  bool pending_newline_ = false;
  char32_t last_ = 0;
};

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Finds <title> anywhere (it belongs in <head>, but pages put it where they like).
std::string find_title(const GumboNode* root) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_TITLE) {
      std::string t;
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = 0; i < kids.length; ++i) {
        const auto* k = static_cast<const GumboNode*>(kids.data[i]);
        if (k->type == GUMBO_NODE_TEXT || k->type == GUMBO_NODE_WHITESPACE) t += k->v.text.text;
      }
      return collapse_whitespace(t);
    }
    const GumboVector& kids = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    for (unsigned i = kids.length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(kids.data[i - 1]));
  }
  return {};
}

void extract(const GumboNode* root, RawDocument& doc) {
  TextBuilder builder;
  struct Frame {
    const GumboNode* node;
    bool leaving;
  };
  std::vector<Frame> stack{{root, false}};
  int pre_depth = 0;
  int heading = 0;  // level of the <hN> we are inside, 0 outside
  while (!stack.empty()) {
    const Frame f = stack.back();
    stack.pop_back();
    const GumboNode* n = f.node;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
      builder.text(n->v.text.text, pre_depth > 0);
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;  // comments, templates
    const GumboTag tag = n->type == GUMBO_NODE_ELEMENT ? n->v.element.tag : GUMBO_TAG_HTML;
    const int level = heading_level(tag);
    if (f.leaving) {
      if (tag == GUMBO_TAG_PRE) --pre_depth;
      if (level > 0 && heading == level) {
        std::string_view text = builder.end_block();
        if (!text.empty()) doc.headings.push_back({std::string(text), level});
        heading = 0;
      } else if (is_block(tag) || level > 0) {
        builder.end_block();
      }
      continue;
    }
    if (is_dropped(tag)) continue;
    if (is_block(tag) || level > 0) builder.end_block();
    if (level > 0 && heading == 0) heading = level;
    if (tag == GUMBO_TAG_PRE) ++pre_depth;
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) builder.cell_separator();
    stack.push_back({n, true});
    const GumboVector& kids = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    for (unsigned i = kids.length; i > 0; --i) stack.push_back({static_cast<const GumboNode*>(kids.data[i - 1]), false});
  }
  doc.text = builder.take();
}

bool name_in(std::string_view name, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

// Elements that never hold children.
bool is_void(std::string_view n) {
  return name_in(n, {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                     "source", "track", "wbr", "basefont", "bgsound", "frame", "image", "menuitem"});
}

// Elements whose start tag closes an open one of their kind (<p><p>, <li><li>,
// <td><td>): a run of them does not nest, so they are not counted.
bool is_self_closing_kind(std::string_view n) {
  return name_in(n, {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
                     "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body"});
}

// Elements whose content is text up to their end tag.
bool is_raw_text(std::string_view n) {
  // Not <noscript>: in <head> gumbo parses its content as markup.
  return name_in(n, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

// Elements inside <svg>/<math> whose content is HTML again (there "/>" means nothing).
bool is_integration_point(std::string_view n) {
  return name_in(n, {"foreignobject", "desc", "title", "annotation-xml", "mi", "mo", "mn", "ms", "mtext"});
}

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// HTML elements that break out of <svg>/<math> content, where "/>" stops meaning "empty".
bool breaks_out_of_foreign(std::string_view n) {
  return name_in(n, {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
                     "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
                     "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
                     "sub", "sup", "table", "tt", "u", "ul", "var", "font"});
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// More than any page written by hand or by an editor has on one tag (gumbo's
// duplicate check makes the cost per tag quadratic in this number).
constexpr size_t kMaxHtmlAttributes = 256;

}  // namespace

namespace internal {

// Bounds what gumbo is given, in one pass over `html`:
// - Nesting: a conservative count of open elements (+1 for every start tag of
//   an element that can hold children, -1 for every end tag of one) is kept,
//   and the start and end tags met while it is above `limit` are cut out, their
//   text kept. The count over-estimates (an unclosed <font> stays counted, as
//   gumbo's reconstruction of formatting elements keeps it alive too) and never
//   under-counts nesting made of counted elements; the uncounted ones (<p>,
//   <li>, <td>, ... which close their predecessor) add a few levels per counted
//   one at most.
// - Attributes: a tag with more than kMaxHtmlAttributes attributes keeps its
//   name and loses them all. gumbo checks each new attribute against every
//   earlier one of its tag (duplicates are dropped), so one <p> with 300,000
//   attributes took minutes; capped, its work is at most kMaxHtmlAttributes
//   compares per attribute. No importer reads an attribute of such a tag.
// Returns nullopt when nothing had to be cut (the common case: no copy).
std::optional<std::string> bound_html_for_gumbo(std::string_view html, size_t limit) {
  std::optional<std::string> out;
  size_t copied = 0;  // html[0, copied) is in *out
  // html[begin, end) is replaced by `with` (nothing: cut out).
  auto cut = [&](size_t begin, size_t end, std::string_view with = {}) {
    if (!out) {
      out.emplace();
      out->reserve(html.size());
    }
    out->append(html.substr(copied, begin - copied));
    out->append(with);
    copied = end;
    // A lone "<" or "</" before the cut would join the text after it into a new
    // tag ("<<m>h>" -> "<h>"); an empty comment keeps them apart.
    const std::string_view tail(*out);
    if (tail.ends_with('<') || tail.ends_with("</")) out->append("<!---->");
  };
  size_t depth = 0;
  size_t foreign = 0;  // open <svg>/<math>
  size_t i = 0;
  const size_t n = html.size();
  // A tag name as gumbo reads it: up to whitespace, '/' or '>', ASCII lowercased.
  auto lower_name_at = [&](size_t p, std::string& name) {
    name.clear();
    while (p < n && !is_html_space(html[p]) && html[p] != '/' && html[p] != '>') {
      const char c = html[p++];
      name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return p;
  };
  size_t integration = 0;  // open HTML integration points inside foreign content
  std::string name;
  std::string found;
  while (true) {
    i = html.find('<', i);
    if (i == std::string_view::npos || i + 1 >= n) break;
    if (html.compare(i, 4, "<!--") == 0) {
      // Ends at "-->" or "--!>"; "<!-->" and "<!--->" are whole (empty) comments.
      if (html.compare(i, 5, "<!-->") == 0) {
        i += 5;
        continue;
      }
      if (html.compare(i, 6, "<!--->") == 0) {
        i += 6;
        continue;
      }
      size_t e = i + 4;
      while ((e = html.find("--", e)) != std::string_view::npos) {
        if (html.compare(e, 3, "-->") == 0) {
          e += 3;
          break;
        }
        if (html.compare(e, 4, "--!>") == 0) {
          e += 4;
          break;
        }
        ++e;
      }
      if (e == std::string_view::npos) break;
      i = e;
      continue;
    }
    if (html[i + 1] == '!' || html[i + 1] == '?') {
      i = html.find('>', i + 2);
      if (i == std::string_view::npos) break;
      continue;
    }
    const size_t tag_begin = i;
    const bool closing = html[i + 1] == '/';
    const size_t name_at = i + (closing ? 2 : 1);
    if (name_at >= n || !is_ascii_alpha(html[name_at])) {
      ++i;  // "a < b": text
      continue;
    }
    size_t p = lower_name_at(name_at, name);
    const size_t name_end = p;
    // The attributes: a quote opens a value only right after '=' (and spaces);
    // "/>" makes the tag empty only when the '/' is not the end of an unquoted value.
    // An attribute name starts after whitespace, a '/' or a value (as gumbo reads it).
    size_t unquoted_end = std::string_view::npos;
    size_t attributes = 0;
    bool in_attribute_name = false;
    while (p < n && html[p] != '>') {
      if (html[p] != '=') {
        if (is_html_space(html[p]) || html[p] == '/') {
          in_attribute_name = false;
        } else if (!in_attribute_name) {
          in_attribute_name = true;
          ++attributes;
        }
        ++p;
        continue;
      }
      in_attribute_name = false;
      ++p;
      while (p < n && is_html_space(html[p])) ++p;
      if (p < n && (html[p] == '"' || html[p] == '\'')) {
        p = html.find(html[p], p + 1);
        if (p == std::string_view::npos) p = n;
        else ++p;
      } else {
        while (p < n && !is_html_space(html[p]) && html[p] != '>') ++p;
        unquoted_end = p;
      }
    }
    if (p >= n) break;
    const bool empty_syntax = html[p - 1] == '/' && unquoted_end != p;
    i = p + 1;
    // Too many attributes: the tag without them, before the nesting decides
    // (which may still cut the stripped tag: drop_stripped below).
    size_t stripped_size = 0;
    if (attributes > kMaxHtmlAttributes) {
      std::string stripped(html.substr(tag_begin, name_end - tag_begin));
      stripped += empty_syntax ? "/>" : ">";
      stripped_size = stripped.size();
      cut(tag_begin, i, stripped);
    }
    // Cuts the whole tag html[tag_begin, i), stripped or not.
    auto cut_tag = [&] {
      if (stripped_size == 0) {
        cut(tag_begin, i);
        return;
      }
      out->resize(out->size() - stripped_size);
      cut(i, i);  // copied is already i: appends nothing, keeps cut's "<" guard
    };
    if (is_void(name) || is_self_closing_kind(name)) continue;
    if (foreign == 0 && is_raw_text(name)) {
      // A leaf whose content is text: skip to "</name" (any case), kept whatever the depth.
      if (closing || empty_syntax) continue;
      size_t q = i;
      while ((q = html.find("</", q)) != std::string_view::npos) {
        lower_name_at(q + 2, found);
        if (found == name) break;
        q += 2;
      }
      if (q == std::string_view::npos) break;  // unclosed: text to the end
      i = q;
      continue;
    }
    const bool svg_or_math = name == "svg" || name == "math";
    if (closing) {
      // Past the limit a close belongs to a cut open and is cut with it: it
      // closes nothing that is kept, so it leaves the foreign state alone (a cut
      // "</svg>" after a cut "<t>" leaves the kept <svg> open in what gumbo sees;
      // counting it closed made a second pass cut more).
      const bool kept = depth <= limit;
      if (!kept) cut_tag();
      if (depth > 0) --depth;
      if (!kept) continue;
      if (svg_or_math && foreign > 0) --foreign;
      if (foreign > 0 && is_integration_point(name) && integration > 0) --integration;
      continue;
    }
    if (name == "plaintext" && foreign == 0) break;  // the rest of the page is text
    if (empty_syntax && foreign > 0 && integration == 0 && !breaks_out_of_foreign(name)) continue;
    if (empty_syntax && svg_or_math) continue;
    ++depth;
    if (depth > limit) {
      cut_tag();
      continue;  // a cut <svg> opens no foreign content
    }
    if (svg_or_math) ++foreign;
    if (foreign > 0 && is_integration_point(name)) ++integration;
  }
  if (out) out->append(html.substr(copied));
  return out;
}

uint64_t& html_parse_steps() {
  thread_local uint64_t steps = 0;
  return steps;
}

}  // namespace internal

Result<RawDocument> import_html(std::string bytes, const std::string& origin, const ImportLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return Status::too_large(origin + ": file is larger than the limit of " + format_bytes(limits.max_file_bytes));
  }
  RawDocument doc;
  doc.format = "html";
  doc.origin = origin;
  std::string utf8;
  const std::string charset = declared_charset(bytes);
  const bool declared_utf8 = charset == "utf-8" || charset == "utf8";
  if (!charset.empty() && !declared_utf8 && !text::is_valid_utf8(bytes)) {
    if (auto converted = convert_from(bytes, charset)) {
      utf8 = std::move(*converted);
      std::string name = charset;
      for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      doc.encoding = charset == "gb2312" || charset == "gbk" || charset == "x-gbk" || charset == "cp936" ? "GB18030" : name;
    }
  }
  if (doc.encoding.empty()) {  // no declaration, UTF-8 already, or the declaration was wrong
    WENYUAN_ASSIGN_OR_RETURN(text::DecodedText decoded, text::decode_text(bytes, origin));
    utf8 = std::move(decoded.utf8);
    doc.encoding = decoded.encoding;
  }

  if (std::optional<std::string> flat = internal::bound_html_for_gumbo(utf8, limits.max_nesting)) utf8 = std::move(*flat);

  // gumbo records every parse error with a copy of the stack of open elements:
  // on a page of 100,000 unclosed <div>s that is quadratic memory (gigabytes from
  // a 500 KB file). We do not report HTML errors, so none are recorded.
  // Every allocation of gumbo (nodes, text, the vectors of children, clones of
  // formatting elements) is counted: internal::html_parse_steps() is how tests
  // see gumbo's work stay linear in the page.
  static const GumboOptions kOptions = [] {
    GumboOptions o = kGumboDefaultOptions;
    o.max_errors = 0;
    o.allocator = [](void*, size_t size) {
      ++internal::html_parse_steps();
      return std::malloc(size);
    };
    o.deallocator = [](void*, void* p) { std::free(p); };
    return o;
  }();
  internal::html_parse_steps() = 0;
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> out(
      gumbo_parse_with_options(&kOptions, utf8.data(), utf8.size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kOptions, o); });
  if (!out) return Status::internal(origin + ": the HTML parser failed");
  extract(out->document, doc);
  // <title> usually adds the site's name ("…的通知_中国政府网"); the first <h1>,
  // when <title> contains it, is the document's own title.
  doc.title = find_title(out->document);
  for (const HeadingHint& h : doc.headings) {
    if (h.level != 1) continue;
    if (doc.title.empty() || doc.title.find(h.text) != std::string::npos) doc.title = h.text;
    break;
  }
  WENYUAN_RETURN_IF_ERROR(internal::check_text_limit(doc.text, origin, limits));
  doc.original = std::move(bytes);
  return doc;
}

}  // namespace wenyuan::doc

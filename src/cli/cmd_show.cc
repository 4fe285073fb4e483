// wenyuan show ID : what the library understood of one document.
#include <iostream>

#include "cli/common.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/text/encoding.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::cli {

namespace {

void print_outline(const std::vector<doc::OutlineNode>& nodes, int depth) {
  for (const auto& n : nodes) {
    std::printf("%*s%s%s  [%u–%u]\n", depth * 2 + 2, "", n.marker.c_str(), n.title.c_str(), n.start, n.end);
    print_outline(n.children, depth + 1);
  }
}

void print_human(const doc::Document& d) {
  std::printf("%s\n", d.title.c_str());
  std::printf("  id        %s\n", d.id.c_str());
  std::printf("  year      %s\n", d.year ? std::to_string(*d.year).c_str() : "-");
  if (!d.date.empty()) std::printf("  date      %s\n", d.date.c_str());
  if (!d.source.empty()) std::printf("  source    %s\n", d.source.c_str());
  if (!d.category.empty()) std::printf("  category  %s\n", d.category.c_str());
  if (!d.issuer.empty()) std::printf("  issuer    %s\n", d.issuer.c_str());
  std::printf("  format    %s (%s), from %s\n", d.format.c_str(), d.encoding.c_str(), d.origin.c_str());
  std::printf("  size      %u characters, %zu paragraphs, %zu sentences\n", d.text_chars, d.paragraphs.size(),
              d.sentences.size());
  std::printf("  access    %s;", doc::to_string(d.access));
  for (const auto& r : d.regions) std::printf(" %s %u–%u", doc::to_string(r.kind), r.start, r.end);
  std::printf("\n  cleaning  %zu piece(s) removed (see --removed)\n", d.removed.size());
  if (!d.outline.empty()) {
    std::printf("\nOutline\n");
    print_outline(d.outline, 0);
  }
  std::printf("\nText\n");
  for (const auto& r : d.regions) {
    if (d.regions.size() > 1) {
      std::printf("──── %s [%u–%u] ────\n", r.kind == doc::RegionKind::kPaid ? "paid (会员专享)" : "preview (免费预览)",
                  r.start, r.end);
    }
    std::string part = text::substr_code_points(d.text, r.start, r.end);
    // Written whole: a text may hold U+0000 (a .jsonl "\u0000"), where "%s" would stop.
    std::fwrite(part.data(), 1, part.size(), stdout);
    if (!part.empty() && part.back() != '\n') std::fputc('\n', stdout);
  }
}

}  // namespace

Runner register_show(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::string id;
    bool raw = false;
    bool removed = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("show", "Show a document: metadata, outline, regions and cleaned text");
  add_common_options(cmd, args->common);
  cmd->add_option("id", args->id, "Document id")->required();
  cmd->add_flag("--raw", args->raw, "Print the original as imported (bytes; text files decoded on a terminal)");
  cmd->add_flag("--removed", args->removed, "Show what cleaning took out");

  return [args]() {
    auto lib = open_library(args->common, Access::kRead);
    if (!lib) return kExitError;
    auto d = lib->catalog().get(args->id, /*with_original=*/args->raw);
    if (!d) {
      print_error(args->common, d.status());
      return kExitPartial;
    }
    if (args->raw) {
      const std::string& bytes = d->original;
      if (stdout_is_terminal() && !text::is_valid_utf8(bytes)) {
        if (d->format == "txt" || d->format == "md" || d->format == "html") {
          auto decoded = text::decode_text(bytes, d->origin);
          if (decoded) {
            std::fwrite(decoded->utf8.data(), 1, decoded->utf8.size(), stdout);
            std::cerr << "wenyuan: shown decoded from " << decoded->encoding << "; redirect to a file for the bytes\n";
            return kExitOk;
          }
        }
        std::cerr << "wenyuan: the original is a ." << d->format << " of " << bytes.size()
                  << " bytes; redirect it to a file: wenyuan show --raw " << d->id << " > FILE\n";
        return kExitPartial;
      }
      std::fwrite(bytes.data(), 1, bytes.size(), stdout);
      return kExitOk;
    }
    if (args->common.json) {
      print_json(library::document_json(*d, args->removed));
      return kExitOk;
    }
    if (args->removed) {
      std::printf("%zu piece(s) removed from %s (%s)\n", d->removed.size(), d->id.c_str(), d->title.c_str());
      for (const auto& r : d->removed) {
        std::printf("\n── %s at %u ──\n", r.reason.c_str(), r.position);
        std::fwrite(r.text.data(), 1, r.text.size(), stdout);
        std::fputc('\n', stdout);
      }
      return kExitOk;
    }
    print_human(*d);
    return kExitOk;
  };
}

}  // namespace wenyuan::cli

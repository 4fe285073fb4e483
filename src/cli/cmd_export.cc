// wenyuan export ID --format txt|docx -o FILE : a document as a file to use.
// The CLI works on the library directly (whoever runs it holds the data), so it
// exports the whole text; the server's downloads go through access::Policy.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/common.h"
#include "wenyuan/doc/export.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::cli {

Runner register_export(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::string id;
    std::string format = "docx";
    std::string output;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("export", "Write a document as .txt or .docx (headings as heading styles)");
  add_common_options(cmd, args->common);
  cmd->add_option("id", args->id, "Document id")->required();
  cmd->add_option("--format", args->format, "txt or docx (default docx)")->check(CLI::IsMember({"txt", "docx"}));
  cmd->add_option("-o,--output", args->output, "Output file (\"-\" for standard output)")->required();

  return [args]() {
    auto lib = open_library(args->common, Access::kRead);
    if (!lib) return kExitError;
    auto d = lib->catalog().get(args->id);
    if (!d) {
      print_error(args->common, d.status());
      return kExitPartial;
    }
    std::string bytes;
    if (args->format == "txt") {
      bytes = doc::export_txt(d->title, d->text);
    } else {
      auto docx = doc::export_docx(d->title, doc::export_blocks(*d));
      if (!docx) {
        print_error(args->common, docx.status().with_context(args->id));
        return kExitError;
      }
      bytes = std::move(docx.value());
    }
    FILE* out = args->output == "-" ? stdout : std::fopen(args->output.c_str(), "wb");
    if (out == nullptr) {
      print_error(args->common, Status::io_error(args->output + ": cannot write: " + std::strerror(errno)));
      return kExitError;
    }
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
    const bool closed = out == stdout ? std::fflush(out) == 0 : std::fclose(out) == 0;
    if (!ok || !closed) {
      print_error(args->common, Status::io_error(args->output + ": write failed"));
      return kExitError;
    }
    if (args->output != "-") {
      if (args->common.json) {
        print_json({{"id", d->id}, {"format", args->format}, {"file", args->output}, {"bytes", bytes.size()}});
      } else {
        std::printf("wrote %s (%zu bytes)\n", args->output.c_str(), bytes.size());
      }
    }
    return kExitOk;
  };
}

}  // namespace wenyuan::cli

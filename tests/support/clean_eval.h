// The cleaning evaluation: trailer/header styles and promotional-looking but
// official endings (tests/data/clean_eval/edges.txt) attached to real bodies,
// cleaned, and counted line by line. Used by tests/unit/doc_clean_eval_test.cc
// (bodies from tests/data/corpus_sample.jsonl) and bench/clean_eval.cc (bodies
// from ../shared/corpus).
//
// A line is counted when it is non-blank. Lines are removed whole by clean(),
// so the cleaned text's lines are a subsequence of the input's: each output
// line is matched to the next input line equal to it.
#pragma once

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wenyuan/doc/clean.h"

namespace wenyuan::clean_eval {

struct Block {
  std::string kind;  // "tail" "head" "legit" "legit-head"
  std::string name;
  std::vector<std::string> lines;
};

inline std::vector<Block> load_blocks(const std::string& path) {
  std::ifstream f(path);
  std::vector<Block> out;
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("=== ", 0) == 0) {
      std::istringstream h(line.substr(4));
      Block b;
      h >> b.kind >> b.name;
      out.push_back(b);
      continue;
    }
    if (out.empty()) continue;  // the comment at the top of the file
    out.back().lines.push_back(line);
  }
  for (Block& b : out) {  // blank lines between blocks are not part of them
    while (!b.lines.empty() && b.lines.back().empty()) b.lines.pop_back();
  }
  return out;
}

struct Counts {
  size_t cases = 0;
  size_t promo_lines = 0;          // trailer/header lines in the inputs
  size_t promo_removed = 0;        // of them, removed
  size_t body_lines = 0;           // body and legit lines in the inputs
  size_t body_removed = 0;         // of them, removed (must stay 0)
  std::vector<std::string> misses;  // "case: line" for every line judged wrongly

  double recall() const { return promo_lines ? double(promo_removed) / double(promo_lines) : 1.0; }
  double precision() const {
    const size_t removed = promo_removed + body_removed;
    return removed ? double(promo_removed) / double(removed) : 1.0;
  }
};

// Whitespace only: ASCII space, tab, CR, U+3000, U+00A0 and the zero-width
// characters clean() treats as blank.
inline bool blank(const std::string& s) {
  std::string t = s;
  for (const char* w : {"\xE3\x80\x80", "\xC2\xA0", "\xEF\xBB\xBF", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
                        "\xE2\x81\xA0"})
    for (size_t p; (p = t.find(w)) != std::string::npos;) t.erase(p, std::strlen(w));
  return t.find_first_not_of(" \t\r") == std::string::npos;
}

// A real document as clean() leaves it alone: the body the blocks are attached
// to (what clean() takes out of a document by itself, site credits of a web
// article for one, is reported apart, bench/clean_eval.cc).
inline std::vector<std::string> body_of(const std::string& text);

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

inline std::vector<std::string> body_of(const std::string& text) { return split_lines(doc::clean(text, {}).text); }

// One case: `before` (promo?) + body + `after` lines; `promo[i]` says whether
// input line i is trailer/header.
inline void run_case(const std::string& name, const std::vector<std::string>& in, const std::vector<bool>& promo,
                     Counts& c) {
  std::string raw;
  for (const std::string& l : in) raw += l + "\n";
  const doc::CleanResult r = doc::clean(raw, {});
  const std::vector<std::string> out = split_lines(r.text);
  ++c.cases;
  size_t j = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const bool kept = j < out.size() && out[j] == in[i];
    if (kept) ++j;
    if (blank(in[i])) continue;
    if (promo[i]) {
      ++c.promo_lines;
      if (!kept) ++c.promo_removed;
      else c.misses.push_back(name + " kept trailer line: " + in[i]);
    } else {
      ++c.body_lines;
      if (!kept) {
        ++c.body_removed;
        c.misses.push_back(name + " LOST body line: " + in[i]);
      }
    }
  }
}

// Every block with each of `bodies` (each a list of lines) in turn, round
// robin, `per_block` bodies a block; plus each legit ending followed by a
// trailer (the body's official ending must stay, the trailer go), and each
// legit opening ("legit-head": body lines above the body that look like a
// header) under a header (the header must go, the opening stay).
inline Counts evaluate(const std::vector<Block>& blocks, const std::vector<std::vector<std::string>>& bodies,
                       size_t per_block) {
  Counts c;
  if (bodies.empty()) return c;
  std::vector<const Block*> tails, heads;
  for (const Block& b : blocks) {
    if (b.kind == "tail") tails.push_back(&b);
    if (b.kind == "head") heads.push_back(&b);
  }
  size_t next = 0;
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    const Block& b = blocks[bi];
    for (size_t k = 0; k < per_block; ++k) {
      const std::vector<std::string>& body = bodies[next++ % bodies.size()];
      std::vector<std::string> in;
      std::vector<bool> promo;
      auto add = [&](const std::vector<std::string>& ls, bool p) {
        for (const std::string& l : ls) in.push_back(l), promo.push_back(p);
      };
      if (b.kind == "legit-head") {
        add(b.lines, false);
        add(body, false);
        run_case(b.kind + "/" + b.name, in, promo, c);
        if (heads.empty()) continue;
        const Block& h = *heads[(bi + k) % heads.size()];
        in.clear();
        promo.clear();
        add(h.lines, true);
        add({""}, true);
        add(b.lines, false);
        add(body, false);
        run_case("head+legit-head/" + h.name + "+" + b.name, in, promo, c);
        continue;
      }
      if (b.kind == "head") add(b.lines, true);
      add(body, false);
      if (b.kind == "tail") add(b.lines, true);
      if (b.kind == "legit") {
        add(b.lines, false);
        run_case(b.kind + "/" + b.name, in, promo, c);
        if (tails.empty()) continue;
        add({""}, false);  // then a trailer after the official ending
        add(tails[(bi + k) % tails.size()]->lines, true);
        run_case("legit+tail/" + b.name + "+" + tails[(bi + k) % tails.size()]->name, in, promo, c);
        continue;
      }
      run_case(b.kind + "/" + b.name, in, promo, c);
    }
  }
  return c;
}

}  // namespace wenyuan::clean_eval

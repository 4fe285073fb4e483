// Drafts for 查重 tests and the evaluation harness (bench/check_eval.cc): real
// passages copied from library documents, some of them edited the way writers
// edit (punctuation changed, traditional characters, a word inserted every
// 20–30 characters, sentences reordered), between filler text that stands in
// no document. Each draft knows which of its code points were copied, so
// recall and precision can be counted against the truth.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/doc/document.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::check_drafts {

inline doc::Document make_document(const std::string& id, const std::string& title, const std::string& text,
                                   std::optional<int> year = std::nullopt) {
  doc::Document d;
  d.id = id;
  d.title = title;
  d.text = text;
  d.text_chars = static_cast<uint32_t>(text::count_code_points(text));
  d.regions = {{doc::RegionKind::kPreview, 0, d.text_chars}};
  d.year = year;
  d.public_year = year;
  return d;
}

// Documents of a .jsonl with "title" and "text" (tests/data/corpus_sample.jsonl, ../shared/corpus).
inline std::vector<doc::Document> documents_from_jsonl_lines(const std::vector<std::string>& lines,
                                                             const std::string& id_prefix) {
  std::vector<doc::Document> out;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded() || !j.contains("text")) continue;
    out.push_back(make_document(id_prefix + std::to_string(out.size()), j.value("title", ""), j.value("text", "")));
  }
  return out;
}

struct Passage {
  uint32_t doc = 0;           // index into the documents given
  uint32_t draft_start = 0;   // code points of the draft
  uint32_t draft_end = 0;
  uint32_t source_start = 0;  // code points of the source text (before edits)
  uint32_t source_end = 0;
  bool edited = false;
};

struct Draft {
  std::string text;
  std::vector<uint8_t> copied;  // per code point of text: 1 if it was copied (unedited characters of a passage)
  std::vector<Passage> passages;
};

// Characters for filler (text in no document): a random mix that forms no
// 13-character run of real text.
inline const std::u32string& filler_chars() {
  static const std::u32string s = U"甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥鼠牛虎兔龙蛇马羊猴鸡狗猪琴棋书画诗酒花茶";
  return s;
}

// Simplified -> traditional for a few frequent characters (the edit "traditional characters").
inline char32_t to_traditional(char32_t c) {
  static const std::u32string simp = U"国发这会经济业实设进现为们说时关动产对长开们线条举应学战区问题";
  static const std::u32string trad = U"國發這會經濟業實設進現為們說時關動產對長開們線條舉應學戰區問題";
  const auto i = simp.find(c);
  return i == std::u32string::npos ? c : trad[i];
}

inline bool is_cjk(char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; }

// A draft of about `target_chars` code points: filler, passage, filler, … .
// One passage in three is edited. Passages are 20..500 code points of a
// document's text (cut at code points, so they may start mid-sentence).
inline Draft make_draft(const std::vector<doc::Document>& docs, uint32_t target_chars, std::mt19937& rng) {
  Draft out;
  std::u32string text;
  std::vector<uint8_t> copied;
  auto add_filler = [&](size_t n) {
    for (size_t i = 0; i < n; ++i) {
      text.push_back(filler_chars()[rng() % filler_chars().size()]);
      copied.push_back(0);
    }
    text.push_back(U'。');
    copied.push_back(0);
  };
  std::vector<std::u32string> decoded(docs.size());
  while (text.size() < target_chars) {
    add_filler(5 + rng() % 40);
    const uint32_t d = rng() % docs.size();
    if (decoded[d].empty()) decoded[d] = text::decode_utf8(docs[d].text);
    const std::u32string& src = decoded[d];
    if (src.size() < 40) continue;
    const uint32_t len = std::min<uint32_t>(20 + rng() % 481, static_cast<uint32_t>(src.size()) - 1);
    const uint32_t a = rng() % (src.size() - len);
    Passage p{d, static_cast<uint32_t>(text.size()), 0, a, a + len, rng() % 3 == 0};
    std::u32string piece = src.substr(a, len);
    std::vector<uint8_t> mark(piece.size(), 1);
    if (p.edited) {
      switch (rng() % 4) {
        case 0:  // punctuation changed: ，→、 。→；, and a few full-width spaces
          for (auto& c : piece) {
            if (c == U'，') c = U'、';
            else if (c == U'。') c = U'；';
          }
          break;
        case 1:  // traditional characters
          for (auto& c : piece) c = to_traditional(c);
          break;
        case 2: {  // a word inserted every 20–30 characters
          std::u32string edited;
          std::vector<uint8_t> em;
          size_t next = 20 + rng() % 11;
          for (size_t i = 0; i < piece.size(); ++i) {
            if (i == next) {
              for (char32_t c : std::u32string(U"切实")) edited.push_back(c), em.push_back(0);
              next += 20 + rng() % 11;
            }
            edited.push_back(piece[i]);
            em.push_back(mark[i]);
          }
          piece = std::move(edited);
          mark = std::move(em);
          break;
        }
        default: {  // sentences reordered (cut at 。): the last sentence first
          const auto cut = piece.rfind(U'。', piece.size() >= 2 ? piece.size() - 2 : 0);
          if (cut != std::u32string::npos && cut + 1 < piece.size()) {
            std::u32string tail = piece.substr(cut + 1);
            piece = tail + piece.substr(0, cut + 1);
            mark.assign(piece.size(), 1);
          }
          break;
        }
      }
    }
    text += piece;
    copied.insert(copied.end(), mark.begin(), mark.end());
    p.draft_end = static_cast<uint32_t>(text.size());
    out.passages.push_back(p);
  }
  add_filler(10);
  out.text = text::encode_utf8(text);
  out.copied = std::move(copied);
  return out;
}

}  // namespace wenyuan::check_drafts

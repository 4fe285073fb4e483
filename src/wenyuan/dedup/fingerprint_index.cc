#include "wenyuan/dedup/fingerprint_index.h"

#include <algorithm>
#include <bit>

#include "wenyuan/dedup/check_text.h"
#include "wenyuan/dedup/sketch.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::dedup {


uint32_t SourceDoc::code_point(uint32_t i) const {
  auto it = std::upper_bound(origin_runs.begin(), origin_runs.end(), std::make_pair(i, UINT32_MAX));
  return i + (it == origin_runs.begin() ? 0 : std::prev(it)->second);
}

std::optional<uint32_t> FingerprintIndex::slot_of(const std::string& id) const {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return std::nullopt;
  return it->second;
}

uint16_t FingerprintIndex::code_of(char32_t c) const {
  auto it = code_of_.find(c);
  return it == code_of_.end() ? kUnknown : it->second;
}

uint16_t FingerprintIndex::assign_code(char32_t c) {
  auto it = code_of_.find(c);
  if (it != code_of_.end()) return it->second;
  if (alphabet_.size() >= kOverflow) return kOverflow;
  const auto code = static_cast<uint16_t>(alphabet_.size());
  alphabet_.push_back(c);
  code_of_.emplace(c, code);
  return code;
}

void FingerprintIndex::fingerprint(uint32_t slot, std::u32string_view chars, std::vector<Fingerprint>& out) const {
  const SourceDoc& d = docs_[slot];
  // Pieces without an overflow character, cut at the end of the visible part.
  auto winnow_part = [&](uint32_t begin, uint32_t end) {
    uint32_t s = begin;
    for (uint32_t i = begin; i <= end; ++i) {
      if (i == end || d.codes[i] == kOverflow) {
        winnow(chars, s, i, out);
        s = i + 1;
      }
    }
  };
  winnow_part(0, d.visible_end);
  winnow_part(d.visible_end, d.size());
}

void FingerprintIndex::end_bulk() {
  bulk_ = false;
  index_directory();
}

void FingerprintIndex::add(const doc::Document& d) {
  remove(d.id);
  CheckText t = to_check_text(d.text);
  SourceDoc s;
  s.id = d.id;
  s.title = d.title;
  s.date = d.date;
  s.year = d.year;
  s.public_year = d.public_year ? d.public_year : (d.access == doc::Access::kFree ? d.year : std::nullopt);
  s.text_chars = d.text_chars;
  s.visible_end = visible_end(d, t);
  s.codes.resize(t.chars.size());
  for (size_t i = 0; i < t.chars.size(); ++i) s.codes[i] = assign_code(t.chars[i]);
  uint32_t delta = UINT32_MAX;
  for (uint32_t i = 0; i < t.origin.size(); ++i) {
    if (t.origin[i] - i != delta) {
      delta = t.origin[i] - i;
      s.origin_runs.emplace_back(i, delta);
    }
  }
  s.origin_runs.shrink_to_fit();
  s.content_hash = hash_chars(t.chars);
  s.alive = true;
  const auto slot = static_cast<uint32_t>(docs_.size());
  docs_.push_back(std::move(s));
  slot_of_[d.id] = slot;

  std::vector<Fingerprint> fps;
  fingerprint(slot, t.chars, fps);
  docs_[slot].fingerprints = static_cast<uint32_t>(fps.size());
  if (bulk_) {
    for (const auto& f : fps) base_.push_back({f.hash, slot, f.pos});
  } else {
    for (const auto& f : fps) recent_[f.hash].emplace_back(slot, f.pos);
    recent_postings_ += fps.size();
  }
}

void FingerprintIndex::remove(const std::string& id) {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return;
  SourceDoc& d = docs_[it->second];
  d.alive = false;
  d.codes = {};
  d.origin_runs = {};
  slot_of_.erase(it);
  ++dead_slots_;
}

void FingerprintIndex::index_directory() {
  base_.shrink_to_fit();
  std::sort(base_.begin(), base_.end(), [](const Posting& a, const Posting& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.doc != b.doc ? a.doc < b.doc : a.pos < b.pos;
  });
  // About four postings a bucket: one cache line to scan.
  const unsigned bits = std::clamp<unsigned>(std::bit_width(base_.size() / 4 + 1), 1, 24);
  directory_shift_ = 32 - bits;
  directory_.assign((size_t{1} << bits) + 1, 0);
  size_t i = 0;
  for (size_t b = 0; b < (size_t{1} << bits); ++b) {
    directory_[b] = static_cast<uint32_t>(i);
    while (i < base_.size() && (base_[i].hash >> directory_shift_) == b) ++i;
  }
  directory_.back() = static_cast<uint32_t>(base_.size());
}

std::vector<Fingerprint> FingerprintIndex::fingerprints_of(uint32_t slot) const {
  std::u32string chars(docs_[slot].codes.size(), 0);
  for (size_t i = 0; i < chars.size(); ++i) chars[i] = char_of(docs_[slot].codes[i]);
  std::vector<Fingerprint> fps;
  fingerprint(slot, chars, fps);
  return fps;
}

void FingerprintIndex::rebuild() {
  std::vector<SourceDoc> live;
  live.reserve(docs_.size() - dead_slots_);
  for (auto& d : docs_)
    if (d.alive) live.push_back(std::move(d));
  docs_ = std::move(live);
  slot_of_.clear();
  base_.clear();
  recent_.clear();
  recent_postings_ = 0;
  dead_slots_ = 0;
  for (uint32_t slot = 0; slot < docs_.size(); ++slot) {
    slot_of_[docs_[slot].id] = slot;
    for (const auto& f : fingerprints_of(slot)) base_.push_back({f.hash, slot, f.pos});
  }
  index_directory();
}

Status FingerprintIndex::build(const store::Catalog& catalog) {
  *this = FingerprintIndex();
  seq_ = catalog.last_seq();
  begin_bulk();
  Status st = catalog.for_each([&](const doc::Document& d) {
    add(d);
    return Status::ok();
  });
  end_bulk();
  if (!st.is_ok()) return st;
  return sync(catalog);
}

Status FingerprintIndex::sync(const store::Catalog& catalog) {
  if (catalog.last_seq() == seq_) return Status::ok();
  auto changes = catalog.changes_since(seq_);
  if (!changes) {
    if (changes.status().code() == StatusCode::kNotFound) return build(catalog);  // log trimmed past us
    return changes.status();
  }
  for (const auto& c : *changes) {
    if (c.deleted) {
      remove(c.id);
    } else {
      auto d = catalog.get(c.id);
      if (d) add(*d);
      else if (d.status().code() == StatusCode::kNotFound) remove(c.id);  // deleted by a later change
      else return d.status();
    }
    seq_ = c.seq;
  }
  if (recent_postings_ > std::max<uint64_t>(1 << 20, base_.size() / 4) || dead_slots_ * 4 > docs_.size()) rebuild();
  return Status::ok();
}

IndexStats FingerprintIndex::stats() const {
  IndexStats s;
  for (const auto& d : docs_) {
    if (!d.alive) continue;
    ++s.documents;
    s.characters += d.codes.size();
    s.fingerprints += d.fingerprints;
    s.memory_bytes += sizeof(SourceDoc) + d.id.capacity() + d.title.capacity() + d.codes.capacity() * 2 +
                      d.origin_runs.capacity() * sizeof(d.origin_runs[0]);
  }
  s.memory_bytes += base_.capacity() * sizeof(Posting) + directory_.capacity() * 4 +
                    recent_postings_ * 8 + recent_.size() * 48 + alphabet_.capacity() * 4 + code_of_.size() * 24 +
                    slot_of_.size() * 48;
  return s;
}

}  // namespace wenyuan::dedup

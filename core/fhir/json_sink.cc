// The Bundle writer's sinks (see json_sink.h).
#include "fhir/json_sink.h"

#include <cstdint>
#include <cstring>

#include "fhir/json_decimal.h"

namespace pathhub::fhir {

void JsonTextSink::member(std::string_view key) {
  if (levels_.empty()) return;  // the root value
  Level& level = levels_.back();
  if (!level.empty) out_ += ',';
  level.empty = false;
  if (pretty_) {
    out_ += '\n';
    out_.append(levels_.size() * 2, ' ');
  }
  if (!level.inArray) {
    // Keys are the writer's own FHIR element names: nothing in them needs escaping.
    out_ += '"';
    out_.append(key);
    out_ += pretty_ ? "\": " : "\":";
  }
}

void JsonTextSink::close(char bracket) {
  const bool wasEmpty = levels_.back().empty;
  levels_.pop_back();
  if (pretty_ && !wasEmpty) {
    out_ += '\n';
    out_.append(levels_.size() * 2, ' ');
  }
  out_ += bracket;
}

void JsonTextSink::beginObject(std::string_view key) {
  member(key);
  out_ += '{';
  levels_.push_back({false, true});
}

void JsonTextSink::endObject() { close('}'); }

void JsonTextSink::beginArray(std::string_view key) {
  member(key);
  out_ += '[';
  levels_.push_back({true, true});
}

void JsonTextSink::endArray() { close(']'); }

void JsonTextSink::text(std::string_view key, std::string_view value) {
  member(key);
  quoted(value);
}

void JsonTextSink::number(std::string_view key, std::string_view exact) {
  member(key);
  out_ += exact;
}

namespace {

// Whether any of the 8 bytes of `w` needs escaping in a JSON string: below 0x20, '"' or '\\'
// (the classic "has less than" and "has zero byte" word tricks; bytes of 0x80 and above, UTF-8,
// are never flagged).
bool wordNeedsEscape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto hasZero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below = (w - kOnes * 0x20) & ~w & kHigh;
  return below | hasZero(w ^ (kOnes * '"')) | hasZero(w ^ (kOnes * '\\'));
}

}  // namespace

// RFC 8259 section 7: the quotation mark, the reverse solidus and the control characters are
// escaped; everything else (UTF-8 included) is written as it is. Text is scanned eight bytes
// at a time, since almost none of it needs an escape: this is the hottest loop of a conversion.
void JsonTextSink::quoted(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out_ += '"';
  auto needsEscape = [](unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; };
  std::size_t plain = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (!wordNeedsEscape(word)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (!needsEscape(c)) {
      ++i;
      continue;
    }
    out_.append(s.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
    }
    ++i;
  }
  out_.append(s.substr(plain));
  out_ += '"';
}

void PocoObjectSink::put(std::string_view key, const Poco::Dynamic::Var& value) {
  Level& level = levels_.back();
  if (level.array) {
    level.array->add(value);
  } else {
    level.object->set(std::string(key), value);
  }
}

void PocoObjectSink::beginObject(std::string_view key) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (levels_.empty()) {
    root_ = o;
  } else {
    put(key, o);
  }
  levels_.push_back({o, nullptr});
}

void PocoObjectSink::endObject() { levels_.pop_back(); }

void PocoObjectSink::beginArray(std::string_view key) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  put(key, a);
  levels_.push_back({nullptr, a});
}

void PocoObjectSink::endArray() { levels_.pop_back(); }

void PocoObjectSink::text(std::string_view key, std::string_view value) {
  put(key, std::string(value));
}

void PocoObjectSink::number(std::string_view key, std::string_view exact) {
  put(key, JsonDecimal{std::string(exact)});
}

}  // namespace pathhub::fhir

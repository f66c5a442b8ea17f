// Byte classification table used by the tokenizer: which bytes end a segment, a field, a
// repetition, a component or a subcomponent in one message's delimiter set.
#pragma once

#include <cstdint>
#include <cstring>

#include "hl7/delimiters.h"

namespace pathhub::hl7 {

class CharClasses {
 public:
  enum Class : std::uint8_t { kData = 0, kSegmentEnd, kField, kRepetition, kComponent, kSub };

  explicit CharClasses(const Delimiters& d) {
    std::memset(table_, kData, sizeof table_);
    mark(d.subcomponent, kSub);
    mark(d.component, kComponent);
    mark(d.repetition, kRepetition);
    mark(d.field, kField);
    table_[static_cast<unsigned char>('\r')] = kSegmentEnd;
    table_[static_cast<unsigned char>('\n')] = kSegmentEnd;
  }

  Class of(char c) const { return static_cast<Class>(table_[static_cast<unsigned char>(c)]); }

 private:
  void mark(char c, Class k) {
    if (c != '\0') table_[static_cast<unsigned char>(c)] = k;
  }
  std::uint8_t table_[256];
};

}  // namespace pathhub::hl7

// A 128-bit digest of text, as 32 hex digits: two multiply-xorshift lanes over eight-byte
// words (FNV's prime and the golden ratio's), the second fed from the first. Not cryptographic: it
// names content (resource ids that differ between messages that reuse a control id, the same for
// the same input), it does not protect it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace pathhub::model {

class Digest {
 public:
  // Eight bytes at a time (a conversion digests every message it reads), the rest one by one.
  Digest& add(std::string_view text) {
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      mix(word);
    }
    for (; i < text.size(); ++i) mix(static_cast<unsigned char>(text[i]));
    return *this;
  }
  std::uint64_t high() const { return hi_; }
  std::uint64_t low() const { return lo_; }
  std::string hex() const {
    static const char kHex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (int i = 0; i < 16; ++i) {
      out[i] = kHex[(hi_ >> (60 - 4 * i)) & 0xF];
      out[16 + i] = kHex[(lo_ >> (60 - 4 * i)) & 0xF];
    }
    return out;
  }

 private:
  void mix(std::uint64_t word) {
    hi_ = (hi_ ^ word) * kPrime;
    hi_ ^= hi_ >> 32;
    lo_ = (lo_ ^ word ^ (hi_ >> 7)) * kPrime2;
    lo_ ^= lo_ >> 29;
  }
  static constexpr std::uint64_t kPrime = 1099511628211ULL;
  static constexpr std::uint64_t kPrime2 = 0x9E3779B97F4A7C15ULL;
  std::uint64_t hi_ = 14695981039346656037ULL;
  std::uint64_t lo_ = 0x84222325cbf29ce4ULL;
};

}  // namespace pathhub::model

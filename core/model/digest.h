// A 128-bit digest of text, as 32 hex digits: two FNV-1a lanes, the second seeded from the
// first. Not cryptographic: it names content (resource ids that differ between messages that
// reuse a control id, the same for the same input), it does not protect it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pathhub::model {

class Digest {
 public:
  Digest& add(std::string_view text) {
    for (unsigned char c : text) {
      hi_ = (hi_ ^ c) * kPrime;
      lo_ = (lo_ ^ c ^ (hi_ >> 56)) * kPrime;
    }
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
  static constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t hi_ = 14695981039346656037ULL;
  std::uint64_t lo_ = 0x84222325cbf29ce4ULL;
};

}  // namespace pathhub::model

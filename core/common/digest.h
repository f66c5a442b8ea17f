// Content digests the hub names things by: a token's hash in the configuration, a mapping
// script's version.
#pragma once

#include <string>
#include <string_view>

namespace pathhub {

// SHA-256 of `bytes`, as 64 lower-case hex digits.
std::string sha256Hex(std::string_view bytes);

}  // namespace pathhub

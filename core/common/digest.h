// Content digests the hub names things by: a token's hash in the configuration, a mapping
// script's version; and the signature on an alert's webhook.
#pragma once

#include <string>
#include <string_view>

namespace pathhub {

// SHA-256 of `bytes`, as 64 lower-case hex digits.
std::string sha256Hex(std::string_view bytes);

// HMAC-SHA256 of `bytes` under `key` (RFC 2104), as 64 lower-case hex digits: how a webhook's
// receiver checks that a notification came from the hub that shares its secret.
std::string hmacSha256Hex(std::string_view key, std::string_view bytes);

}  // namespace pathhub

// The MESH Authorization header (MESH API, "MESH Authorization header"):
//   NHSMESH <mailbox>:<nonce>:<nonce_count>:<timestamp yyyyMMddHHmm>:<hash>
// where hash is the lower-case hex HMAC-SHA256, keyed with the environment's shared secret,
// of "<mailbox>:<nonce>:<nonce_count>:<password>:<timestamp>". A token is good for one request.
// Used by the mesh plugin to sign its requests and by the MESH test server to check them.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace pathhub::mesh {

struct AuthToken {
  std::string mailbox, nonce, nonceCount, timestamp, hash;
};

// A fresh token: a random nonce, count 0, the current UTC time.
std::string authorizationHeader(const std::string& mailbox, const std::string& password,
                                const std::string& sharedSecret);
// The same with every part given (tests, and the server's check).
std::string authorizationHeader(const std::string& mailbox, const std::string& password,
                                const std::string& sharedSecret, const std::string& nonce,
                                const std::string& nonceCount, const std::string& timestamp);

// The parts of a header, or nothing when it does not have the NHSMESH shape.
std::optional<AuthToken> parseAuthorization(const std::string& header);
// Whether the token's hash is right for this password and secret.
bool hashMatches(const AuthToken& token, const std::string& password,
                 const std::string& sharedSecret);
// yyyyMMddHHmm in UTC.
std::string meshTimestamp(std::chrono::system_clock::time_point at);
// Whether `timestamp` lies within `window` of `now` (MESH: two hours).
bool timestampWithin(const std::string& timestamp, std::chrono::system_clock::time_point now,
                     std::chrono::minutes window);

}  // namespace pathhub::mesh

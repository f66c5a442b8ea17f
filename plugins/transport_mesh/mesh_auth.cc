// MESH Authorization header (see mesh_auth.h).
#include "mesh_auth.h"

#include <Poco/UUIDGenerator.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <ctime>

namespace pathhub::mesh {
namespace {

std::string hmacSha256Hex(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

std::string signed_(const std::string& mailbox, const std::string& nonce, const std::string& count,
                    const std::string& password, const std::string& timestamp) {
  return mailbox + ":" + nonce + ":" + count + ":" + password + ":" + timestamp;
}

}  // namespace

std::string meshTimestamp(std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d%H%M", &utc);
  return text;
}

bool timestampWithin(const std::string& timestamp, std::chrono::system_clock::time_point now,
                     std::chrono::minutes window) {
  std::tm utc{};
  if (timestamp.size() != 12 || !strptime(timestamp.c_str(), "%Y%m%d%H%M", &utc)) return false;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&utc));
  return at > now - window && at < now + window;
}

std::string authorizationHeader(const std::string& mailbox, const std::string& password,
                                const std::string& sharedSecret, const std::string& nonce,
                                const std::string& nonceCount, const std::string& timestamp) {
  return "NHSMESH " + mailbox + ":" + nonce + ":" + nonceCount + ":" + timestamp + ":" +
         hmacSha256Hex(sharedSecret, signed_(mailbox, nonce, nonceCount, password, timestamp));
}

std::string authorizationHeader(const std::string& mailbox, const std::string& password,
                                const std::string& sharedSecret) {
  return authorizationHeader(mailbox, password, sharedSecret,
                             Poco::UUIDGenerator::defaultGenerator().createRandom().toString(), "0",
                             meshTimestamp(std::chrono::system_clock::now()));
}

std::optional<AuthToken> parseAuthorization(const std::string& header) {
  const std::string scheme = "NHSMESH ";
  if (header.rfind(scheme, 0) != 0) return std::nullopt;
  std::string parts[5];
  std::size_t at = scheme.size();
  for (int i = 0; i < 5; ++i) {
    const std::size_t colon = i < 4 ? header.find(':', at) : header.size();
    if (colon == std::string::npos) return std::nullopt;
    parts[i] = header.substr(at, colon - at);
    if (parts[i].empty()) return std::nullopt;
    at = colon + 1;
  }
  return AuthToken{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

bool hashMatches(const AuthToken& token, const std::string& password,
                 const std::string& sharedSecret) {
  return hmacSha256Hex(sharedSecret, signed_(token.mailbox, token.nonce, token.nonceCount, password,
                                             token.timestamp)) == token.hash;
}

}  // namespace pathhub::mesh

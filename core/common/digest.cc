// SHA-256 through Poco, HMAC through OpenSSL (see digest.h).
#include "common/digest.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace pathhub {

std::string sha256Hex(std::string_view bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string hmacSha256Hex(std::string_view key, std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest, &length);
  return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(digest, digest + length));
}

}  // namespace pathhub

// The signed JWT an application-restricted client of the NHS England API platform proves
// itself with (RFC 7523 client assertion): header alg RS512 and kid (the registered public
// key), claims iss = sub = the API key, aud = the token endpoint, a fresh random jti, and exp a
// few minutes on. Signed with the application's RSA private key (Poco JWT and Crypto).
#pragma once

#include <Poco/Crypto/RSAKey.h>
#include <Poco/SharedPtr.h>

#include <chrono>
#include <string>

namespace pathhub::nhs_pathology_api {

struct AssertionSettings {
  std::string apiKey, keyId, tokenUrl;
  std::string signingKey;  // the PEM file of the RSA private key
  std::chrono::seconds lifetime{300};
};

class ClientAssertion {
 public:
  // Throws std::invalid_argument when the key does not load (naming the file).
  explicit ClientAssertion(AssertionSettings settings);
  // A new assertion, valid from `now` for the lifetime.
  std::string make(std::chrono::system_clock::time_point now) const;
  const AssertionSettings& settings() const { return settings_; }

 private:
  AssertionSettings settings_;
  Poco::SharedPtr<Poco::Crypto::RSAKey> key_;
};

}  // namespace pathhub::nhs_pathology_api

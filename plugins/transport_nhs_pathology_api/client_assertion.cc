// The client assertion (see client_assertion.h).
#include "client_assertion.h"

#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <stdexcept>

namespace pathhub::nhs_pathology_api {

ClientAssertion::ClientAssertion(AssertionSettings settings) : settings_(std::move(settings)) {
  try {
    key_ = new Poco::Crypto::RSAKey("", settings_.signingKey);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("signingKey " + settings_.signingKey +
                                ": not an RSA private key that loads: " + e.displayText());
  }
}

std::string ClientAssertion::make(std::chrono::system_clock::time_point now) const {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.header().set("kid", settings_.keyId);
  token.setIssuer(settings_.apiKey);
  token.setSubject(settings_.apiKey);
  token.setAudience(settings_.tokenUrl);
  token.setId(Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
  const auto expires = now + settings_.lifetime;
  token.setExpiration(
      Poco::Timestamp::fromEpochTime(std::chrono::system_clock::to_time_t(expires)));
  Poco::JWT::Signer signer(key_);
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS512);
}

}  // namespace pathhub::nhs_pathology_api

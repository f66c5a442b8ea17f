// A stand-in for the NHS England Pathology REST API and its platform's token endpoint, written
// for the tests — a test double, not the API. HTTPS only, on 127.0.0.1, and mutual: a client
// without a certificate the given CA signed gets no connection. It checks what the real
// platform checks of an application-restricted client:
//   POST /oauth2/token      form grant_type=client_credentials, client_assertion_type=
//                           urn:ietf:params:oauth:client-assertion-type:jwt-bearer and
//                           client_assertion: a JWT signed RS512 with the registered key
//                           (its signature verified with the public key given), kid the
//                           registered key id, iss = sub = the API key, aud = this endpoint's
//                           URL, exp in the future and at most 5 minutes on, a jti not seen
//                           before. Answers {"access_token", "expires_in", "token_type"}, or
//                           400/401 with {"error", "error_description"}.
//   POST /FHIR/R4/Bundle    Authorization: Bearer <a token it issued, not expired>, Content-Type
//                           application/fhir+json and a Bundle: answers what the test queued
//                           (status, OperationOutcome, Retry-After), else 201 with the Bundle.
// Every request records the client certificate's common name.
#pragma once

#include <Poco/Net/Context.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace pathhub::testing {

class PathologyApiDouble {
 public:
  struct Answer {
    int status = 201;
    std::string diagnostics;  // an OperationOutcome issue's, when not empty
    std::string retryAfter;   // a Retry-After header, when not empty
  };
  struct Received {
    std::string bundle, authorization, requestId, correlationId, clientName;
  };

  // `tls` a server context that asks for client certificates; `publicKeyCertificate` the PEM
  // certificate whose RSA key verifies client assertions; `apiKey` and `keyId` what they must
  // name.
  PathologyApiDouble(Poco::Net::Context::Ptr tls, const std::string& publicKeyCertificate,
                     std::string apiKey, std::string keyId);
  ~PathologyApiDouble();

  std::string baseUrl() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::string tokenUrl() const { return baseUrl() + "/oauth2/token"; }
  std::string bundleUrl() const { return baseUrl() + "/FHIR/R4/Bundle"; }

  // The next Bundle POSTs are answered so, in order; then 201.
  void queue(Answer answer);
  // Tokens issued from now on expire after this.
  void tokenLifetime(std::chrono::seconds lifetime);
  // Every token issued so far is refused from now on (as if revoked).
  void revokeTokens();

  std::vector<Received> received() const;
  int tokensIssued() const;
  std::vector<std::string> assertionsRefused() const;  // why, per refusal
  std::vector<std::string> clientNames() const;        // every request's client certificate CN

 private:
  struct Handler;
  struct Factory;
  std::string token(const std::string& form, int& status);
  std::string bundle(const std::string& authorization, const std::string& contentType,
                     const std::string& body, Received received, int& status,
                     std::string& retryAfter);

  std::string apiKey_, keyId_, publicKey_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::deque<Answer> queued_;
  std::vector<Received> received_;
  std::set<std::string> jtis_;
  std::map<std::string, std::chrono::steady_clock::time_point> tokens_;  // token → expiry
  std::chrono::seconds lifetime_{599};
  int issued_ = 0;
  std::vector<std::string> refused_;
  std::vector<std::string> clientNames_;
};

}  // namespace pathhub::testing

// Access tokens of the NHS England API platform's application-restricted pattern: a client
// assertion (client_assertion.h) exchanged at the token endpoint (POST, form-encoded:
// grant_type=client_credentials, client_assertion_type=urn:ietf:params:oauth:client-assertion-
// type:jwt-bearer, client_assertion=<JWT>) for {"access_token", "expires_in"}. A token is kept
// and reused until a minute before it expires, or until the API refuses it (forget()).
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/URI.h>

#include <chrono>
#include <memory>
#include <string>

#include "client_assertion.h"
#include "pathhub/error.h"

namespace pathhub::nhs_pathology_api {

class AccessTokens {
 public:
  AccessTokens(ClientAssertion assertion, std::unique_ptr<Poco::Net::HTTPClientSession> session);
  // The token to send as "Bearer ..."; an error says why none could be had (kIoError: the
  // endpoint could not be reached; kInvalidValue: it refused the assertion, with its answer).
  Result<std::string> current();
  // The API refused the token: the next call fetches a new one.
  void forget() { token_.clear(); }

 private:
  Result<std::string> fetch();

  ClientAssertion assertion_;
  Poco::URI url_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::string token_;
  std::chrono::steady_clock::time_point renewAt_;
};

}  // namespace pathhub::nhs_pathology_api

// The NHS Pathology API destination: POSTs each FHIR message Bundle to the API (a delivery's
// "to", as practice routing gives it, else `url`) with a bearer token from the platform's
// token endpoint (access_tokens.h), over mutual TLS. How answers map:
//   2xx                         delivered; the status and the start of the answer kept with it
//   401                         the token is dropped (a new one for the next attempt); retried
//   408, 429, 5xx, no answer    retried by the hub; a Retry-After (seconds or an HTTP date) is
//                               passed on, so the next attempt waits at least that long
//   any other 4xx               rejected: the receiver refused this Bundle; the reason is the
//                               status and the OperationOutcome's issues (else the body's start)
//   no token                    retried, with the token endpoint's answer as the reason
#pragma once

#include <Poco/URI.h>

#include <memory>

#include "access_tokens.h"
#include "pathhub/plugin_sdk.hpp"
#include "tls/http_client_session.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace pathhub::nhs_pathology_api {

class ApiDestination : public sdk::Destination {
 public:
  explicit ApiDestination(const sdk::Host& host);  // throws std::invalid_argument
  ~ApiDestination() override;
  sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override;

 private:
  sdk::Host host_;
  Poco::URI url_;
  std::unique_ptr<AccessTokens> tokens_;
  tls::HttpSessions sessions_;
};

}  // namespace pathhub::nhs_pathology_api

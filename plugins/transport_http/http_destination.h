// HTTP destination: POSTs each message to a URL. 2xx is delivered; 408, 429, 5xx, a timeout
// or a connection failure is a failed attempt the hub retries; any other 4xx means the
// receiver refused this message for good (REJECTED, with the status and the start of the
// body as the reason), so retrying it would only repeat the refusal. A delivery whose routing
// names a URL (the attribute "to", as practice routing gives a practice's endpoint) goes there
// instead of `url`, with the same TLS settings.
#pragma once

#include <Poco/URI.h>

#include "pathhub/plugin_sdk.hpp"
#include "tls/http_client_session.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace pathhub::transport_http {

class HttpDestination : public sdk::Destination {
 public:
  explicit HttpDestination(const sdk::Host& host);
  ~HttpDestination() override;
  sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override;

 private:
  sdk::Host host_;
  Poco::URI url_;
  std::string contentType_, authorization_;
  tls::HttpSessions sessions_;
};

}  // namespace pathhub::transport_http

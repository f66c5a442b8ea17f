// HTTP destination: POSTs each message to a URL. 2xx is delivered; 408, 429, 5xx, a timeout
// or a connection failure is a failed attempt the hub retries; any other 4xx means the
// receiver refused this message for good (REJECTED, with the status and the start of the
// body as the reason), so retrying it would only repeat the refusal.
#pragma once

#include <Poco/URI.h>

#include <memory>

#include "pathhub/plugin_sdk.hpp"

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
  Poco::URI url_;
  std::string contentType_, authorization_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

}  // namespace pathhub::transport_http

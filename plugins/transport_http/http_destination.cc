// HTTP destination (see http_destination.h).
#include "http_destination.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>

#include <stdexcept>

#include "tls/tls_context.h"

namespace pathhub::transport_http {
namespace {

constexpr std::size_t kReasonBytes = 200;  // how much of a refusal's body goes in the reason

}  // namespace

HttpDestination::HttpDestination(const sdk::Host& host)
    : contentType_(host.text("contentType", "x-application/hl7-v2+er7")),
      authorization_(host.text("authorization")) {
  try {
    url_ = Poco::URI(host.text("url"));
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("url: " + e.displayText());
  }
  if ((url_.getScheme() != "http" && url_.getScheme() != "https") || url_.getHost().empty()) {
    throw std::invalid_argument("url: '" + url_.toString() +
                                "' is not an http(s)://HOST[:PORT]/PATH address");
  }
  if (url_.getScheme() == "https") {
    tls::TlsSettings settings{host.text("certificate"), host.text("privateKey"),
                              host.text("caFile")};
    settings.verifyHost = host.boolean("verifyHost", true);
    auto context = tls::clientContext(settings);
    if (!context) throw std::invalid_argument(context.error().text);
    session_ =
        std::make_unique<Poco::Net::HTTPSClientSession>(url_.getHost(), url_.getPort(), *context);
  } else {
    session_ = std::make_unique<Poco::Net::HTTPClientSession>(url_.getHost(), url_.getPort());
  }
  const auto timeout = Poco::Timespan(host.integer("timeoutMs", 30000) * 1000);
  session_->setTimeout(timeout, timeout, timeout);
  session_->setKeepAlive(true);
}

HttpDestination::~HttpDestination() = default;

sdk::Delivery HttpDestination::deliver(std::string_view bytes, std::int64_t messageId) {
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url_.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType(contentType_);
    request.setContentLength(static_cast<std::streamsize>(bytes.size()));
    request.set("X-Pathhub-Message-Id", std::to_string(messageId));
    if (!authorization_.empty()) request.set("Authorization", authorization_);
    session_->sendRequest(request).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    const int status = static_cast<int>(response.getStatus());
    if (status >= 200 && status < 300) {
      return sdk::Delivery::delivered(std::to_string(status) + " " + response.getReason() +
                                      (body.empty() ? "" : ": " + body.substr(0, kReasonBytes)));
    }
    const std::string why = std::to_string(status) + " " + response.getReason() +
                            (body.empty() ? "" : ": " + body.substr(0, kReasonBytes));
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      return sdk::Delivery::rejected(why);
    }
    return sdk::Delivery::retryLater(why);
  } catch (const Poco::Exception& e) {
    session_->reset();  // a fresh connection next time
    return sdk::Delivery::retryLater(url_.getHost() + ":" + std::to_string(url_.getPort()) + ": " +
                                     e.displayText());
  }
}

}  // namespace pathhub::transport_http

// HTTP destination (see http_destination.h).
#include "http_destination.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <stdexcept>

#include "tls/http_client_session.h"

namespace pathhub::transport_http {
namespace {

constexpr std::size_t kReasonBytes = 200;  // how much of a refusal's body goes in the reason

}  // namespace

// Throws std::invalid_argument unless `text` is an http(s)://HOST[:PORT]/PATH address.
Poco::URI httpUrl(const std::string& text) {
  Poco::URI url;
  try {
    url = Poco::URI(text);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("url: " + e.displayText());
  }
  if ((url.getScheme() != "http" && url.getScheme() != "https") || url.getHost().empty()) {
    throw std::invalid_argument("url: '" + url.toString() +
                                "' is not an http(s)://HOST[:PORT]/PATH address");
  }
  return url;
}

namespace {

tls::TlsSettings tlsOf(const sdk::Host& host) {
  tls::TlsSettings settings{host.text("certificate"), host.text("privateKey"), host.text("caFile")};
  settings.verifyHost = host.boolean("verifyHost", true);
  return settings;
}

}  // namespace

HttpDestination::HttpDestination(const sdk::Host& host)
    : host_(host),
      url_(httpUrl(host.text("url"))),
      contentType_(host.text("contentType", "x-application/hl7-v2+er7")),
      authorization_(host.text("authorization")),
      sessions_(tlsOf(host), Poco::Timespan(host.integer("timeoutMs", 30000) * 1000)) {
  sessions_.sessionFor(url_);  // TLS settings that do not load fail the instance now
}

HttpDestination::~HttpDestination() = default;

sdk::Delivery HttpDestination::deliver(std::string_view bytes, std::int64_t messageId) {
  Poco::URI url = url_;
  if (const std::string to = host_.deliveryAttribute("to"); !to.empty()) {
    try {
      url = httpUrl(to);
    } catch (const std::invalid_argument& e) {
      return sdk::Delivery::rejected(std::string("the routing's ") + e.what());
    }
  }
  Poco::Net::HTTPClientSession* session = nullptr;
  try {
    session = &sessions_.sessionFor(url);
  } catch (const std::exception& e) {
    return sdk::Delivery::rejected(e.what());
  }
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType(contentType_);
    request.setContentLength(static_cast<std::streamsize>(bytes.size()));
    request.set("X-Pathhub-Message-Id", std::to_string(messageId));
    if (!authorization_.empty()) request.set("Authorization", authorization_);
    session->sendRequest(request).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
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
    session->reset();  // a fresh connection next time
    return sdk::Delivery::retryLater(url.getHost() + ":" + std::to_string(url.getPort()) + ": " +
                                     e.displayText());
  }
}

}  // namespace pathhub::transport_http

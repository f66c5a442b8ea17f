// HTTP(S) requests to the hub's API (see api_client.h).
#include "api_client.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <memory>

#include "tls/tls_context.h"

namespace pathhub::ctl {

ApiClient::ApiClient(std::string url, std::string token, std::string caFile)
    : url_(std::move(url)), token_(std::move(token)), caFile_(std::move(caFile)) {}

Result<ApiResponse> ApiClient::call(const std::string& method, const std::string& target,
                                    const std::string& body, std::ostream* sink) {
  try {
    const Poco::URI base(url_);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (base.getScheme() == "https") {
      tls::TlsSettings settings;
      settings.caFile = caFile_;
      auto context = tls::clientContext(settings);
      if (!context) return tl::unexpected(context.error());
      session =
          std::make_unique<Poco::Net::HTTPSClientSession>(base.getHost(), base.getPort(), *context);
    } else if (base.getScheme() == "http") {
      session = std::make_unique<Poco::Net::HTTPClientSession>(base.getHost(), base.getPort());
    } else {
      return fail(ErrorCode::kUsage, "--url must start with http:// or https://: " + url_);
    }
    session->setTimeout(Poco::Timespan(300, 0));  // a backup of a large journal takes a while
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
    for (const auto& [name, value] : headers_) request.set(name, value);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!body.empty()) request.setContentType("application/json");
    session->sendRequest(request).write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    ApiResponse out;
    out.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) out.headers[Poco::toLower(name)] = value;
    if (sink && out.status == 200) {
      const Poco::UInt64 copied = Poco::StreamCopier::copyStream64(in, *sink, 1 << 20);
      if (response.hasContentLength() &&
          copied != static_cast<Poco::UInt64>(response.getContentLength64())) {
        return fail(ErrorCode::kIoError,
                    "the answer ended after " + std::to_string(copied) + " of " +
                        std::to_string(response.getContentLength64()) + " bytes");
      }
      if (!*sink) return fail(ErrorCode::kIoError, "cannot write what the hub sent");
      return out;
    }
    Poco::StreamCopier::copyToString(in, out.body);
    return out;
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "cannot reach " + url_ + ": " + e.displayText());
  }
}

}  // namespace pathhub::ctl

// The NHS Pathology API destination (see api_destination.h).
#include "api_destination.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>

#include <stdexcept>

#include "fhir/response_reader.h"
#include "tls/http_client_session.h"

namespace pathhub::nhs_pathology_api {
namespace {

constexpr std::size_t kReasonBytes = 300;  // how much of an answer's body goes in a reason

tls::TlsSettings tlsOf(const sdk::Host& host) {
  tls::TlsSettings settings{host.text("certificate"), host.text("privateKey"), host.text("caFile")};
  settings.verifyHost = host.boolean("verifyHost", true);
  return settings;
}

Poco::Timespan timeoutOf(const sdk::Host& host) {
  return Poco::Timespan(host.integer("timeoutMs", 30000) * 1000);
}

Poco::URI httpsUrl(const std::string& text, const std::string& what) {
  Poco::URI url;
  try {
    url = Poco::URI(text);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument(what + ": " + e.displayText());
  }
  if ((url.getScheme() != "https" && url.getScheme() != "http") || url.getHost().empty()) {
    throw std::invalid_argument(what + ": '" + text + "' is not an https://HOST[:PORT]/PATH");
  }
  return url;
}

// What an OperationOutcome in the body says; "" when the body holds none.
std::string outcomeIn(const std::string& body) {
  try {
    auto json = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    if (json->optValue<std::string>("resourceType", "") == "OperationOutcome") {
      return fhir::outcomeIssues(json);
    }
  } catch (const std::exception&) {
    // Not JSON: no OperationOutcome.
  }
  return {};
}

// The receiver's reason for a refusal: its OperationOutcome, else the start of the body.
std::string reasonIn(const std::string& body) {
  std::string outcome = outcomeIn(body);
  return outcome.empty() ? body.substr(0, kReasonBytes) : outcome;
}

}  // namespace

ApiDestination::ApiDestination(const sdk::Host& host)
    : host_(host),
      url_(httpsUrl(host.text("url"), "url")),
      sessions_(tlsOf(host), timeoutOf(host)) {
  AssertionSettings assertion;
  assertion.apiKey = host.text("apiKey");
  assertion.keyId = host.text("keyId");
  assertion.tokenUrl = host.text("tokenUrl");
  assertion.signingKey = host.text("signingKey");
  assertion.lifetime = std::chrono::seconds(host.integer("assertionSeconds", 300));
  auto tokenSession = tls::httpClientSession(httpsUrl(assertion.tokenUrl, "tokenUrl"), tlsOf(host),
                                             timeoutOf(host));
  if (!tokenSession) throw std::invalid_argument(tokenSession.error().text);
  tokens_ = std::make_unique<AccessTokens>(ClientAssertion(assertion), std::move(*tokenSession));
  sessions_.sessionFor(url_);  // TLS settings that do not load fail the instance now
}

ApiDestination::~ApiDestination() = default;

sdk::Delivery ApiDestination::deliver(std::string_view bytes, std::int64_t messageId) {
  Poco::URI url = url_;
  if (const std::string to = host_.deliveryAttribute("to"); !to.empty()) {
    try {
      url = httpsUrl(to, "the routing's address");
    } catch (const std::invalid_argument& e) {
      return sdk::Delivery::rejected(e.what());
    }
  }
  Poco::Net::HTTPClientSession* session = nullptr;
  try {
    session = &sessions_.sessionFor(url);
  } catch (const std::exception& e) {
    return sdk::Delivery::rejected(e.what());
  }
  auto token = tokens_->current();
  if (!token) return sdk::Delivery::retryLater("no access token: " + token.error().text);
  Poco::Net::HTTPResponse response;
  std::string body;
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/fhir+json");
    request.setContentLength(static_cast<std::streamsize>(bytes.size()));
    request.set("Accept", "application/fhir+json");
    request.set("Authorization", "Bearer " + *token);
    request.set("X-Request-ID", Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
    request.set("X-Correlation-ID", "pathhub-" + std::to_string(messageId));
    session->sendRequest(request).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    Poco::StreamCopier::copyToString(session->receiveResponse(response), body);
  } catch (const Poco::Exception& e) {
    session->reset();  // a fresh connection next time
    return sdk::Delivery::retryLater(url.getHost() + ":" + std::to_string(url.getPort()) + ": " +
                                     e.displayText());
  }
  const int status = static_cast<int>(response.getStatus());
  const std::string line = std::to_string(status) + " " + response.getReason();
  if (status >= 200 && status < 300) {
    // Kept with the delivery: where the API filed it, and any warnings it gave.
    std::string answer = line;
    if (response.has("Location")) answer += " " + response.get("Location");
    if (const std::string outcome = outcomeIn(body); !outcome.empty()) answer += ": " + outcome;
    return sdk::Delivery::delivered(answer);
  }
  const std::string why = line + (body.empty() ? "" : ": " + reasonIn(body));
  if (status == 401) {
    tokens_->forget();
    return sdk::Delivery::retryLater(why + " (a new access token is fetched for the next attempt)");
  }
  if (status >= 400 && status < 500 && status != 408 && status != 429) {
    return sdk::Delivery::rejected(why);
  }
  if (const auto wait = tls::retryAfter(response.get("Retry-After", "")); wait.count() > 0) {
    host_.retryAfter(wait);
    return sdk::Delivery::retryLater(why + " (asked to wait " + std::to_string(wait.count()) +
                                     " s)");
  }
  return sdk::Delivery::retryLater(why);
}

}  // namespace pathhub::nhs_pathology_api

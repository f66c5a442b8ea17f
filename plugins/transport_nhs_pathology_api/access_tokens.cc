// Access tokens (see access_tokens.h).
#include "access_tokens.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace pathhub::nhs_pathology_api {
namespace {

// A token is renewed this long before the platform says it expires, so that none goes out
// in its last seconds.
constexpr auto kRenewMargin = std::chrono::seconds(60);
constexpr std::size_t kAnswerBytes = 300;  // how much of a refusal goes in the reason

}  // namespace

AccessTokens::AccessTokens(ClientAssertion assertion,
                           std::unique_ptr<Poco::Net::HTTPClientSession> session)
    : assertion_(std::move(assertion)),
      url_(assertion_.settings().tokenUrl),
      session_(std::move(session)) {}

Result<std::string> AccessTokens::current() {
  if (!token_.empty() && std::chrono::steady_clock::now() < renewAt_) return token_;
  token_.clear();
  return fetch();
}

Result<std::string> AccessTokens::fetch() {
  Poco::Net::HTMLForm form;
  form.set("grant_type", "client_credentials");
  form.set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  form.set("client_assertion", assertion_.make(std::chrono::system_clock::now()));
  std::ostringstream body;
  form.write(body);
  std::string answer;
  Poco::Net::HTTPResponse response;
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url_.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-www-form-urlencoded");
    request.setContentLength(static_cast<std::streamsize>(body.str().size()));
    session_->sendRequest(request) << body.str();
    Poco::StreamCopier::copyToString(session_->receiveResponse(response), answer);
  } catch (const Poco::Exception& e) {
    session_->reset();
    return fail(ErrorCode::kIoError, "token endpoint " + url_.getHost() + ": " + e.displayText());
  }
  const int status = static_cast<int>(response.getStatus());
  if (status != 200) {
    return fail(status >= 500 || status == 429 ? ErrorCode::kIoError : ErrorCode::kInvalidValue,
                "token endpoint answered " + std::to_string(status) + " " + response.getReason() +
                    ": " + answer.substr(0, kAnswerBytes));
  }
  try {
    auto json = Poco::JSON::Parser().parse(answer).extract<Poco::JSON::Object::Ptr>();
    std::string token = json->optValue<std::string>("access_token", "");
    // expires_in is a string on the NHS platform, a number elsewhere: read either.
    const long long expiresIn = std::stoll(json->get("expires_in").toString());
    if (token.empty() || expiresIn <= 0) {
      return fail(ErrorCode::kInvalidValue,
                  "token endpoint: no access_token and expires_in in its answer");
    }
    token_ = std::move(token);
    renewAt_ = std::chrono::steady_clock::now() +
               std::max(std::chrono::seconds(expiresIn) - kRenewMargin, std::chrono::seconds(0));
    return token_;
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInvalidValue,
                std::string("token endpoint: not the answer OAuth gives: ") + e.what());
  }
}

}  // namespace pathhub::nhs_pathology_api

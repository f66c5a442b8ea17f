// The NHS Pathology API double (see pathology_api_double.h).
#include "pathology_api_double.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>

#include <sstream>

namespace pathhub::testing {
namespace {

std::string oauthError(const std::string& error, const std::string& description) {
  Poco::JSON::Object o;
  o.set("error", error);
  o.set("error_description", description);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string outcome(const std::string& code, const std::string& diagnostics) {
  return R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":")" + code +
         R"(","diagnostics":")" + diagnostics + R"("}]})";
}

}  // namespace

struct PathologyApiDouble::Handler : Poco::Net::HTTPRequestHandler {
  explicit Handler(PathologyApiDouble& d) : owner(d) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string client;
    try {
      auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
      Poco::Net::SecureStreamSocket secure(impl.socket());
      client = secure.peerCertificate().commonName();
    } catch (const Poco::Exception&) {
      client = "";  // no certificate: the context refuses such a client before this
    }
    {
      std::lock_guard lock(owner.mutex_);
      owner.clientNames_.push_back(client);
    }
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    int status = 404;
    std::string answer = outcome("not-found", "no such endpoint"), retryAfter;
    if (request.getMethod() == "POST" && request.getURI() == "/oauth2/token") {
      answer = owner.token(body, status);
    } else if (request.getMethod() == "POST" && request.getURI() == "/FHIR/R4/Bundle") {
      Received r{body, request.get("Authorization", ""), request.get("X-Request-ID", ""),
                 request.get("X-Correlation-ID", ""), client};
      answer = owner.bundle(r.authorization, request.getContentType(), body, r, status, retryAfter);
    }
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType(request.getURI() == "/oauth2/token" ? "application/json"
                                                                : "application/fhir+json");
    if (!retryAfter.empty()) response.set("Retry-After", retryAfter);
    response.setContentLength(static_cast<std::streamsize>(answer.size()));
    response.send() << answer;
  }
  PathologyApiDouble& owner;
};

struct PathologyApiDouble::Factory : Poco::Net::HTTPRequestHandlerFactory {
  explicit Factory(PathologyApiDouble& d) : owner(d) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(owner);
  }
  PathologyApiDouble& owner;
};

PathologyApiDouble::PathologyApiDouble(Poco::Net::Context::Ptr tls,
                                       const std::string& publicKeyCertificate, std::string apiKey,
                                       std::string keyId)
    : apiKey_(std::move(apiKey)), keyId_(std::move(keyId)), publicKey_(publicKeyCertificate) {
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, tls);
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

PathologyApiDouble::~PathologyApiDouble() { server_->stopAll(true); }

std::string PathologyApiDouble::token(const std::string& form, int& status) {
  std::istringstream in(form);
  Poco::Net::HTMLForm fields;
  fields.read(in);
  auto refuse = [&](const std::string& why) {
    std::lock_guard lock(mutex_);
    refused_.push_back(why);
    status = 401;
    return oauthError("invalid_request", why);
  };
  if (fields.get("grant_type", "") != "client_credentials") {
    return refuse("grant_type must be client_credentials");
  }
  if (fields.get("client_assertion_type", "") !=
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
    return refuse("client_assertion_type must be jwt-bearer");
  }
  Poco::JWT::Token jwt;
  try {
    Poco::SharedPtr<Poco::Crypto::RSAKey> key =
        new Poco::Crypto::RSAKey(Poco::Crypto::X509Certificate(publicKey_));
    Poco::JWT::Signer verifier(key);
    verifier.addAlgorithm(Poco::JWT::Signer::ALGO_RS512);
    jwt = verifier.verify(fields.get("client_assertion", ""));
  } catch (const Poco::Exception& e) {
    return refuse("client_assertion signature: " + e.displayText());
  }
  if (jwt.getAlgorithm() != "RS512") return refuse("alg must be RS512");
  if (jwt.header().optValue<std::string>("kid", "") != keyId_) return refuse("unknown kid");
  if (jwt.getIssuer() != apiKey_ || jwt.getSubject() != apiKey_) {
    return refuse("iss and sub must be the API key");
  }
  const auto audience = jwt.getAudience();
  if (audience.size() != 1 || audience.front() != tokenUrl()) {
    return refuse("aud must be " + tokenUrl());
  }
  const Poco::Timestamp now;
  const auto exp = jwt.getExpiration();
  if (exp <= now) return refuse("the assertion has expired");
  if (exp - now > Poco::Timespan(300, 0).totalMicroseconds() + 5'000'000) {
    return refuse("exp is more than 5 minutes on");
  }
  std::lock_guard lock(mutex_);
  if (jwt.getId().empty() || !jtis_.insert(jwt.getId()).second) {
    refused_.push_back("jti missing or used before");
    status = 401;
    return oauthError("invalid_request", "jti missing or used before");
  }
  const std::string token = "token-" + std::to_string(++issued_);
  tokens_[token] = std::chrono::steady_clock::now() + lifetime_;
  status = 200;
  Poco::JSON::Object o;
  o.set("access_token", token);
  o.set("expires_in", std::to_string(lifetime_.count()));
  o.set("token_type", "Bearer");
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string PathologyApiDouble::bundle(const std::string& authorization,
                                       const std::string& contentType, const std::string& body,
                                       Received received, int& status, std::string& retryAfter) {
  std::lock_guard lock(mutex_);
  const std::string token =
      authorization.rfind("Bearer ", 0) == 0 ? authorization.substr(7) : std::string();
  const auto known = tokens_.find(token);
  if (known == tokens_.end() || known->second < std::chrono::steady_clock::now()) {
    status = 401;
    return outcome("login", "access token missing, unknown or expired");
  }
  if (contentType.rfind("application/fhir+json", 0) != 0) {
    status = 415;
    return outcome("not-supported", "Content-Type must be application/fhir+json");
  }
  try {
    auto json = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    if (json->optValue<std::string>("resourceType", "") != "Bundle") throw Poco::Exception("");
  } catch (const Poco::Exception&) {
    status = 400;
    return outcome("structure", "the body is no FHIR Bundle");
  }
  received_.push_back(std::move(received));
  Answer a;
  if (!queued_.empty()) {
    a = queued_.front();
    queued_.pop_front();
  }
  status = a.status;
  retryAfter = a.retryAfter;
  if (a.diagnostics.empty()) return status < 300 ? body : outcome("exception", "failed");
  return outcome(status < 500 ? "invalid" : "exception", a.diagnostics);
}

void PathologyApiDouble::queue(Answer answer) {
  std::lock_guard lock(mutex_);
  queued_.push_back(std::move(answer));
}

void PathologyApiDouble::tokenLifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(mutex_);
  lifetime_ = lifetime;
}

void PathologyApiDouble::revokeTokens() {
  std::lock_guard lock(mutex_);
  tokens_.clear();
}

std::vector<PathologyApiDouble::Received> PathologyApiDouble::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

int PathologyApiDouble::tokensIssued() const {
  std::lock_guard lock(mutex_);
  return issued_;
}

std::vector<std::string> PathologyApiDouble::assertionsRefused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::vector<std::string> PathologyApiDouble::clientNames() const {
  std::lock_guard lock(mutex_);
  return clientNames_;
}

}  // namespace pathhub::testing

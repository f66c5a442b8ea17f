// The API server: authentication, dispatch, and turning every failure into a JSON answer
// (see api_server.h).
#include "http/api_server.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <filesystem>
#include <fstream>

#include "mllp/mllp_client.h"
#include "tls/tls_context.h"

namespace pathhub::http {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::streamsize kMaxBody = 1024 * 1024;

// Pages may load only the hub's own scripts, styles and images and talk only to the hub: no
// inline script, nothing from elsewhere, never framed. Data answers may load nothing at all.
constexpr const char* kPageSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
constexpr const char* kDataSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

Poco::Logger& log() { return Poco::Logger::get("http"); }

Reply errorReply(const ApiError& e, bool fhir) {
  if (fhir) return operationOutcome(e.status(), e.code(), e.what());
  Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  error->set("code", e.code());
  error->set("message", std::string(e.what()));
  if (!e.parameter().empty()) error->set("parameter", e.parameter());
  Poco::JSON::Object body;
  body.set("error", error);
  return Reply::json(body, e.status());
}

std::string readBody(HTTPServerRequest& request) {
  if (request.getContentLength() > kMaxBody) {
    throw ApiError(413, "body_too_large", "the body exceeds 1 MiB");
  }
  std::string body;
  if (!tls::announcesBody(request)) return body;  // none follows: do not wait for one
  char buffer[8192];
  std::istream& in = request.stream();
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (static_cast<std::streamsize>(body.size()) > kMaxBody) {
      throw ApiError(413, "body_too_large", "the body exceeds 1 MiB");
    }
  }
  return body;
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(const Router& router, const TokenBook& tokens, ApiContext& context,
             SessionBook& sessions)
      : router_(router), tokens_(tokens), context_(context), sessions_(sessions) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    Reply reply;
    bodyRead_ = false;
    // The FHIR API's errors are OperationOutcomes, as FHIR clients expect.
    const bool fhir = request.getURI().rfind("/fhir/", 0) == 0;
    try {
      reply = dispatch(request, response);
    } catch (const ApiError& e) {
      reply = errorReply(e, fhir);
    } catch (const std::exception& e) {
      log().error("%s %s failed: %s", request.getMethod(), request.getURI(), std::string(e.what()));
      reply = errorReply(ApiError(500, "internal_error", e.what()), fhir);
    }
    // Refused before its body was read (no token, a role too low): the body is not read for
    // a caller not known, so the connection closes rather than read it as the next request.
    if (!bodyRead_ && tls::announcesBody(request)) response.setKeepAlive(false);
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    response.setContentType(reply.contentType);
    // Answers may hold patient data: never cached, never sniffed into something else.
    response.set("Cache-Control", "no-store");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    response.set("Content-Security-Policy", reply.contentType.rfind("text/html", 0) == 0
                                                ? kPageSecurityPolicy
                                                : kDataSecurityPolicy);
    // Over TLS the browser is told to keep to HTTPS for this host, so a later plain-HTTP link
    // cannot carry the session cookie's successor in the clear.
    if (request.secure()) response.set("Strict-Transport-Security", "max-age=31536000");
    for (const auto& [name, value] : reply.headers) response.add(name, value);
    if (!reply.temporaryFile.empty()) {
      sendAndRemove(response, reply.temporaryFile);
      return;
    }
    response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    response.send().write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
  }

 private:
  // The file as the body, with its length; removed afterwards whether or not the peer took it
  // all (a backup holds every patient's data: no copy is left behind).
  static void sendAndRemove(HTTPServerResponse& response, const std::string& file) {
    try {
      std::ifstream in(file, std::ios::binary);
      response.setContentLength64(static_cast<Poco::UInt64>(std::filesystem::file_size(file)));
      Poco::StreamCopier::copyStream64(in, response.send(), 1 << 20);
    } catch (const std::exception& e) {
      log().error("sending %s failed: %s", file, std::string(e.what()));
    }
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
  }

  Reply dispatch(HTTPServerRequest& request, HTTPServerResponse& response) {
    ApiRequest r;
    r.method = request.getMethod();
    Poco::URI uri;
    try {
      uri = Poco::URI(request.getURI());
      r.path = uri.getPath();
      for (auto& [k, v] : uri.getQueryParameters()) r.query.emplace(k, v);
    } catch (const Poco::Exception& e) {
      throw ApiError(400, "bad_request", "the request URI is not valid: " + e.displayText());
    }
    r.queryString = uri.getRawQuery();
    r.peer = request.clientAddress().toString();
    for (const auto& [name, value] : request) r.headers[Poco::toLower(name)] = value;
    r.secure = request.secure();
    const Route& route = router_.match(r.method, r.path, r.pathParams);
    if (route.least) {
      r.caller = authenticate(request, response, r);
      if (r.caller.role < *route.least) {
        const std::string need(roleName(*route.least));
        try {
          context_.audit(r, "denied", r.method + " " + r.path, "needs role " + need);
        } catch (const ApiError&) {
          // Refused either way; the failed audit write is already logged.
        }
        throw ApiError(403, "forbidden",
                       "role " + std::string(roleName(r.caller.role)) + " may not " + r.method +
                           " " + r.path + " (needs " + need + ")");
      }
    }
    r.body = readBody(request);
    bodyRead_ = true;
    return route.handle(r);
  }

  // The caller, from a bearer token or else a console session's cookie. A call that changes
  // something and comes with only the cookie must also carry the session's CSRF token: a page
  // elsewhere can make a browser send the cookie, never read the token.
  Caller authenticate(HTTPServerRequest& request, HTTPServerResponse& response, ApiRequest& r) {
    const std::string_view bearer = TokenBook::bearer(request.get("Authorization", ""));
    if (!bearer.empty()) {
      if (auto caller = tokens_.find(bearer)) return *caller;
    } else if (auto s =
                   sessions_.find(SessionBook::cookieValue(request.get("Cookie", "")), tokens_)) {
      r.caller = s->caller;
      r.sessionId = s->id;
      const bool changes = r.method != "GET" && r.method != "HEAD";
      if (changes && !sameSecret(request.get("X-CSRF-Token", ""), s->csrf)) {
        try {
          context_.audit(r, "denied", r.method + " " + r.path, "no CSRF token");
        } catch (const ApiError&) {
          // Refused either way.
        }
        throw ApiError(403, "csrf", "a change made from the console needs its X-CSRF-Token");
      }
      return s->caller;
    }
    response.set("WWW-Authenticate", "Bearer realm=\"pathhub\"");
    log().warning("%s %s from %s: no valid bearer token or session", r.method, r.path, r.peer);
    throw ApiError(401, "unauthorized", "a valid bearer token (or a console session) is needed");
  }

  const Router& router_;
  const TokenBook& tokens_;
  ApiContext& context_;
  SessionBook& sessions_;
  bool bodyRead_ = false;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Router& router, const TokenBook& tokens, ApiContext& context, SessionBook& sessions)
      : router_(router), tokens_(tokens), context_(context), sessions_(sessions) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new ApiHandler(router_, tokens_, context_, sessions_);
  }

 private:
  const Router& router_;
  const TokenBook& tokens_;
  ApiContext& context_;
  SessionBook& sessions_;
};

}  // namespace

ApiServer::ApiServer(HubControl& hub, const config::ApiConfig& config)
    : config_(config), tokens_(config.tokens), context_(hub, tokens_) {
  addStatusEndpoints(router_, context_);
  addMessageEndpoints(router_, context_);
  addAuditEndpoints(router_, context_);
  addDeliveryEndpoints(router_, context_);
  addOrderEndpoints(router_, context_);
  addJournalEndpoints(router_, context_);
  addClusterEndpoints(router_, context_);
  addAlertEndpoints(router_, context_);
  addRecordEndpoints(router_, context_);
  addScriptEndpoints(router_, context_);
  addMetricsEndpoint(router_, context_);
  addSessionEndpoints(router_, context_, sessions_, tokens_, config_.tls);
  const auto folder = config_.console.empty() ? ConsoleAssets::defaultFolder()
                                              : std::filesystem::path(config_.console);
  if (auto assets = ConsoleAssets::load(folder)) {
    console_ = std::move(*assets);
  } else if (!config_.console.empty()) {
    consoleProblem_ = assets.error().describe();
  } else {
    log().warning("the web console is not served: %s", assets.error().describe());
  }
  addConsoleEndpoints(router_, console_);
}

ApiServer::~ApiServer() { stop(); }

Result<void> ApiServer::start() {
  if (!consoleProblem_.empty()) return fail(ErrorCode::kIoError, "api console: " + consoleProblem_);
  auto listen = mllp::parseEndpoint(config_.listen, true);
  if (!listen) return fail(ErrorCode::kInvalidValue, "api listen: " + listen.error().text);
  const tls::TlsSettings settings{config_.certificate, config_.privateKey, config_.caFile,
                                  config_.requireClientCertificate};
  constexpr int kThreads = 32;
  auto socket = tls::listeningSocket(Poco::Net::SocketAddress(listen->host, listen->port),
                                     kThreads * 8, config_.tls ? &settings : nullptr);
  if (!socket) return tl::unexpected(socket.error());
  port_ = socket->address().port();
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(kThreads);
  params->setMaxQueued(kThreads * 8);
  params->setTimeout(Poco::Timespan(10, 0));
  // A kept-alive connection holds a thread while it waits: a browser keeps up to 6 open.
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  threads_ = std::make_unique<Poco::ThreadPool>(1, kThreads);
  // One address (a browser opens up to 6 connections; users behind one proxy share an address)
  // may hold half of the 32 threads, so clients that connect and say nothing never keep
  // /health or the others waiting; their heads must come within 10 s in any case.
  tls::ConnectionLimits limits;
  limits.perAddress = 16;
  limits.keepAliveIdle = std::chrono::seconds(5);
  server_ = std::make_unique<tls::GuardedHttpServer>(
      new Factory(router_, tokens_, context_, sessions_), *threads_, *socket, params, limits,
      [](const std::string& code, const std::string& message) {
        return errorReply(ApiError(503, code, message), false).body;
      });
  server_->start();
  log().information("HTTP%s API listening on %s:%hu", std::string(config_.tls ? "S" : ""),
                    listen->host, port_);
  return {};
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stopAll(true);
  server_.reset();
  threads_->joinAll();
}

std::uint16_t ApiServer::port() const { return port_; }

}  // namespace pathhub::http

// HTTP source (see http_source.h).
#include "http_source.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "mllp/mllp_client.h"
#include "tls/guarded_http_server.h"
#include "tls/tls_context.h"

namespace pathhub::transport_http {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void sendJson(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
              const Poco::JSON::Object& body) {
  std::ostringstream text;
  body.stringify(text);
  response.setStatus(status);
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(text.str().size()));
  response.send() << text.str();
}

void sendError(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
               const std::string& code, const std::string& message) {
  Poco::JSON::Object body;
  body.set("error", code);
  body.set("message", message);
  sendJson(response, status, body);
}

// Whether `type` (parameters such as "; charset=utf-8" aside) is one of `taken`, a
// comma-separated list. A request without a Content-Type is taken.
bool takesContentType(const std::string& type, const std::string& taken) {
  if (type.empty()) return true;
  std::size_t at = 0;
  while (at <= taken.size()) {
    const std::size_t comma = std::min(taken.find(',', at), taken.size());
    std::string ok = taken.substr(at, comma - at);
    ok.erase(0, ok.find_first_not_of(' '));
    ok.erase(ok.find_last_not_of(' ') + 1);
    if (!ok.empty() && type.rfind(ok, 0) == 0) return true;
    at = comma + 1;
  }
  return false;
}

class MessageHandler : public Poco::Net::HTTPRequestHandler {
 public:
  MessageHandler(const sdk::Host& host, std::string path) : host_(host), path_(std::move(path)) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    if (request.getURI() != path_) {
      sendError(response, HTTPResponse::HTTP_NOT_FOUND, "not_found",
                "messages are POSTed to " + path_);
      return;
    }
    if (request.getMethod() != "POST") {
      response.set("Allow", "POST");
      sendError(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                "use POST to send a message");
      return;
    }
    const std::string peer = request.clientAddress().toString();
    const std::uint64_t limit = host_.maxMessageBytes();
    std::string body;
    std::istream& in = request.stream();
    char chunk[65536];
    // A POST with no length and not chunked has no body: nothing is waited for.
    while (tls::announcesBody(request) && in && body.size() <= limit) {
      in.read(chunk, sizeof chunk);
      body.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    if (body.size() > limit) {
      const std::string why = "the body exceeds the limit of " + std::to_string(limit) + " bytes";
      host_.refuse(std::string_view(body).substr(0, limit), peer, why, PHUB_REFUSAL_TOO_LARGE);
      response.setKeepAlive(false);  // the rest of the body is not read
      sendError(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "too_large", why);
      return;
    }
    const std::string taken =
        host_.text("contentTypes", "x-application/hl7-v2+er7,application/hl7-v2,text/plain");
    if (!takesContentType(request.getContentType(), taken)) {
      const std::string why = "Content-Type " + request.getContentType() +
                              " is not taken here (it takes " + taken + ")";
      host_.refuse(body, peer, why, PHUB_REFUSAL_NOT_TAKEN);
      sendError(response, HTTPResponse::HTTP_UNSUPPORTEDMEDIATYPE, "unsupported_media_type", why);
      return;
    }
    const phub_submit_result r = host_.submit(body, peer);
    Poco::JSON::Object answer;
    answer.set("messageId", static_cast<Poco::Int64>(r.message_id));
    if (r.reply_size > 0) answer.set("ack", std::string(r.reply, r.reply_size));
    switch (r.status) {
      case PHUB_SUBMIT_ACCEPTED:
      case PHUB_SUBMIT_DUPLICATE:
        answer.set("status", r.status == PHUB_SUBMIT_ACCEPTED ? "accepted" : "duplicate");
        sendJson(response, HTTPResponse::HTTP_ACCEPTED, answer);
        return;
      case PHUB_SUBMIT_REJECTED:
        answer.set("error", "rejected");
        answer.set("message", std::string(r.reason));
        sendJson(response, HTTPResponse::HTTP_BAD_REQUEST, answer);
        return;
      default:  // busy, not stored, stopping: the sender should try again
        response.set("Retry-After", "5");
        answer.set("error", r.status == PHUB_SUBMIT_BUSY ? "busy" : "unavailable");
        answer.set("message", std::string(r.reason));
        sendJson(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, answer);
    }
  }

 private:
  sdk::Host host_;
  std::string path_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(const sdk::Host& host, std::string path) : host_(host), path_(std::move(path)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new MessageHandler(host_, path_);
  }

 private:
  sdk::Host host_;
  std::string path_;
};

}  // namespace

HttpSource::HttpSource(const sdk::Host& host) : host_(host) {}

HttpSource::~HttpSource() { stop(); }

void HttpSource::start() {
  auto listen = mllp::parseEndpoint(host_.text("listen"), true);
  if (!listen) throw std::invalid_argument("listen: " + listen.error().text);
  const int connections = static_cast<int>(host_.integer("maxConnections", 16));
  const bool https = host_.boolean("tls");
  const tls::TlsSettings settings{host_.text("certificate"), host_.text("privateKey"),
                                  host_.text("caFile"), host_.boolean("requireClientCertificate")};
  auto listening = tls::listeningSocket(Poco::Net::SocketAddress(listen->host, listen->port),
                                        connections * 4, https ? &settings : nullptr);
  if (!listening) throw std::runtime_error(listening.error().text);
  Poco::Net::ServerSocket socket = *listening;
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(connections);
  params->setMaxQueued(connections * 4);
  params->setTimeout(Poco::Timespan(host_.integer("timeoutSeconds", 60), 0));
  threads_ = std::make_unique<Poco::ThreadPool>(1, connections);
  tls::ConnectionLimits limits;
  limits.perAddress = static_cast<int>(host_.integer("maxConnectionsPerAddress", 8));
  limits.headerDeadline = std::chrono::seconds(host_.integer("headerSeconds", 10));
  limits.requestDeadline = std::chrono::seconds(host_.integer("requestSeconds", 120));
  server_ = std::make_unique<tls::GuardedHttpServer>(
      new HandlerFactory(host_, host_.text("path", "/messages")), *threads_, socket, params, limits,
      [](const std::string& code, const std::string& message) {
        Poco::JSON::Object body;
        body.set("error", code);
        body.set("message", message);
        std::ostringstream text;
        body.stringify(text);
        return text.str();
      });
  server_->start();
  host_.log(PHUB_LOG_INFO, std::string(https ? "HTTPS" : "HTTP") + " source listening on " +
                               listen->host + ":" + std::to_string(socket.address().port()) +
                               host_.text("path", "/messages"));
}

void HttpSource::stop() {
  if (!server_) return;
  server_->stopAll(true);
  server_.reset();
  threads_->joinAll();
}

}  // namespace pathhub::transport_http

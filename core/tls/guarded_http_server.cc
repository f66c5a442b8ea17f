// Poco's HTTP server behind a connection guard (see guarded_http_server.h).
#include "tls/guarded_http_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace pathhub::tls {
namespace {

// The ticket of the connection this thread serves: HTTPServerConnection calls the handler
// factory and the handler on the thread that runs the connection.
thread_local ConnectionGuard::Ticket* currentTicket = nullptr;

// Runs the real handler under the request deadline, then gives the connection the keep-alive
// wait and a header deadline for its next request.
class DeadlineHandler : public Poco::Net::HTTPRequestHandler {
 public:
  DeadlineHandler(Poco::Net::HTTPRequestHandler* inner, const ConnectionLimits& limits)
      : inner_(inner), limits_(limits) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    inner_->handleRequest(request, response);
    if (currentTicket) currentTicket->arm(limits_.keepAliveIdle + limits_.headerDeadline);
  }

 private:
  std::unique_ptr<Poco::Net::HTTPRequestHandler> inner_;
  ConnectionLimits limits_;
};

class GuardedFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  GuardedFactory(Poco::Net::HTTPRequestHandlerFactory::Ptr inner, ConnectionLimits limits)
      : inner_(std::move(inner)), limits_(limits) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override {
    if (currentTicket) currentTicket->arm(limits_.requestDeadline);  // the head is in
    Poco::Net::HTTPRequestHandler* handler = inner_->createRequestHandler(request);
    return handler ? new DeadlineHandler(handler, limits_) : nullptr;
  }

 private:
  Poco::Net::HTTPRequestHandlerFactory::Ptr inner_;
  ConnectionLimits limits_;
};

class GuardedConnection : public Poco::Net::TCPServerConnection {
 public:
  GuardedConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<ConnectionGuard> guard,
                    Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr factory, const ErrorBody& errorBody)
      : TCPServerConnection(socket),
        guard_(std::move(guard)),
        params_(std::move(params)),
        factory_(std::move(factory)),
        errorBody_(errorBody) {}

  void run() override {
    std::string why;
    auto ticket = guard_->admit(socket(), &why);
    if (!ticket) {
      refuse(why);
      return;
    }
    ticket->arm(guard_->limits().headerDeadline);
    currentTicket = ticket.get();
    try {
      Poco::Net::HTTPServerConnection(socket(), params_, factory_).run();
    } catch (...) {
      currentTicket = nullptr;
      throw;
    }
    currentTicket = nullptr;
  }

 private:
  // Not admitted: a short 503 naming why, then the connection closes. Written directly, as no
  // request has been read (and none will be).
  void refuse(const std::string& why) {
    const std::string body = errorBody_("too_many_connections", why);
    const std::string answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json"
        "\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\nRetry-After: 5\r\n\r\n" + body;
    try {
      socket().setSendTimeout(Poco::Timespan(2, 0));
      socket().sendBytes(answer.data(), static_cast<int>(answer.size()));
    } catch (const Poco::Exception&) {
      // The peer went: nothing more to tell it.
    }
  }

  std::shared_ptr<ConnectionGuard> guard_;
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  ErrorBody errorBody_;  // a copy: a connection may finish after the server is gone
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(std::shared_ptr<ConnectionGuard> guard, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr factory, ErrorBody errorBody)
      : guard_(std::move(guard)),
        params_(std::move(params)),
        factory_(std::move(factory)),
        errorBody_(std::move(errorBody)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new GuardedConnection(socket, guard_, params_, factory_, errorBody_);
  }

 private:
  std::shared_ptr<ConnectionGuard> guard_;
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  ErrorBody errorBody_;
};

}  // namespace

bool announcesBody(const Poco::Net::HTTPServerRequest& request) {
  return request.hasContentLength() || request.getChunkedTransferEncoding();
}

GuardedHttpServer::GuardedHttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                                     Poco::ThreadPool& threads,
                                     const Poco::Net::ServerSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params,
                                     ConnectionLimits limits, ErrorBody errorBody)
    : guard_(std::make_shared<ConnectionGuard>(limits)) {
  Poco::Net::HTTPRequestHandlerFactory::Ptr guarded =
      new GuardedFactory(std::move(factory), limits);
  server_ = std::make_unique<Poco::Net::TCPServer>(
      new ConnectionFactory(guard_, params, guarded, std::move(errorBody)), threads, socket,
      params);
}

GuardedHttpServer::~GuardedHttpServer() { stopAll(true); }

void GuardedHttpServer::start() { server_->start(); }

void GuardedHttpServer::stopAll(bool abortCurrent) {
  if (!server_) return;
  server_->stop();
  // As Poco's HTTPServer::stopAll(true): connections in progress end now, not at their deadlines.
  if (abortCurrent) guard_->shutdownAll();
  server_.reset();
}

}  // namespace pathhub::tls

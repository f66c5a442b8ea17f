// Poco's HTTP server (HTTPServerConnection on a TCPServer) behind a ConnectionGuard, for the
// API and the HTTP source: a peer over its address's cap gets 503 and the connection closes; a
// request's head must arrive within the header deadline, its body and answer within the
// request deadline, and a kept-alive connection must start its next request within the
// keep-alive wait — past any of them the connection is shut down, so slow or silent peers
// cannot hold the server's threads.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <functional>
#include <memory>
#include <string>

#include "tls/connection_guard.h"

namespace pathhub::tls {

// The JSON body of an error answer in the server's own shape.
using ErrorBody = std::function<std::string(const std::string& code, const std::string& message)>;

// Whether a request's head says a body follows (a Content-Length, or chunked). A request with
// neither has no body (RFC 9112, 6.3) — but Poco's request stream would read one until the
// connection closes, so a handler asks this before reading.
bool announcesBody(const Poco::Net::HTTPServerRequest& request);

class GuardedHttpServer {
 public:
  GuardedHttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::ThreadPool& threads,
                    const Poco::Net::ServerSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    ConnectionLimits limits, ErrorBody errorBody);
  ~GuardedHttpServer();
  void start();
  void stopAll(bool abortCurrent);
  int openConnections() const { return guard_->open(); }

 private:
  std::shared_ptr<ConnectionGuard> guard_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace pathhub::tls

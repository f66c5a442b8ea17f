// The hub's HTTP API server (Poco HTTPServer; HTTPS, optionally with client certificates,
// through core/tls): bearer-token authentication, role checks, JSON errors, and the endpoint
// groups of api_endpoints.h. Runs on its own small thread pool, beside the pipeline.
#pragma once

#include <Poco/ThreadPool.h>

#include <memory>

#include "config/hub_config.h"
#include "http/api_endpoints.h"
#include "http/console_sessions.h"
#include "http/hub_control.h"
#include "tls/guarded_http_server.h"

namespace pathhub::http {

class ApiServer {
 public:
  ApiServer(HubControl& hub, const config::ApiConfig& config);
  ~ApiServer();

  // Listens on config.listen; the error names the address or the certificate file.
  Result<void> start();
  void stop();
  std::uint16_t port() const;  // the bound port (useful when configured as 0)
  // The hub's reload, with the API's tokens (ApiContext::reload): for SIGHUP.
  Result<ReloadReport> reload() { return context_.reload(); }

 private:
  config::ApiConfig config_;
  TokenBook tokens_;
  SessionBook sessions_;
  ConsoleAssets console_;
  std::string consoleProblem_;  // why a configured console folder could not be read
  ApiContext context_;
  Router router_;
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::unique_ptr<tls::GuardedHttpServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace pathhub::http

// HTTP source: accepts messages POSTed to one path and answers once the hub has committed
// them: 202 with a JSON body naming the journal id (and the HL7 acknowledgement the hub built,
// for senders that want it); 400 with the reason for a message the hub rejected (kept in the
// journal all the same); 413 for a body over the channel's size limit (recorded as refused);
// 503 with Retry-After when the channel is over its backlog or the journal failed; 404 and 405
// for other paths and methods; 503 for a sender over its
// connection cap (tls/guarded_http_server.h). Every error body is JSON: {"error": code, "message":
// text}.
#pragma once

#include <memory>

#include "pathhub/plugin_sdk.hpp"

namespace pathhub::tls {
class GuardedHttpServer;
}
namespace Poco {
class ThreadPool;
}

namespace pathhub::transport_http {

class HttpSource : public sdk::Source {
 public:
  explicit HttpSource(const sdk::Host& host);
  ~HttpSource() override;
  void start() override;
  void stop() override;

 private:
  sdk::Host host_;
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::unique_ptr<tls::GuardedHttpServer> server_;
};

}  // namespace pathhub::transport_http

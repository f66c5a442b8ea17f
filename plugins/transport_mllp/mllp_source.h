// MLLP source: listens, and hands each decoded frame to the hub, which records it in the
// journal before this source sends the acknowledgement the hub built (AA once committed; AR
// with an ERR segment for unreadable or oversized input; AE when busy or not stored). While
// the hub applies back-pressure the connection is simply not read.
#pragma once

#include <memory>

#include "mllp/mllp_server.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_mllp {

class MllpSource : public sdk::Source {
 public:
  explicit MllpSource(const sdk::Host& host);
  void start() override;
  void stop() override;

 private:
  std::optional<std::string> handle(const mllp::DecodedFrame& frame);

  sdk::Host host_;
  mllp::Endpoint listen_;
  mllp::ServerOptions options_;
  std::unique_ptr<mllp::Server> server_;
};

}  // namespace pathhub::transport_mllp

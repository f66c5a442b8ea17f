// MLLP source of a channel: listens, and for each frame records the message in the journal
// before acknowledging it. Unparseable or oversized input is kept as "rejected" with the
// reason and answered AR with an ERR segment; a resend within the dedupe window is ACKed and
// not routed again; when the channel's backlog is over its limit the source stops reading
// (or answers AE "busy" when configured so). A journal failure is answered AE, never AA.
#pragma once

#include <Poco/Logger.h>

#include <memory>

#include "config/hub_config.h"
#include "mllp/mllp_server.h"
#include "pipeline/channel.h"
#include "pipeline/source.h"

namespace pathhub::pipeline {

class MllpSource : public Source {
 public:
  explicit MllpSource(Channel& channel);
  Result<void> start() override;
  void stop() override;

 private:
  std::optional<std::string> handle(const mllp::DecodedFrame& frame);

  Channel& channel_;
  Poco::Logger& log_;
  std::unique_ptr<mllp::Server> server_;
  std::atomic<bool> stopping_{false};
};

}  // namespace pathhub::pipeline

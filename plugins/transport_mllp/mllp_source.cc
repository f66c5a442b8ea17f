// MLLP source (see mllp_source.h).
#include "mllp_source.h"

#include <stdexcept>

namespace pathhub::transport_mllp {

MllpSource::MllpSource(const sdk::Host& host) : host_(host) {
  auto listen = mllp::parseEndpoint(host_.text("listen"), true);
  if (!listen) throw std::invalid_argument("listen: " + listen.error().text);
  listen_ = *listen;
  options_.maxMessageBytes = host_.maxMessageBytes();
  options_.maxConnections = static_cast<int>(host_.integer("maxConnections", 64));
  options_.idleTimeout = std::chrono::seconds(host_.integer("idleTimeoutSeconds", 600));
  options_.perAddress = static_cast<int>(host_.integer("maxConnectionsPerAddress", 32));
  options_.idleWhenBusy = std::chrono::seconds(host_.integer("idleWhenBusySeconds", 10));
  if (host_.boolean("tls")) {
    auto context =
        tls::serverContext({host_.text("certificate"), host_.text("privateKey"),
                            host_.text("caFile"), host_.boolean("requireClientCertificate")});
    if (!context) throw std::invalid_argument(context.error().text);
    options_.tls = *context;
  }
}

void MllpSource::start() {
  server_ = std::make_unique<mllp::Server>(
      listen_, [this](const mllp::DecodedFrame& f) { return handle(f); }, options_);
  if (auto started = server_->start(); !started) {
    throw std::runtime_error(started.error().describe());
  }
  host_.log(PHUB_LOG_INFO,
            "MLLP source listening on " + listen_.host + ":" + std::to_string(server_->port()));
}

void MllpSource::stop() {
  if (server_) server_->stop();
}

std::optional<std::string> MllpSource::handle(const mllp::DecodedFrame& frame) {
  const phub_submit_result r =
      frame.ok
          ? host_.submit(frame.payload, frame.peer)
          : host_.refuse(frame.payload, frame.peer, frame.error.describe(),
                         frame.error.code == ErrorCode::kMessageTooLarge ? PHUB_REFUSAL_TOO_LARGE
                                                                         : PHUB_REFUSAL_UNFRAMED);
  if (r.status == PHUB_SUBMIT_STOPPING) return std::nullopt;  // the sender will resend
  if (!frame.ok) host_.count("frames_refused");
  return std::string(r.reply, r.reply_size);
}

}  // namespace pathhub::transport_mllp

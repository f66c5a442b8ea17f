// MLLP source (see mllp_source.h).
#include "pipeline/mllp_source.h"

#include <thread>

#include "hl7/ack.h"
#include "hl7/message.h"

namespace pathhub::pipeline {
namespace {

hl7::AckOptions textOnly(std::string text) {
  hl7::AckOptions o;
  o.text = std::move(text);
  return o;
}

}  // namespace

MllpSource::MllpSource(Channel& channel)
    : channel_(channel), log_(Poco::Logger::get("source." + channel.config().name)) {}

Result<void> MllpSource::start() {
  const auto& s = channel_.config().source;
  mllp::ServerOptions options;
  options.maxMessageBytes = s.maxMessageBytes;
  options.maxConnections = s.maxConnections;
  options.idleTimeout = s.idleTimeout;
  server_ = std::make_unique<mllp::Server>(
      s.listen, [this](const mllp::DecodedFrame& f) { return handle(f); }, options);
  auto started = server_->start();
  if (started) {
    log_.information("channel %s: MLLP source listening on %s:%hu", channel_.config().name,
                     s.listen.host, server_->port());
  }
  return started;
}

void MllpSource::stop() {
  stopping_ = true;
  if (server_) server_->stop();
}

std::optional<std::string> MllpSource::handle(const mllp::DecodedFrame& frame) {
  const auto& config = channel_.config();
  journal::NewMessage record;
  record.channel = config.name;
  record.source = config.name + "/mllp";
  if (!frame.ok) {
    // Nothing of an oversized frame is kept but the fact and the reason.
    record.rejected = true;
    record.error = frame.error.describe();
    if (auto kept = channel_.accept(record); !kept) {
      log_.error("channel %s: cannot record a rejected frame: %s", config.name,
                 kept.error().describe());
    }
    return hl7::buildAckForUnparsed("", hl7::AckCode::kReject, {},
                                    {hl7::AckError::from(frame.error)});
  }
  auto message = hl7::Message::parse(frame.payload);
  if (!message) {
    record.rejected = true;
    record.bytes = frame.payload;
    record.error = message.error().describe();
    if (auto header = hl7::Message::parseHeader(frame.payload)) {
      record.controlId = header->controlId();
      record.messageType = header->messageType();
    }
    if (auto kept = channel_.accept(record); !kept) {
      log_.error("channel %s: cannot record a rejected message: %s", config.name,
                 kept.error().describe());
    }
    return hl7::buildAckForUnparsed(frame.payload, hl7::AckCode::kReject, {},
                                    {hl7::AckError::from(message.error())});
  }
  // Back-pressure: stop reading this connection until the backlog drains, or say "busy".
  while (channel_.overBacklog() && !stopping_) {
    if (config.busyAckWhenFull) {
      return hl7::buildAck(*message, hl7::AckCode::kError,
                           textOnly("busy: channel " + config.name +
                                    " has reached its backlog limit; resend later"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (stopping_) return std::nullopt;  // shutting down: the sender will resend
  record.bytes = frame.payload;
  record.controlId = message->controlId();
  record.messageType = message->messageType() + "^" + message->triggerEvent();
  auto appended = channel_.accept(record);
  if (!appended) {
    log_.error("channel %s: message %s not stored: %s", config.name, record.controlId,
               appended.error().describe());
    return hl7::buildAck(*message, hl7::AckCode::kError,
                         textOnly("message not stored, resend later: " + appended.error().text));
  }
  if (appended->sameIdOtherBytes) {
    log_.warning("channel %s: control id %s reused with different content (message %?d)",
                 config.name, record.controlId, static_cast<long long>(appended->id));
  }
  if (!hl7::wantsAck(*message, hl7::AckCode::kAccept)) return std::string();
  return hl7::buildAck(*message, hl7::AckCode::kAccept);
}

}  // namespace pathhub::pipeline

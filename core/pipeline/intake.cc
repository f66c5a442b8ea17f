// A channel's intake (see intake.h): the source logic shared by every transport.
#include "pipeline/intake.h"

#include <Poco/Logger.h>

#include <optional>
#include <thread>

#include "hl7/ack.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/search_keys.h"

namespace pathhub::pipeline {
namespace {

using Status = Submission::Status;

hl7::AckOptions textOnly(std::string text) {
  hl7::AckOptions o;
  o.text = std::move(text);
  return o;
}

// What the journal keeps to find a parsed message again: control id, type, search keys.
void identify(journal::NewMessage& record, const hl7::Message& message) {
  record.controlId = message.controlId();
  record.messageType = message.messageType() + "^" + message.triggerEvent();
  auto keys = hl7::searchKeys(message);
  record.nhsNumber = std::move(keys.nhsNumber);
  record.placerOrder = std::move(keys.placerOrder);
  record.fillerOrder = std::move(keys.fillerOrder);
}

Poco::Logger& logFor(const Channel& channel) {
  return Poco::Logger::get("source." + channel.config().name);
}

}  // namespace

Intake::Intake(Channel& channel, std::string sourceType, Converter decoder)
    : channel_(channel),
      source_(channel.config().name + "/" + std::move(sourceType)),
      decoder_(std::move(decoder)) {}

journal::NewMessage Intake::base(const std::string& origin) const {
  journal::NewMessage record;
  record.channel = channel_.config().name;
  record.source = source_;
  record.peer = origin;
  return record;
}

bool Intake::waitForRoom() {
  while (channel_.overBacklog() && !stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !stopping_;
}

Submission Intake::keepRejected(journal::NewMessage record, std::string_view bytes,
                                const Error& why) {
  record.rejected = true;
  record.error = why.describe();
  Submission out{Status::kRejected, 0, {}, record.error};
  if (auto kept = channel_.accept(record); kept) {
    out.messageId = kept->id;
  } else {
    logFor(channel_).error("channel %s: cannot record rejected input from %s: %s",
                           channel_.config().name, record.peer, kept.error().describe());
  }
  out.reply =
      hl7::buildAckForUnparsed(bytes, hl7::AckCode::kReject, {}, {hl7::AckError::from(why)});
  return out;
}

Submission Intake::refuse(std::string_view bytes, const std::string& origin, ErrorCode code,
                          const std::string& reason) {
  journal::NewMessage record = base(origin);
  record.bytes = std::string(bytes.substr(0, channel_.config().source.maxMessageBytes));
  return keepRejected(std::move(record), bytes, Error{code, reason, {}});
}

Submission Intake::submit(std::string_view bytes, const std::string& origin) {
  if (decoder_) return submitDecoded(bytes, origin);
  return submitHl7(bytes, origin, {});
}

Submission Intake::submitDecoded(std::string_view bytes, const std::string& origin) {
  const auto& config = channel_.config();
  if (bytes.size() > config.source.maxMessageBytes) {
    return refuse(bytes, origin, ErrorCode::kMessageTooLarge,
                  "input of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                      std::to_string(config.source.maxMessageBytes) + " bytes");
  }
  auto converted = decoder_.convert(bytes);
  if (!converted || converted->messages.empty()) {
    journal::NewMessage record = base(origin);
    record.bytes = std::string(bytes);
    const Error why =
        converted ? Error{ErrorCode::kInvalidValue, "it holds no report", {}} : converted.error();
    return keepRejected(std::move(record), bytes,
                        Error{why.code, "codec " + decoder_.name + ": " + why.text, why.context});
  }
  // The input's answer is the first message's that was not accepted, else the last one's,
  // with the counts of the whole input.
  std::optional<Submission> problem;
  Submission last;
  std::uint32_t messages = 0, rejected = 0;
  for (std::size_t i = 0; i < converted->messages.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> events;
    if (i == 0) events.emplace_back("received_as", decoder_.name + "\n" + std::string(bytes));
    for (const auto& w : converted->warnings) events.emplace_back("conversion_warning", w);
    last = submitHl7(converted->messages[i], origin, std::move(events));
    ++messages;
    if (last.status == Status::kRejected) ++rejected;
    const bool taken = last.status == Status::kAccepted || last.status == Status::kDuplicate;
    if (!taken && !problem) problem = last;
    if (last.status == Status::kStopping || last.status == Status::kFailed) break;
  }
  Submission out = problem ? std::move(*problem) : std::move(last);
  out.messages = messages;
  out.rejected = rejected;
  return out;
}

Submission Intake::submitHl7(std::string_view bytes, const std::string& origin,
                             std::vector<std::pair<std::string, std::string>> events) {
  const auto& config = channel_.config();
  if (bytes.size() > config.source.maxMessageBytes) {
    return refuse(bytes, origin, ErrorCode::kMessageTooLarge,
                  "message of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                      std::to_string(config.source.maxMessageBytes) + " bytes");
  }
  journal::NewMessage record = base(origin);
  record.bytes = std::string(bytes);
  auto message = hl7::Message::parse(record.bytes);
  if (!message) {
    if (auto header = hl7::Message::parseHeader(bytes)) {
      record.controlId = header->controlId();
      record.messageType = header->messageType();
    }
    return keepRejected(std::move(record), bytes, message.error());
  }
  // A message that does not say what it is (a bare "MSH|^~\&") cannot be routed or read as
  // anything: refused, not ACKed and delivered as if it were one.
  if (message->messageType().empty()) {
    record.controlId = message->controlId();
    ErrorContext where;
    where.segment = "MSH";
    where.segmentIndex = 1;
    where.field = 9;
    return keepRejected(std::move(record), bytes,
                        Error{ErrorCode::kMalformedMessage, "MSH-9 names no message type", where});
  }
  // Back-pressure: hold the sender until the backlog drains, or tell it "busy".
  if (config.busyAckWhenFull && channel_.overBacklog()) {
    const std::string why =
        "busy: channel " + config.name + " has reached its backlog limit; resend later";
    return {Status::kBusy, 0, hl7::buildAck(*message, hl7::AckCode::kError, textOnly(why)), why};
  }
  if (!waitForRoom()) return {Status::kStopping, 0, {}, "the hub is stopping"};
  identify(record, *message);
  record.events = std::move(events);
  auto appended = channel_.accept(record);
  if (!appended) {
    logFor(channel_).error("channel %s: message %s not stored: %s", config.name, record.controlId,
                           appended.error().describe());
    const std::string why = "message not stored, resend later: " + appended.error().text;
    return {Status::kFailed, 0, hl7::buildAck(*message, hl7::AckCode::kError, textOnly(why)), why};
  }
  if (appended->sameIdOtherBytes) {
    logFor(channel_).warning(
        "channel %s: control id %s reused with different content (message %?d)", config.name,
        record.controlId, static_cast<long long>(appended->id));
  }
  Submission out;
  out.status = appended->duplicate ? Status::kDuplicate : Status::kAccepted;
  out.messageId = appended->id;
  if (hl7::wantsAck(*message, hl7::AckCode::kAccept)) {
    out.reply = hl7::buildAck(*message, hl7::AckCode::kAccept);
  }
  return out;
}

Submission Intake::submitFile(std::string_view bytes, const std::string& origin) {
  if (decoder_) return submitDecoded(bytes, origin);  // a file in the codec's format
  const auto& config = channel_.config();
  std::vector<journal::NewMessage> messages;
  auto split = hl7::splitMessages(bytes);
  if (bytes.size() > config.source.maxMessageBytes * 64 || !split) {
    journal::NewMessage m = base(origin);
    m.rejected = true;
    m.bytes = std::string(bytes.substr(0, config.source.maxMessageBytes));
    m.error = split ? "file exceeds the size limit" : split.error().describe();
    messages.push_back(std::move(m));
  } else {
    for (std::string_view text : split->messages) {
      journal::NewMessage m = base(origin);
      m.bytes = hl7::normalizeSegmentSeparators(text);
      auto parsed = m.bytes.size() > config.source.maxMessageBytes
                        ? Result<hl7::Message>(
                              fail(ErrorCode::kMessageTooLarge, "message exceeds the size limit"))
                        : hl7::Message::parse(m.bytes);
      if (parsed) {
        identify(m, *parsed);
      } else {
        m.rejected = true;
        m.error = parsed.error().describe();
      }
      messages.push_back(std::move(m));
    }
  }
  Submission out;
  for (const auto& m : messages) {
    if (!m.rejected && !waitForRoom()) return {Status::kStopping, 0, {}, "the hub is stopping"};
    auto recorded = channel_.accept(m);
    if (!recorded) {
      return {Status::kFailed, 0, {}, "not recorded: " + recorded.error().describe()};
    }
    ++out.messages;
    if (m.rejected) {
      ++out.rejected;
      out.status = Status::kRejected;
      if (out.reason.empty()) out.reason = m.error;
    }
    if (!out.messageId) out.messageId = recorded->id;
  }
  return out;
}

}  // namespace pathhub::pipeline

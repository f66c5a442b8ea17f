// Answers settled and awaited (see answer_decisions.h).
#include "acks/answer_decisions.h"

#include "acks/acknowledgements.h"
#include "hl7/message.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::acks {

AnswerDecisions::AnswerDecisions(std::string channel, journal::Journal& journal)
    : channel_(std::move(channel)),
      journal_(journal),
      log_(Poco::Logger::get("pipeline." + channel_)) {}

std::string AnswerDecisions::received(const std::string& bytes, journal::MessageId id) {
  // Most messages are not answers: the header says so without parsing the whole message.
  if (auto header = hl7::Message::parseHeader(bytes); !header || header->messageType() != "ACK") {
    return {};
  }
  auto message = hl7::Message::parse(bytes);
  if (!message) return {};
  const auto answer = answerIn(*message, id);
  if (!answer) return {};
  auto settled = journal_.settleAcknowledgement(*answer);
  if (!settled) {
    log_.error("channel %s: cannot settle the answer in message %?d: %s", channel_, id,
               settled.error().describe());
    return {};
  }
  std::string out;
  for (const auto& a : *settled) {
    out += std::string(out.empty() ? "" : "; ");
    if (a.answeredBy != id) {
      // Answered before: settled once, never twice (the GP system sent its answer again).
      const std::string repeat = "repeats the answer to message " + std::to_string(a.messageId) +
                                 " (" + a.destination + " " + a.reference + "), " + a.state +
                                 " already by message " + std::to_string(a.answeredBy) +
                                 ": nothing settled again";
      // An answer is never sent twice by a system that follows the rules (an NHSACK is not
      // retransmitted): worth an operator's look.
      log_.warning("channel %s: message %?d %s", channel_, id, repeat);
      out += repeat;
      continue;
    }
    out += "answers message " + std::to_string(a.messageId) + " (" + a.destination + " " +
           a.reference + "): " + a.state;
  }
  return out;
}

std::vector<journal::Journal::Awaited> AnswerDecisions::awaitedAnswers(
    const journal::PendingDelivery& delivery, const pipeline::DeliveryResult& result) const {
  // Most deliveries carry no attributes: nothing to read.
  if (delivery.attributes.find("acknowledgement=yes") == std::string::npos) return {};
  const pipeline::DeliveryAttributes attributes = pipeline::parseAttributes(delivery.attributes);
  const auto ack = attributes.find("acknowledgement");
  if (ack == attributes.end() || ack->second != "yes") return {};
  const auto practice = attributes.find("practice");
  std::vector<journal::Journal::Awaited> out;
  const std::vector<std::string> sent =
      result.sent.empty() ? std::vector<std::string>{delivery.bytes} : result.sent;
  for (const std::string& one : sent) {
    const Expected expected = expectedAnswers(one);
    for (const auto& reference : expected.references) {
      out.push_back({reference, expected.recipient,
                     practice == attributes.end() ? std::string() : practice->second});
    }
  }
  return out;
}

}  // namespace pathhub::acks

// The answers a channel deals in (pipeline/channel_decisions.h): an HL7 v2 ACK it receives —
// such as an NHSACK the edifact codec turned into ACKs — settles the deliveries awaiting it;
// a delivery whose routing says the receiver acknowledges ("acknowledgement=yes") awaits the
// answers its message names (acknowledgements.h).
#pragma once

#include <Poco/Logger.h>

#include <string>
#include <vector>

#include "journal/journal.h"
#include "pipeline/channel_decisions.h"

namespace pathhub::acks {

class AnswerDecisions : public pipeline::ChannelDecisions {
 public:
  AnswerDecisions(std::string channel, journal::Journal& journal);
  // Settles what the message answers; says what, "" when it is no answer.
  std::string received(const std::string& bytes, journal::MessageId id) override;
  std::vector<journal::Journal::Awaited> awaitedAnswers(
      const journal::PendingDelivery& delivery,
      const pipeline::DeliveryResult& result) const override;

 private:
  std::string channel_;
  journal::Journal& journal_;
  Poco::Logger& log_;
};

}  // namespace pathhub::acks

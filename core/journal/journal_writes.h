// What the journal's write paths share (journal.cc, acknowledgements.cc, orders.cc): an event
// row, and the answers a delivery awaits, written inside the delivery's own transaction.
// Internal to the journal component.
#pragma once

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

#include "journal/journal.h"

namespace pathhub::journal {

// Adds an event to a message's history (table `events`).
void recordEvent(Poco::Data::Session& s, MessageId id, const std::string& kind,
                 const std::string& detail);

void awaitAnswers(Poco::Data::Session& s, std::int64_t deliveryId, MessageId messageId,
                  const std::string& destination, const std::vector<Journal::Awaited>& awaited);

}  // namespace pathhub::journal

// What the journal's write paths share (journal.cc, acknowledgements.cc, orders.cc): an event
// row, a derived message, and the answers a delivery awaits, written inside the caller's
// transaction.
// Internal to the journal component.
#pragma once

#include <string>
#include <vector>

#include "journal/journal.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {

// Adds an event to a message's history (table `events`).
void recordEvent(SqlConnection& c, MessageId id, const std::string& kind,
                 const std::string& detail);

// What a delivery to `destination` carries from the routing ("" when nothing).
const std::string& attributesOf(const Journal::DeliveryAttributes& all,
                                const std::string& destination);

// Records a message a mapping (or a re-routing) made from `parent`: a mapped child row, its
// deliveries at `sequence` in the queues (its parent's place), and the event saying so.
void insertDerived(WriterStatements& w, const std::string& channel, MessageId parent,
                   std::int64_t sequence, const Journal::Derived& d, const std::string& madeBy);

void awaitAnswers(SqlConnection& c, std::int64_t deliveryId, MessageId messageId,
                  const std::string& destination, const std::vector<Journal::Awaited>& awaited);

}  // namespace pathhub::journal

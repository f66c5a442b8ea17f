// Writing the answers a delivery awaits, inside the journal's delivery records (journal.cc).
// Internal to the journal component; the queries are in acknowledgements.cc.
#pragma once

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

#include "journal/journal.h"

namespace pathhub::journal {

void awaitAnswers(Poco::Data::Session& s, std::int64_t deliveryId, MessageId messageId,
                  const std::string& destination, const std::vector<Journal::Awaited>& awaited);

}  // namespace pathhub::journal

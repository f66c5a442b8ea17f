// The journal writer's hot statements, compiled once and re-run with new values: the writes
// every message makes on its way through (receive, dedupe check, map, deliver, events). Used
// only on the writer thread. After a statement fails the set is thrown away and rebuilt, so a
// statement is never re-run in an unknown state.
#pragma once

#include <Poco/Data/LOB.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pathhub::journal {

class WriterStatements {
 public:
  explicit WriterStatements(Poco::Data::Session& session);

  struct Candidate {
    Poco::Int64 id, hash;
  };
  // Earlier messages with this source and control id since `since` (dedupe candidates).
  std::vector<Candidate> candidates(const std::string& channel, const std::string& source,
                                    const std::string& controlId, Poco::Int64 since);
  struct MessageRow {
    std::string channel, source, peer, controlId, messageType, state, error;
    Poco::Int64 receivedAt = 0, hash = 0, duplicateOf = 0;
  };
  Poco::Int64 insertMessage(const MessageRow& row, const std::string& bytes);
  void insertEvent(Poco::Int64 messageId, const std::string& kind, const std::string& detail);
  // Sets the message mapped if it is still "received"; returns its channel when it was.
  // A null `mapped` means unchanged (nothing stored; the received bytes are delivered).
  std::optional<std::string> markMapped(Poco::Int64 id, const std::string* mapped);
  void insertDelivery(Poco::Int64 messageId, const std::string& channel,
                      const std::string& destination);
  // Records an attempt; returns the delivery's message id and destination.
  std::pair<Poco::Int64, std::string> updateDelivery(Poco::Int64 deliveryId,
                                                     const std::string& state,
                                                     Poco::Int64 nextAttemptAt,
                                                     const std::string& error);

 private:
  // Values the statements are bound to by reference.
  MessageRow row_;
  Poco::Data::BLOB blob_;
  Poco::Int64 id_ = 0, since_ = 0, at_ = 0, next_ = 0, messageId_ = 0;
  std::string text1_, text2_, text3_;
  std::vector<Poco::Int64> ids_, hashes_;
  std::vector<std::string> channels_;
  std::string destination_;

  Poco::Data::Statement candidates_, insertMessage_, insertEvent_, markMapped_, markUnchanged_,
      insertDelivery_, updateDelivery_;
};

}  // namespace pathhub::journal

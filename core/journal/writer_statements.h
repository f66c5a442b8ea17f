// The journal writer's hot statements: the writes every message makes on its way through
// (dedupe check, receive, map, deliver, events), prepared once on the writer's SQLite
// connection and re-run with new values through SQLite's own prepared-statement API, which
// costs a fraction of re-compiling them for every message. Used only on the writer thread;
// a failing statement throws (and the journal drops and rebuilds the set).
#pragma once

#include <Poco/Data/Session.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pathhub::journal {

// One prepared statement: bind by position (1-based), step, read columns, reset.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bindBlob(int index, std::string_view bytes);
  SqliteStatement& bindNull(int index);
  // Advances to the next row; false when there are no more. Throws on errors.
  bool step();
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  // Clears bindings and state so the statement can run again.
  void reset();

 private:
  void check(int rc, const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class WriterStatements {
 public:
  explicit WriterStatements(Poco::Data::Session& session);

  struct Candidate {
    std::int64_t id, hash;
  };
  // Earlier messages with this source and control id since `since` (dedupe candidates).
  std::vector<Candidate> candidates(const std::string& channel, const std::string& source,
                                    const std::string& controlId, std::int64_t since);
  struct MessageRow {
    std::string channel, source, peer, controlId, messageType, state, error;
    std::string nhsNumber, placerOrder, fillerOrder;  // search keys ("" when none)
    std::int64_t receivedAt = 0, hash = 0, duplicateOf = 0, parentId = 0;
  };
  std::int64_t insertMessage(const MessageRow& row, const std::string& bytes);
  void insertEvent(std::int64_t messageId, const std::string& kind, const std::string& detail);
  // Sets the message mapped if it is still "received"; returns its channel when it was.
  // A null `mapped` means unchanged (nothing stored; the received bytes are delivered).
  std::optional<std::string> markMapped(std::int64_t id, const std::string* mapped);
  // `sequence` orders the delivery in its queue: the message's id, or its parent's.
  // `attributes`: what the routing gave this delivery (pipeline/delivery_attributes.h).
  void insertDelivery(std::int64_t messageId, std::int64_t sequence, const std::string& channel,
                      const std::string& destination, const std::string& attributes = {});
  // Records an attempt with its error, or the receiver's answer when delivered; returns the
  // delivery's message id and destination.
  std::pair<std::int64_t, std::string> updateDelivery(std::int64_t deliveryId,
                                                      const std::string& state,
                                                      std::int64_t nextAttemptAt,
                                                      const std::string& error,
                                                      const std::string& response);

 private:
  sqlite3* db_;
  SqliteStatement candidates_, insertMessage_, insertEvent_, markMapped_, insertDelivery_,
      updateDelivery_;
};

}  // namespace pathhub::journal

// Prepared writer statements (see writer_statements.h).
#include "journal/writer_statements.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Utility.h>

#include "journal/journal.h"

namespace pathhub::journal {

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql) : db_(db) {
  check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr), sql);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::check(int rc, const char* what) const {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw Poco::Data::DataException(std::string(what) + ": " + sqlite3_errmsg(db_));
  }
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC),
        "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bindBlob(int index, std::string_view bytes) {
  // A zero-length blob, not NULL: the columns are NOT NULL.
  check(sqlite3_bind_blob(stmt_, index, bytes.empty() ? "" : bytes.data(),
                          static_cast<int>(bytes.size()), SQLITE_STATIC),
        "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
  check(sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  check(rc, sqlite3_sql(stmt_));
  return rc == SQLITE_ROW;
}

std::int64_t SqliteStatement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

namespace {

// Resets a statement however the scope is left, so a throw never leaves it mid-run.
struct ResetOnExit {
  SqliteStatement& s;
  ~ResetOnExit() { s.reset(); }
};

}  // namespace

WriterStatements::WriterStatements(Poco::Data::Session& session)
    : db_(Poco::Data::SQLite::Utility::dbHandle(session)),
      candidates_(db_,
                  "SELECT id, content_hash FROM messages WHERE channel = ? AND source = ?"
                  " AND control_id = ? AND received_at >= ?"
                  " AND state NOT IN ('duplicate', 'rejected') ORDER BY id"),
      insertMessage_(db_,
                     "INSERT INTO messages(channel, source, peer, control_id, message_type,"
                     " received_at, content_hash, bytes, state, error, duplicate_of, parent_id,"
                     " nhs_number, placer_order, filler_order)"
                     " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
      insertEvent_(db_, "INSERT INTO events(message_id, at, kind, detail) VALUES(?, ?, ?, ?)"),
      markMapped_(db_,
                  "UPDATE messages SET state = 'mapped', mapped = ?, mapped_at = ?"
                  " WHERE id = ? AND state = 'received' RETURNING channel"),
      insertDelivery_(db_,
                      "INSERT INTO deliveries(message_id, channel, destination, state,"
                      " updated_at, sequence, attributes) VALUES(?, ?, ?, 'pending', ?, ?, ?)"),
      updateDelivery_(
          db_,
          "UPDATE deliveries SET state = ?, attempts = attempts + 1,"
          " next_attempt_at = ?, last_error = ?, response = ?, updated_at = ? WHERE id = ?"
          " RETURNING message_id, destination") {}

std::vector<WriterStatements::Candidate> WriterStatements::candidates(const std::string& channel,
                                                                      const std::string& source,
                                                                      const std::string& controlId,
                                                                      std::int64_t since) {
  ResetOnExit done{candidates_};
  candidates_.bind(1, channel).bind(2, source).bind(3, controlId).bind(4, since);
  std::vector<Candidate> out;
  while (candidates_.step()) out.push_back({candidates_.int64(0), candidates_.int64(1)});
  return out;
}

std::int64_t WriterStatements::insertMessage(const MessageRow& row, const std::string& bytes) {
  ResetOnExit done{insertMessage_};
  insertMessage_.bind(1, row.channel)
      .bind(2, row.source)
      .bind(3, row.peer)
      .bind(4, row.controlId)
      .bind(5, row.messageType)
      .bind(6, row.receivedAt)
      .bind(7, row.hash)
      .bindBlob(8, bytes)
      .bind(9, row.state)
      .bind(10, row.error)
      .bind(11, row.duplicateOf);
  if (row.parentId) {
    insertMessage_.bind(12, row.parentId);
  } else {
    insertMessage_.bindNull(12);
  }
  insertMessage_.bind(13, row.nhsNumber).bind(14, row.placerOrder).bind(15, row.fillerOrder);
  insertMessage_.step();
  const std::int64_t id = insertMessage_.int64(0);
  while (insertMessage_.step()) {
  }
  return id;
}

void WriterStatements::insertEvent(std::int64_t messageId, const std::string& kind,
                                   const std::string& detail) {
  ResetOnExit done{insertEvent_};
  insertEvent_.bind(1, messageId).bind(2, nowMs()).bind(3, kind).bind(4, detail);
  insertEvent_.step();
}

std::optional<std::string> WriterStatements::markMapped(std::int64_t id,
                                                        const std::string* mapped) {
  ResetOnExit done{markMapped_};
  if (mapped) {
    markMapped_.bindBlob(1, *mapped);
  } else {
    markMapped_.bindNull(1);
  }
  markMapped_.bind(2, nowMs()).bind(3, id);
  if (!markMapped_.step()) return std::nullopt;
  std::string channel = markMapped_.text(0);
  while (markMapped_.step()) {
  }
  return channel;
}

void WriterStatements::insertDelivery(std::int64_t messageId, std::int64_t sequence,
                                      const std::string& channel, const std::string& destination,
                                      const std::string& attributes) {
  ResetOnExit done{insertDelivery_};
  insertDelivery_.bind(1, messageId)
      .bind(2, channel)
      .bind(3, destination)
      .bind(4, nowMs())
      .bind(5, sequence)
      .bind(6, attributes);
  insertDelivery_.step();
}

std::pair<std::int64_t, std::string> WriterStatements::updateDelivery(std::int64_t deliveryId,
                                                                      const std::string& state,
                                                                      std::int64_t nextAttemptAt,
                                                                      const std::string& error,
                                                                      const std::string& response) {
  ResetOnExit done{updateDelivery_};
  updateDelivery_.bind(1, state)
      .bind(2, nextAttemptAt)
      .bind(3, error)
      .bind(4, response)
      .bind(5, nowMs())
      .bind(6, deliveryId);
  if (!updateDelivery_.step()) return {0, {}};
  std::pair<std::int64_t, std::string> out{updateDelivery_.int64(0), updateDelivery_.text(1)};
  while (updateDelivery_.step()) {
  }
  return out;
}

}  // namespace pathhub::journal

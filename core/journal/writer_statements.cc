// The writer's hot statements (see writer_statements.h).
#include "journal/writer_statements.h"

#include "journal/journal.h"

namespace pathhub::journal {

std::vector<WriterStatements::Candidate> WriterStatements::candidates(const std::string& channel,
                                                                      const std::string& source,
                                                                      const std::string& controlId,
                                                                      std::int64_t since) {
  std::vector<Candidate> out;
  c_.each(
      "SELECT id, content_hash FROM messages WHERE channel = ? AND source = ?"
      " AND control_id = ? AND received_at >= ? AND state NOT IN ('duplicate', 'rejected')"
      " ORDER BY id",
      [&out](const SqlStatement& q) {
        out.push_back({q.int64(0), q.int64(1)});
      },
      channel, source, controlId, since);
  return out;
}

std::int64_t WriterStatements::insertMessage(const MessageRow& row, const std::string& bytes) {
  if (!row.claimedBy.empty()) {
    // Claimed by the node that received it: its own mappers take it; another node's only if
    // this one dies first (Journal::claimUnmapped).
    return *c_.integer(
        "INSERT INTO messages(channel, source, peer, control_id, message_type, received_at,"
        " content_hash, bytes, state, error, duplicate_of, parent_id, nhs_number, placer_order,"
        " filler_order, claimed_by, claimed_until) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, now() + ? * interval '1 millisecond') RETURNING id",
        row.channel, row.source, row.peer, row.controlId, row.messageType, row.receivedAt, row.hash,
        Bytes{bytes}, row.state, row.error, row.duplicateOf,
        row.parentId ? std::optional<std::int64_t>(row.parentId) : std::nullopt, row.nhsNumber,
        row.placerOrder, row.fillerOrder, row.claimedBy, row.claimMs);
  }
  const auto id = c_.integer(
      "INSERT INTO messages(channel, source, peer, control_id, message_type, received_at,"
      " content_hash, bytes, state, error, duplicate_of, parent_id, nhs_number, placer_order,"
      " filler_order) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      row.channel, row.source, row.peer, row.controlId, row.messageType, row.receivedAt, row.hash,
      Bytes{bytes}, row.state, row.error, row.duplicateOf,
      row.parentId ? std::optional<std::int64_t>(row.parentId) : std::nullopt, row.nhsNumber,
      row.placerOrder, row.fillerOrder);
  return *id;
}

void WriterStatements::insertEvent(std::int64_t messageId, const std::string& kind,
                                   const std::string& detail) {
  c_.run("INSERT INTO events(message_id, at, kind, detail) VALUES(?, ?, ?, ?)", messageId, nowMs(),
         kind, detail);
}

std::optional<std::string> WriterStatements::markMapped(std::int64_t id,
                                                        const std::string* mapped) {
  constexpr const char* kSql =
      "UPDATE messages SET state = 'mapped', mapped = ?, mapped_at = ?"
      " WHERE id = ? AND state = 'received' RETURNING channel";
  if (mapped) return c_.string(kSql, Bytes{*mapped}, nowMs(), id);
  return c_.string(kSql, Null{}, nowMs(), id);
}

void WriterStatements::insertDelivery(std::int64_t messageId, std::int64_t sequence,
                                      const std::string& channel, const std::string& destination,
                                      const std::string& attributes) {
  c_.run(
      "INSERT INTO deliveries(message_id, channel, destination, state, updated_at, sequence,"
      " attributes) VALUES(?, ?, ?, 'pending', ?, ?, ?)",
      messageId, channel, destination, nowMs(), sequence, attributes);
}

std::pair<std::int64_t, std::string> WriterStatements::updateDelivery(
    std::int64_t deliveryId, const std::string& state, std::int64_t nextAttemptAt,
    const std::string& error, const std::string& response, std::int64_t epoch) {
  std::pair<std::int64_t, std::string> out{0, {}};
  auto row = [&out](const SqlStatement& q) { out = {q.int64(0), q.text(1)}; };
  if (epoch) {
    c_.each(
        "UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?,"
        " last_error = ?, response = ?, updated_at = ?, epoch = ? WHERE id = ?"
        " RETURNING message_id, destination",
        row, state, nextAttemptAt, error, response, nowMs(), epoch, deliveryId);
    return out;
  }
  c_.each(
      "UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?,"
      " last_error = ?, response = ?, updated_at = ? WHERE id = ? RETURNING message_id,"
      " destination",
      row, state, nextAttemptAt, error, response, nowMs(), deliveryId);
  return out;
}

}  // namespace pathhub::journal

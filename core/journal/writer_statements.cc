// Prepared writer statements (see writer_statements.h).
#include "journal/writer_statements.h"

#include "journal/journal.h"

namespace pathhub::journal {

using namespace Poco::Data::Keywords;

WriterStatements::WriterStatements(Poco::Data::Session& s)
    : candidates_(s),
      insertMessage_(s),
      insertEvent_(s),
      markMapped_(s),
      markUnchanged_(s),
      insertDelivery_(s),
      updateDelivery_(s) {
  candidates_ << "SELECT id, content_hash FROM messages WHERE channel = ? AND source = ?"
                 " AND control_id = ? AND received_at >= ?"
                 " AND state NOT IN ('duplicate', 'rejected') ORDER BY id",
      use(text1_), use(text2_), use(text3_), use(since_), into(ids_), into(hashes_);
  insertMessage_ << "INSERT INTO messages(channel, source, peer, control_id, message_type,"
                    " received_at, content_hash, bytes, state, error, duplicate_of)"
                    " VALUES(?, ?, ?, ?, ?, ?, ?, COALESCE(?, x''), ?, ?, ?) RETURNING id",
      use(row_.channel), use(row_.source), use(row_.peer), use(row_.controlId),
      use(row_.messageType), use(row_.receivedAt), use(row_.hash), use(blob_), use(row_.state),
      use(row_.error), use(row_.duplicateOf), into(id_);
  insertEvent_ << "INSERT INTO events(message_id, at, kind, detail) VALUES(?, ?, ?, ?)",
      use(messageId_), use(at_), use(text1_), use(text2_);
  markMapped_ << "UPDATE messages SET state = 'mapped', mapped = COALESCE(?, x''), mapped_at = ?"
                 " WHERE id = ? AND state = 'received' RETURNING channel",
      use(blob_), use(at_), use(id_), into(channels_);
  markUnchanged_ << "UPDATE messages SET state = 'mapped', mapped = NULL, mapped_at = ?"
                    " WHERE id = ? AND state = 'received' RETURNING channel",
      use(at_), use(id_), into(channels_);
  insertDelivery_ << "INSERT INTO deliveries(message_id, channel, destination, state, updated_at)"
                     " VALUES(?, ?, ?, 'pending', ?)",
      use(messageId_), use(text1_), use(text2_), use(at_);
  updateDelivery_ << "UPDATE deliveries SET state = ?, attempts = attempts + 1,"
                     " next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?"
                     " RETURNING message_id, destination",
      use(text1_), use(next_), use(text2_), use(at_), use(id_), into(messageId_),
      into(destination_);
}

std::vector<WriterStatements::Candidate> WriterStatements::candidates(const std::string& channel,
                                                                      const std::string& source,
                                                                      const std::string& controlId,
                                                                      Poco::Int64 since) {
  text1_ = channel;
  text2_ = source;
  text3_ = controlId;
  since_ = since;
  ids_.clear();
  hashes_.clear();
  candidates_.execute();
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < ids_.size(); ++i) out.push_back({ids_[i], hashes_[i]});
  return out;
}

Poco::Int64 WriterStatements::insertMessage(const MessageRow& row, const std::string& bytes) {
  row_ = row;
  blob_ = Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  insertMessage_.execute();
  return id_;
}

void WriterStatements::insertEvent(Poco::Int64 messageId, const std::string& kind,
                                   const std::string& detail) {
  messageId_ = messageId;
  at_ = nowMs();
  text1_ = kind;
  text2_ = detail;
  insertEvent_.execute();
}

std::optional<std::string> WriterStatements::markMapped(Poco::Int64 id, const std::string* mapped) {
  id_ = id;
  at_ = nowMs();
  channels_.clear();
  if (mapped) {
    blob_ =
        Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(mapped->data()), mapped->size());
    markMapped_.execute();
  } else {
    markUnchanged_.execute();
  }
  if (channels_.empty()) return std::nullopt;
  return channels_.front();
}

void WriterStatements::insertDelivery(Poco::Int64 messageId, const std::string& channel,
                                      const std::string& destination) {
  messageId_ = messageId;
  text1_ = channel;
  text2_ = destination;
  at_ = nowMs();
  insertDelivery_.execute();
}

std::pair<Poco::Int64, std::string> WriterStatements::updateDelivery(Poco::Int64 deliveryId,
                                                                     const std::string& state,
                                                                     Poco::Int64 nextAttemptAt,
                                                                     const std::string& error) {
  id_ = deliveryId;
  text1_ = state;
  next_ = nextAttemptAt;
  text2_ = error;
  at_ = nowMs();
  updateDelivery_.execute();
  return {messageId_, destination_};
}

}  // namespace pathhub::journal

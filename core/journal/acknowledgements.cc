// Answers awaited from receivers, and matching those that arrive (see journal.h).

#include <algorithm>

#include "journal/journal_reads.h"
#include "journal/journal_writes.h"
#include "journal/sql_journal.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {
namespace {

constexpr const char* kColumns =
    "id, delivery_id, message_id, channel, destination, practice, recipient, reference, state,"
    " detail, sent_at, COALESCE(answered_by, 0), COALESCE(answered_at, 0)";

// Rows of a channel still awaiting an answer sent before a time (bound: channel, time).
constexpr const char* kAwaitingSince = "channel = ? AND state = 'awaiting' AND sent_at < ?";

std::vector<AcknowledgementRecord> rows(SqlConnection& db, const std::string& where,
                                        const std::vector<std::string>& texts,
                                        const std::vector<std::int64_t>& numbers, int limit) {
  std::vector<AcknowledgementRecord> out;
  eachRow(db,
          std::string("SELECT ") + kColumns + " FROM acknowledgements WHERE " + where +
              " ORDER BY id LIMIT " + std::to_string(limit),
          texts, numbers, [&out](const SqlStatement& q) {
            AcknowledgementRecord r;
            r.id = q.int64(0);
            r.deliveryId = q.int64(1);
            r.messageId = q.int64(2);
            r.channel = q.text(3);
            r.destination = q.text(4);
            r.practice = q.text(5);
            r.recipient = q.text(6);
            r.reference = q.text(7);
            r.state = q.text(8);
            r.detail = q.text(9);
            r.sentAtMs = q.int64(10);
            r.answeredBy = q.int64(11);
            r.answeredAtMs = q.int64(12);
            out.push_back(std::move(r));
          });
  return out;
}

}  // namespace

void awaitAnswers(SqlConnection& db, std::int64_t deliveryId, MessageId messageId,
                  const std::string& destination, const std::vector<Journal::Awaited>& awaited) {
  const std::string channel =
      db.string("SELECT channel FROM deliveries WHERE id = ?", deliveryId).value_or("");
  std::string references;
  for (const auto& a : awaited) {
    db.run(
        "INSERT INTO acknowledgements(delivery_id, message_id, channel, destination, practice,"
        " recipient, reference, sent_at, state) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 'awaiting')",
        deliveryId, messageId, channel, destination, a.practice, a.recipient, a.reference, nowMs());
    references += (references.empty() ? "" : ", ") + a.reference;
  }
  recordEvent(db, messageId, "acknowledgement_awaited", destination + ": " + references);
}

Result<std::vector<AcknowledgementRecord>> SqlJournal::settleAcknowledgement(const Answer& answer) {
  std::vector<AcknowledgementRecord> settled;
  auto fromRecipient = [&answer](const AcknowledgementRecord& r) {
    return r.recipient.empty() || answer.from.empty() ||
           std::find(answer.from.begin(), answer.from.end(), r.recipient) != answer.from.end();
  };
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    settled.clear();
    auto open = rows(db,
                     "state IN ('awaiting', 'overdue') AND (reference = ?"
                     " OR substr(reference, 1, length(?) + 1) = ? || '/')",
                     {answer.reference, answer.reference, answer.reference}, {}, 1000);
    // The same answer again (a GP system sending its NHSACK twice, say): what it answers was
    // settled by an earlier one, and stays as that one settled it. Recorded with the message,
    // and returned unchanged (answered by the earlier answer), so its caller can say so.
    auto answered = rows(db,
                         "state IN ('accepted', 'rejected') AND (reference = ?"
                         " OR substr(reference, 1, length(?) + 1) = ? || '/')",
                         {answer.reference, answer.reference, answer.reference}, {}, 1000);
    for (auto& r : answered) {
      if (!fromRecipient(r) || r.answeredBy == answer.answeredBy) continue;
      recordEvent(db, r.messageId, "acknowledgement_repeated",
                  r.destination + " " + r.reference + " answered again by message " +
                      std::to_string(answer.answeredBy) + " (" +
                      (answer.accepted ? "accepted" : "rejected") +
                      "); settled already by message " + std::to_string(r.answeredBy) + " as " +
                      r.state + ": nothing changed");
      settled.push_back(r);
    }
    for (auto& r : open) {
      if (!fromRecipient(r)) continue;
      r.state = answer.accepted ? "accepted" : "rejected";
      r.detail = answer.detail;
      r.answeredBy = answer.answeredBy;
      r.answeredAtMs = nowMs();
      db.run(
          "UPDATE acknowledgements SET state = ?, detail = ?, answered_by = ?, answered_at = ?"
          " WHERE id = ?",
          r.state, r.detail, r.answeredBy, r.answeredAtMs, r.id);
      recordEvent(db, r.messageId, answer.accepted ? "acknowledged" : "acknowledgement_rejected",
                  r.destination + " " + r.reference + " by message " +
                      std::to_string(r.answeredBy) + (r.detail.empty() ? "" : ": " + r.detail));
      settled.push_back(r);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return settled;
}

Result<std::vector<RoutingException>> SqlJournal::routingExceptions(int limit) {
  return reading([&](SqlConnection& db) {
    const std::string sql =
        "SELECT d.id, d.message_id, m.received_at, d.channel, d.destination, d.state,"
        " m.control_id, d.attributes FROM deliveries d JOIN messages m ON m.id = d.message_id"
        " WHERE d.attributes LIKE 'exception=%' OR d.attributes LIKE '%' || " +
        std::string(db.newline()) + " || 'exception=%' ORDER BY d.id DESC LIMIT " +
        std::to_string(pageLimit(limit));
    std::vector<RoutingException> out;
    eachRow(db, sql, {}, {}, [&out](const SqlStatement& q) {
      out.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5), q.text(6),
                     q.text(7)});
    });
    return out;
  });
}

Result<std::vector<AcknowledgementRecord>> SqlJournal::unacknowledged(std::int64_t sentBeforeMs,
                                                                      int limit) {
  return reading([&](SqlConnection& db) {
    return rows(db, "state IN ('awaiting', 'overdue') AND sent_at < ?", {}, {sentBeforeMs},
                pageLimit(limit));
  });
}

Result<MessageId> SqlJournal::addNotification(MessageId parent, const std::string& channel,
                                              const std::string& destination,
                                              const std::string& controlId,
                                              const std::string& bytes) {
  MessageId made = 0;
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    WriterStatements w(db);
    WriterStatements::MessageRow row;
    row.channel = channel;
    row.source = channel + "/hub";
    row.controlId = controlId;
    row.messageType = "NOTIFICATION";
    row.state = "mapped";
    row.receivedAt = nowMs();
    row.parentId = parent;
    made = w.insertMessage(row, bytes);
    w.insertDelivery(made, made, channel, destination);
    w.insertEvent(made, "derived", "a notification about message " + std::to_string(parent));
    w.insertEvent(parent, "notification", "message " + std::to_string(made) + " to " + destination);
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return made;
}

Result<std::vector<AcknowledgementRecord>> SqlJournal::markOverdue(const std::string& channel,
                                                                   std::int64_t sentBeforeMs) {
  // Asked every minute for every channel: a read first, so that nothing due takes no write.
  auto due = reading([&](SqlConnection& db) {
    return !rows(db, kAwaitingSince, {channel}, {sentBeforeMs}, 1).empty();
  });
  if (!due) return tl::unexpected(due.error());
  if (!*due) return std::vector<AcknowledgementRecord>{};
  std::vector<AcknowledgementRecord> marked;
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    marked = rows(db, kAwaitingSince, {channel}, {sentBeforeMs}, 1000);
    for (auto& r : marked) {
      r.state = "overdue";
      db.run("UPDATE acknowledgements SET state = 'overdue' WHERE id = ?", r.id);
      recordEvent(db, r.messageId, "acknowledgement_overdue", r.destination + " " + r.reference);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return marked;
}

}  // namespace pathhub::journal

// Answers awaited from receivers, and matching those that arrive (see journal.h).

#include <algorithm>

#include "journal/journal_reads.h"
#include "journal/journal_writes.h"
#include "journal/sqlite_journal.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {
namespace {

using Poco::Data::Session;
using namespace Poco::Data::Keywords;

constexpr const char* kColumns =
    "id, delivery_id, message_id, channel, destination, practice, recipient, reference, state,"
    " detail, sent_at, COALESCE(answered_by, 0), COALESCE(answered_at, 0)";

// Rows of a channel still awaiting an answer sent before a time (bound: channel, time).
constexpr const char* kAwaitingSince = "channel = ? AND state = 'awaiting' AND sent_at < ?";

std::vector<AcknowledgementRecord> rows(Session& s, const std::string& where,
                                        const std::vector<std::string>& texts,
                                        const std::vector<std::int64_t>& numbers, int limit) {
  std::vector<AcknowledgementRecord> out;
  eachRow(s,
          std::string("SELECT ") + kColumns + " FROM acknowledgements WHERE " + where +
              " ORDER BY id LIMIT " + std::to_string(limit),
          texts, numbers, [&out](const SqliteStatement& q) {
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

void awaitAnswers(Session& s, std::int64_t deliveryId, MessageId messageId,
                  const std::string& destination, const std::vector<Journal::Awaited>& awaited) {
  std::string channel;
  s << "SELECT channel FROM deliveries WHERE id = ?", bind(deliveryId), into(channel), now;
  std::string references;
  for (const auto& a : awaited) {
    s << "INSERT INTO acknowledgements(delivery_id, message_id, channel, destination, practice,"
         " recipient, reference, sent_at, state) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 'awaiting')",
        bind(deliveryId), bind(messageId), bind(channel), bind(destination), bind(a.practice),
        bind(a.recipient), bind(a.reference), bind(nowMs()), now;
    references += (references.empty() ? "" : ", ") + a.reference;
  }
  recordEvent(s, messageId, "acknowledgement_awaited", destination + ": " + references);
}

Result<std::vector<AcknowledgementRecord>> SqliteJournal::settleAcknowledgement(
    const Answer& answer) {
  std::vector<AcknowledgementRecord> settled;
  auto ok = writer_->run([&](Session& s) -> std::function<void()> {
    settled.clear();
    auto open = rows(s,
                     "state IN ('awaiting', 'overdue') AND (reference = ?"
                     " OR substr(reference, 1, length(?) + 1) = ? || '/')",
                     {answer.reference, answer.reference, answer.reference}, {}, 1000);
    for (auto& r : open) {
      const bool fromRecipient =
          r.recipient.empty() || answer.from.empty() ||
          std::find(answer.from.begin(), answer.from.end(), r.recipient) != answer.from.end();
      if (!fromRecipient) continue;
      r.state = answer.accepted ? "accepted" : "rejected";
      r.detail = answer.detail;
      r.answeredBy = answer.answeredBy;
      r.answeredAtMs = nowMs();
      s << "UPDATE acknowledgements SET state = ?, detail = ?, answered_by = ?, answered_at = ?"
           " WHERE id = ?",
          bind(r.state), bind(r.detail), bind(r.answeredBy), bind(r.answeredAtMs), bind(r.id), now;
      recordEvent(s, r.messageId, answer.accepted ? "acknowledged" : "acknowledgement_rejected",
                  r.destination + " " + r.reference + " by message " +
                      std::to_string(r.answeredBy) + (r.detail.empty() ? "" : ": " + r.detail));
      settled.push_back(r);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return settled;
}

Result<std::vector<RoutingException>> SqliteJournal::routingExceptions(int limit) {
  return reading(*readers_, *file_, [&](Session& s) {
    const std::string sql =
        "SELECT d.id, d.message_id, m.received_at, d.channel, d.destination, d.state,"
        " m.control_id, d.attributes FROM deliveries d JOIN messages m ON m.id = d.message_id"
        " WHERE d.attributes LIKE 'exception=%' OR d.attributes LIKE '%' || char(10) ||"
        " 'exception=%' ORDER BY d.id DESC LIMIT " +
        std::to_string(pageLimit(limit));
    std::vector<RoutingException> out;
    eachRow(s, sql, {}, {}, [&out](const SqliteStatement& q) {
      out.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5), q.text(6),
                     q.text(7)});
    });
    return out;
  });
}

Result<std::vector<AcknowledgementRecord>> SqliteJournal::unacknowledged(std::int64_t sentBeforeMs,
                                                                         int limit) {
  return reading(*readers_, *file_, [&](Session& s) {
    return rows(s, "state IN ('awaiting', 'overdue') AND sent_at < ?", {}, {sentBeforeMs},
                pageLimit(limit));
  });
}

Result<MessageId> SqliteJournal::addNotification(MessageId parent, const std::string& channel,
                                                 const std::string& destination,
                                                 const std::string& controlId,
                                                 const std::string& bytes) {
  MessageId made = 0;
  auto ok =
      writer_->run(withStatements([&](Session&, WriterStatements& w) -> std::function<void()> {
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
        w.insertEvent(parent, "notification",
                      "message " + std::to_string(made) + " to " + destination);
        return nullptr;
      }));
  if (!ok) return tl::unexpected(ok.error());
  return made;
}

Result<std::vector<AcknowledgementRecord>> SqliteJournal::markOverdue(const std::string& channel,
                                                                      std::int64_t sentBeforeMs) {
  // Asked every minute for every channel: a read first, so that nothing due takes no write.
  auto due = reading(*readers_, *file_, [&](Session& s) {
    return !rows(s, kAwaitingSince, {channel}, {sentBeforeMs}, 1).empty();
  });
  if (!due) return tl::unexpected(due.error());
  if (!*due) return std::vector<AcknowledgementRecord>{};
  std::vector<AcknowledgementRecord> marked;
  auto ok = writer_->run([&](Session& s) -> std::function<void()> {
    marked = rows(s, kAwaitingSince, {channel}, {sentBeforeMs}, 1000);
    for (auto& r : marked) {
      r.state = "overdue";
      s << "UPDATE acknowledgements SET state = 'overdue' WHERE id = ?", bind(r.id), now;
      recordEvent(s, r.messageId, "acknowledgement_overdue", r.destination + " " + r.reference);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return marked;
}

}  // namespace pathhub::journal

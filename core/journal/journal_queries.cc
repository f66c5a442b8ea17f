// The journal's operations queries (see journal.h): message search, a message's history,
// backlog per destination. Read-only connections from the pool; nothing here writes.
#include <map>

#include "journal/journal_reads.h"
#include "journal/sql_filter.h"
#include "journal/sql_journal.h"

namespace pathhub::journal {
namespace {

constexpr const char* kSummaryColumns =
    "id, channel, source, peer, control_id, message_type, state, error, received_at,"
    " COALESCE(parent_id, 0), length(bytes)";

MessageSummary readSummary(const SqlStatement& q) {
  MessageSummary m;
  m.id = q.int64(0);
  m.channel = q.text(1);
  m.source = q.text(2);
  m.peer = q.text(3);
  m.controlId = q.text(4);
  m.messageType = q.text(5);
  m.state = q.text(6);
  m.error = q.text(7);
  m.receivedAtMs = q.int64(8);
  m.parentId = q.int64(9);
  m.size = q.int64(10);
  return m;
}

// An NHS number as it is stored (its ten digits): "943 476 5919", as lib.nhs.format prints
// it, or "943-476-5919" finds the same messages.
std::string storedNhsNumber(const std::string& typed) {
  std::string digits;
  for (char c : typed) {
    if (c != ' ' && c != '-') digits += c;
  }
  return digits;
}

}  // namespace

Result<MessagePage> SqlJournal::search(const MessageFilter& f) {
  SqlFilter where;
  where.whereText("channel", f.channel)
      .whereText("state", f.state)
      .whereText("control_id", f.controlId)
      .whereText("nhs_number", storedNhsNumber(f.nhsNumber))
      .whereText("placer_order", f.placerOrder)
      .whereText("filler_order", f.fillerOrder);
  if (!f.deliveryState.empty() && !f.destination.empty()) {
    where.where(
        "EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id"
        " AND d.state = ? AND d.destination = ?)",
        f.deliveryState, f.destination);
  } else if (!f.deliveryState.empty()) {
    where.where(
        "EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id"
        " AND d.state = ?)",
        f.deliveryState);
  } else if (!f.destination.empty()) {
    where.where(
        "EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id"
        " AND d.destination = ?)",
        f.destination);
  }
  if (f.fromMs) where.where("received_at >= ?", f.fromMs);
  if (f.toMs) where.where("received_at < ?", f.toMs);
  if (!f.messageType.empty()) {
    if (f.messageType.find('^') != std::string::npos) {
      where.where("message_type = ?", f.messageType);
    } else {
      // "ORU" matches "ORU" and every "ORU^…" (rejected messages keep only MSH-9.1).
      // Escaped: '%' or '_' in what was asked are characters, never wildcards.
      std::string literal;
      for (char c : f.messageType) {
        if (c == '%' || c == '_' || c == '\\') literal += '\\';
        literal += c;
      }
      where.where("(message_type = ? OR message_type LIKE ? ESCAPE '\\')", f.messageType,
                  literal + "^%");
    }
  }
  const int limit = pageLimit(f.limit);
  return reading([&](SqlConnection& db) {
    if (!f.text.empty()) {
      where.where("(" + db.containsBytes("bytes") + " OR " + db.containsBytes("mapped") + ")",
                  f.text, f.text);
    }
    const SqlFilter everyPage = where;
    if (f.before) where.where("id < ?", f.before);
    const std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM messages" +
                            where.sql() + " ORDER BY id DESC LIMIT ?";
    auto q = db.statement(sql);
    q->bind(where.bind(*q), static_cast<std::int64_t>(limit) + 1);
    MessagePage page;
    if (f.count) {
      const std::string counting =
          "SELECT COUNT(*) FROM (SELECT 1 FROM messages" + everyPage.sql() + " LIMIT ?) AS capped";
      auto c = db.statement(counting);
      c->bind(everyPage.bind(*c), static_cast<std::int64_t>(MessageFilter::kCountCap) + 1);
      if (c->step()) page.total = c->int64(0);
    }
    while (q->step()) page.messages.push_back(readSummary(*q));
    if (page.messages.size() > static_cast<std::size_t>(limit)) {
      page.messages.pop_back();
      page.nextBefore = page.messages.back().id;
    }
    return page;
  });
}

Result<MessageDetails> SqlJournal::details(MessageId id) {
  auto found = reading([&](SqlConnection& db) -> std::optional<MessageDetails> {
    const std::string sql =
        std::string("SELECT ") + kSummaryColumns +
        ", nhs_number, placer_order, filler_order, bytes, mapped IS NOT NULL, mapped,"
        " COALESCE(mapped_at, 0), COALESCE(script_version, 0) FROM messages WHERE id = ?";
    auto q = db.statement(sql);
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    MessageDetails d;
    d.summary = readSummary(*q);
    d.nhsNumber = q->text(11);
    d.placerOrder = q->text(12);
    d.fillerOrder = q->text(13);
    d.bytes = q->text(14);
    if (q->int64(15)) d.mapped = q->text(16);
    d.mappedAtMs = q->int64(17);
    d.scriptVersion = q->int64(18);

    auto deliveries = db.statement(
        "SELECT id, destination, state, attempts, next_attempt_at, last_error, response,"
        " updated_at, attributes FROM deliveries WHERE message_id = ? ORDER BY id");
    deliveries->bind(1, id);
    while (deliveries->step()) {
      DeliveryRecord r;
      r.id = deliveries->int64(0);
      r.destination = deliveries->text(1);
      r.state = deliveries->text(2);
      r.attempts = static_cast<int>(deliveries->int64(3));
      r.nextAttemptAtMs = deliveries->int64(4);
      r.lastError = deliveries->text(5);
      r.response = deliveries->text(6);
      r.updatedAtMs = deliveries->int64(7);
      r.attributes = deliveries->text(8);
      d.deliveries.push_back(std::move(r));
    }
    auto answers = db.statement(
        "SELECT delivery_id, reference, state, detail, practice,"
        " COALESCE(answered_by, 0), COALESCE(answered_at, 0), sent_at"
        " FROM acknowledgements WHERE message_id = ? ORDER BY id");
    answers->bind(1, id);
    while (answers->step()) {
      AcknowledgementRecord a;
      a.deliveryId = answers->int64(0);
      a.messageId = id;
      a.reference = answers->text(1);
      a.state = answers->text(2);
      a.detail = answers->text(3);
      a.practice = answers->text(4);
      a.answeredBy = answers->int64(5);
      a.answeredAtMs = answers->int64(6);
      a.sentAtMs = answers->int64(7);
      for (auto& r : d.deliveries) {
        if (r.id == a.deliveryId) r.acknowledgements.push_back(a);
      }
    }
    auto events =
        db.statement("SELECT at, kind, detail FROM events WHERE message_id = ? ORDER BY id");
    events->bind(1, id);
    while (events->step()) d.events.push_back({events->int64(0), events->text(1), events->text(2)});
    return d;
  });
  if (!found) return tl::unexpected(found.error());
  if (!*found) return fail(ErrorCode::kNotFound, "no message " + std::to_string(id));
  return std::move(**found);
}

Result<std::vector<DestinationBacklog>> SqlJournal::backlog(const std::string& channel) {
  return reading([&](SqlConnection& db) {
    std::vector<DestinationBacklog> out;
    db.each(
        "SELECT d.destination, COUNT(*), MIN(m.received_at) FROM deliveries d"
        " JOIN messages m ON m.id = d.message_id WHERE d.channel = ?"
        " AND d.state = 'pending' GROUP BY d.destination",
        [&out](const SqlStatement& q) {
          out.push_back({q.text(0), q.int64(1), q.int64(2)});
        },
        channel);
    return out;
  });
}

Result<std::vector<ChannelAttention>> SqlJournal::attentionCounts(std::int64_t unmatchedSinceMs) {
  return reading([&](SqlConnection& db) {
    std::map<std::string, ChannelAttention> counted;
    // The state test repeats the open-answers index's own condition, so the count reads that
    // partial index rather than every answer ever awaited.
    db.each(
        "SELECT channel, COUNT(*) FROM acknowledgements WHERE state IN ('awaiting', 'overdue')"
        " AND state = 'overdue' GROUP BY channel",
        [&counted](const SqlStatement& q) {
          counted[q.text(0)].acknowledgementsOverdue = q.int64(1);
        });
    db.each(
        "SELECT channel, COUNT(*) FROM orders WHERE overdue = 1 AND state NOT IN ('final',"
        " 'amended', 'cancelled', 'rejected') GROUP BY channel",
        [&counted](const SqlStatement& q) { counted[q.text(0)].ordersOverdue = q.int64(1); });
    db.each(
        "SELECT channel, COUNT(*) FROM unmatched_results WHERE received_at >= ? GROUP BY channel",
        [&counted](const SqlStatement& q) { counted[q.text(0)].unmatchedResults = q.int64(1); },
        unmatchedSinceMs);
    std::vector<ChannelAttention> out;
    for (auto& [channel, c] : counted) {
      c.channel = channel;
      out.push_back(std::move(c));
    }
    return out;
  });
}

}  // namespace pathhub::journal

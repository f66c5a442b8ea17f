// The journal on an SQL database (see sql_journal.h): its logic, once for both engines.
#include "journal/sql_journal.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <limits>
#include <map>

#include "journal/journal_reads.h"
#include "journal/journal_writes.h"

namespace pathhub::journal {
namespace {

std::int64_t contentHash(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(h);
}

}  // namespace

void recordEvent(SqlConnection& c, MessageId id, const std::string& kind,
                 const std::string& detail) {
  WriterStatements(c).insertEvent(id, kind, detail);
}

const std::string& attributesOf(const Journal::DeliveryAttributes& all,
                                const std::string& destination) {
  static const std::string kNone;
  const auto it = all.find(destination);
  return it == all.end() ? kNone : it->second;
}

void insertDerived(WriterStatements& w, const std::string& channel, MessageId parent,
                   std::int64_t sequence, const Journal::Derived& d, const std::string& madeBy) {
  WriterStatements::MessageRow row;
  row.channel = channel;
  row.source = channel + "/mapping";
  row.controlId = d.controlId;
  row.messageType = d.messageType;
  row.state = "mapped";
  row.receivedAt = nowMs();
  row.parentId = parent;
  const std::int64_t child = w.insertMessage(row, d.bytes);
  for (const std::string& dest : d.destinations) {
    w.insertDelivery(child, sequence, channel, dest, attributesOf(d.attributes, dest));
  }
  w.insertEvent(child, "derived", madeBy);
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SqlJournal::SqlJournal(JournalOptions options, std::unique_ptr<Poco::Data::SessionPool> readers,
                       std::unique_ptr<GroupCommitter> writer)
    : options_(std::move(options)), readers_(std::move(readers)), writer_(std::move(writer)) {}

SqlJournal::~SqlJournal() { close(); }

void SqlJournal::close() {
  if (!writer_) return;
  {
    std::lock_guard lock(queueMutex_);
    queueReader_.reset();  // its session goes back to the pool before the pool shuts
  }
  writer_.reset();
  readers_->shutdown();
}

Result<Appended> SqlJournal::append(const NewMessage& m,
                                    std::function<void(MessageId)> onCommitted) {
  Appended out;
  const std::int64_t hash = contentHash(m.bytes);
  const std::int64_t windowStart = nowMs() - options_.dedupeWindow.count() * 1000;
  auto ok = writer_->run([&](SqlConnection& c) -> std::function<void()> {
    WriterStatements w(c);
    out = Appended{};  // the job may run again after another job in its batch failed
    WriterStatements::MessageRow row;
    row.channel = m.channel;
    row.source = m.source;
    row.peer = m.peer;
    row.controlId = m.controlId;
    row.messageType = m.messageType;
    row.state = m.rejected ? "rejected" : "received";
    row.error = m.error;
    row.receivedAt = nowMs();
    row.hash = hash;
    row.nhsNumber = m.nhsNumber;
    row.placerOrder = m.placerOrder;
    row.fillerOrder = m.fillerOrder;
    if (!m.rejected) {
      row.claimedBy = options_.node;
      row.claimMs = options_.claimFor.count();
    }
    // The normal path's history is in the rows themselves; events record the rest.
    const std::string peerAndError = m.peer + (m.error.empty() ? "" : " " + m.error);
    if (!m.rejected && !m.controlId.empty() && options_.dedupeWindow.count() > 0) {
      w.insertReceived(row, m.bytes, windowStart, m.events, peerAndError,
                       [&out](const WriterStatements::Received& received) {
                         out.id = received.id;
                         out.sameIdOtherBytes = received.sameIdOtherBytes;
                         out.duplicate = received.duplicateOf != 0;
                         out.duplicateOf = received.duplicateOf;
                       });
      if (!onCommitted) return nullptr;
      // Runs after the commit, by when the statement's answer has filled `out` in.
      return [&onCommitted, &out] {
        if (!out.duplicate) onCommitted(out.id);
      };
    }
    out.id = w.insertMessage(row, m.bytes);
    for (const auto& [kind, detail] : m.events) w.insertEvent(out.id, kind, detail);
    if (m.rejected) w.insertEvent(out.id, row.state, peerAndError);
    if (m.rejected || !onCommitted) return nullptr;
    return [&onCommitted, id = out.id] { onCommitted(id); };
  });
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

Result<void> SqlJournal::markMapped(MessageId id, std::optional<std::string> mapped,
                                    const std::vector<std::string>& destinations) {
  std::vector<Mapping> one;
  Mapping m;
  m.id = id;
  m.mapped = std::move(mapped);
  m.destinations = destinations;
  one.push_back(std::move(m));
  return submitMapped(std::move(one)).get();
}

std::future<Result<void>> SqlJournal::submitMapped(std::vector<Mapping> batch) {
  return writer_->submit([batch = std::move(batch)](SqlConnection& c) -> std::function<void()> {
    WriterStatements w(c);
    for (const Mapping& m : batch) {
      std::optional<std::string> channel;
      if (m.filtered) {
        channel = c.string(
            "UPDATE messages SET state = 'filtered', error = ?, script_version = ? WHERE id = ?"
            " AND state = 'received' RETURNING channel",
            *m.filtered, versionOrNull(m.scriptVersion), m.id);
        if (channel) w.insertEvent(m.id, "filtered", *m.filtered);
      } else {
        std::vector<std::string> attributes;
        for (const std::string& d : m.destinations)
          attributes.push_back(attributesOf(m.attributes, d));
        const std::string* mapped = m.mapped ? &*m.mapped : nullptr;
        if (m.notes.empty() && m.derived.empty()) {
          // Nothing more to write for it: no answer to wait for.
          w.sendMappedAndRoute(m.id, mapped, m.scriptVersion, m.destinations, attributes);
          continue;
        }
        channel = w.markMappedAndRoute(m.id, mapped, m.scriptVersion, m.destinations, attributes);
      }
      if (!channel) continue;  // recorded already (two workers raced): nothing twice
      for (const std::string& note : m.notes) w.insertEvent(m.id, "script_log", note);
      for (const Derived& d : m.derived) {
        insertDerived(w, *channel, m.id, m.id, d, kMadeByMapping + std::to_string(m.id));
      }
    }
    return nullptr;
  });
}

Result<void> SqlJournal::markFiltered(MessageId id, const std::string& reason,
                                      const std::vector<std::string>& notes,
                                      std::int64_t scriptVersion) {
  return markEnded(id, "filtered", reason, notes, scriptVersion);
}

Result<void> SqlJournal::markFailed(MessageId id, const std::string& reason,
                                    const std::vector<std::string>& notes,
                                    std::int64_t scriptVersion) {
  return markEnded(id, "failed", reason, notes, scriptVersion);
}

Result<void> SqlJournal::markEnded(MessageId id, const std::string& state,
                                   const std::string& reason, const std::vector<std::string>& notes,
                                   std::int64_t scriptVersion) {
  return writer_->run([&](SqlConnection& c) -> std::function<void()> {
    c.run(
        "UPDATE messages SET state = ?, error = ?, script_version = ? WHERE id = ?"
        " AND state = 'received'",
        state, reason, versionOrNull(scriptVersion), id);
    WriterStatements w(c);
    for (const std::string& note : notes) w.insertEvent(id, "script_log", note);
    w.insertEvent(id, state, reason);
    return nullptr;
  });
}

Result<void> SqlJournal::recordAttempt(std::int64_t deliveryId, AttemptOutcome outcome,
                                       const std::string& error, std::int64_t nextAttemptAtMs) {
  return submitAttempts({Attempt{deliveryId, outcome, error, nextAttemptAtMs, {}}}, std::nullopt)
      .get();
}

namespace {

// Thrown inside a fenced write whose lease has moved on: the write is refused whole.
struct LeaseLost : Poco::Exception {
  explicit LeaseLost(const std::string& what) : Poco::Exception(what) {}
};

// Holds the lease row (FOR SHARE) for the rest of the transaction, so a node taking it over
// (FOR UPDATE) waits for this write and then sees it; throws LeaseLost when it is no longer
// the fence's node's at the fence's epoch.
void checkFence(SqlConnection& c, const Journal::Fence& f) {
  const auto held = c.integer(
      "SELECT epoch FROM destination_leases WHERE channel = ? AND destination = ? AND owner = ?"
      " FOR SHARE",
      f.channel, f.destination, f.node);
  if (held != f.epoch) {
    throw LeaseLost("lease lost: " + f.channel + "/" + f.destination + " is no longer " + f.node +
                    "'s at epoch " + std::to_string(f.epoch));
  }
}

}  // namespace

std::future<Result<void>> SqlJournal::submitAttempts(std::vector<Attempt> batch,
                                                     std::optional<Fence> fence) {
  static const char* const kStates[] = {"delivered", "pending", "failed"};
  return writer_->submit([batch = std::move(batch),
                          fence = std::move(fence)](SqlConnection& c) -> std::function<void()> {
    if (fence) checkFence(c, *fence);
    const std::int64_t epoch = fence ? fence->epoch : 0;
    WriterStatements w(c);
    std::vector<WriterStatements::AttemptRow> rows;
    for (const Attempt& a : batch) {
      rows.push_back({a.deliveryId, kStates[static_cast<int>(a.outcome)], a.nextAttemptAtMs,
                      a.error, a.response});
    }
    std::map<std::int64_t, std::pair<std::int64_t, std::string>> updated;
    for (auto& [id, row] : w.updateDeliveries(rows, epoch)) updated[id] = std::move(row);
    for (const Attempt& a : batch) {
      const auto& [messageId, destination] = updated[a.deliveryId];
      if (a.outcome == AttemptOutcome::kDelivered) {
        if (!a.awaited.empty()) awaitAnswers(c, a.deliveryId, messageId, destination, a.awaited);
        continue;  // the row says it all
      }
      const char* kind = a.outcome == AttemptOutcome::kRetry ? "attempt_failed" : "delivery_failed";
      w.insertEvent(messageId, kind, destination + (a.error.empty() ? "" : ": " + a.error));
    }
    return nullptr;
  });
}

Result<void> SqlJournal::holdDelivery(std::int64_t deliveryId, const std::string& reason,
                                      const std::string& exceptions, const std::string& attributes,
                                      std::optional<Fence> fence) {
  auto ok = writer_->run([&](SqlConnection& c) -> std::function<void()> {
    if (fence) checkFence(c, *fence);
    MessageId id = 0;
    std::string channel, destination;
    c.each(
        "SELECT message_id, channel, destination FROM deliveries WHERE id = ?",
        [&](const SqlStatement& q) {
          id = q.int64(0);
          channel = q.text(1);
          destination = q.text(2);
        },
        deliveryId);
    c.run(
        "UPDATE deliveries SET state = 'held', attempts = attempts + 1, next_attempt_at = 0,"
        " last_error = ?, updated_at = ? WHERE id = ?",
        reason, nowMs(), deliveryId);
    // (Only a cluster's journal, on PostgreSQL, has the epoch column.)
    if (fence) c.run("UPDATE deliveries SET epoch = ? WHERE id = ?", fence->epoch, deliveryId);
    WriterStatements w(c);
    w.insertEvent(id, "delivery_held", destination + ": " + reason);
    if (!exceptions.empty()) {
      w.insertDelivery(id, id, channel, exceptions, attributes);
      w.insertEvent(id, "routed_to_exceptions", exceptions + ": " + reason);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return {};
}

namespace {

// The destinations a message's deliveries went to, each once, in the order of the first.
std::vector<std::string> routedDestinations(SqlConnection& c, MessageId id) {
  std::vector<std::string> names;
  c.each(
      "SELECT destination FROM deliveries WHERE message_id = ? GROUP BY destination"
      " ORDER BY MIN(id)",
      [&names](const SqlStatement& q) { names.push_back(q.text(0)); }, id);
  return names;
}

}  // namespace

Result<std::vector<std::string>> SqlJournal::routedTo(MessageId id) {
  return reading([&](SqlConnection& c) { return routedDestinations(c, id); });
}

Result<int> SqlJournal::replay(MessageId id, const std::vector<std::string>& destinations) {
  int created = 0;
  // An expected refusal is an answer, not a failed write: the job says it and changes nothing.
  Result<void> refused;
  auto ok = writer_->run([&](SqlConnection& c) -> std::function<void()> {
    created = 0;
    refused = {};
    std::string channel, state;
    c.each(
        "SELECT channel, state FROM messages WHERE id = ?",
        [&](const SqlStatement& q) {
          channel = q.text(0);
          state = q.text(1);
        },
        id);
    WriterStatements w(c);
    if (state == "failed") {
      // Mapping failed (a script error, say): after the fix the message is mapped again.
      c.run("UPDATE messages SET state = 'received', error = '' WHERE id = ?", id);
      w.insertEvent(id, "replayed", "to be mapped again");
      return nullptr;
    }
    if (state.empty()) {
      refused = fail(ErrorCode::kNotFound, "no message " + std::to_string(id));
      return nullptr;
    }
    if (state != "mapped") {
      refused =
          fail(ErrorCode::kInvalidState,
               "message " + std::to_string(id) + " is " + state +
                   "; only mapped messages and messages whose mapping failed can be replayed");
      return nullptr;
    }
    // None named: where the original routing sent it (each destination once, in the order of
    // its first delivery), never to every destination of the channel.
    const std::vector<std::string> targets =
        destinations.empty() ? routedDestinations(c, id) : destinations;
    if (targets.empty()) {
      refused = fail(ErrorCode::kInvalidState,
                     "message " + std::to_string(id) +
                         " was routed to no destination; name the destinations to replay it to");
      return nullptr;
    }
    for (const std::string& d : targets) {
      // A replayed delivery goes where the first one went (its routing attributes).
      const auto kept = c.string(
          "SELECT attributes FROM deliveries WHERE message_id = ? AND destination = ?"
          " ORDER BY id LIMIT 1",
          id, d);
      w.insertDelivery(id, id, channel, d, kept.value_or(""));
      ++created;
    }
    w.insertEvent(id, "replayed", std::to_string(created) + " new deliveries");
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  if (!refused) return tl::unexpected(refused.error());
  return created;
}

Result<int> SqlJournal::prune(int days) {
  const std::int64_t cutoff = nowMs() - static_cast<std::int64_t>(days) * 86400000;
  int removed = 0;
  auto ok = writer_->run([&](SqlConnection& c) -> std::function<void()> {
    std::vector<std::int64_t> ids;
    c.each(
        "SELECT id FROM messages WHERE received_at < ?"
        " AND state IN ('mapped', 'filtered', 'rejected', 'duplicate')"
        " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id"
        " AND d.state != 'delivered')",
        [&ids](const SqlStatement& q) { ids.push_back(q.int64(0)); }, cutoff);
    for (std::int64_t id : ids) {
      c.run("DELETE FROM deliveries WHERE message_id = ?", id);
      c.run("DELETE FROM events WHERE message_id = ?", id);
      c.run("DELETE FROM messages WHERE id = ?", id);
    }
    removed = static_cast<int>(ids.size());
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return removed;
}

Result<std::optional<PendingDelivery>> SqlJournal::nextDelivery(const std::string& channel,
                                                                const std::string& destination) {
  auto batch = pendingDeliveries(channel, destination, 1, {});
  if (!batch) return tl::unexpected(batch.error());
  if (batch->empty()) return std::optional<PendingDelivery>();
  return std::optional<PendingDelivery>(std::move(batch->front()));
}

Result<std::vector<PendingDelivery>> SqlJournal::pendingDeliveries(
    const std::string& channel, const std::string& destination, int limit,
    const std::set<std::int64_t>& excluding) {
  // One text whatever is left out (the ids travel as one value: a JSON array for SQLite, an
  // array for PostgreSQL), so the statement can be kept.
  auto sql = [](SqlConnection& c) {
    return std::string(
               "SELECT d.id, d.message_id, d.sequence, d.attempts, d.next_attempt_at,"
               " m.received_at, COALESCE(m.mapped, m.bytes), d.attributes"
               " FROM deliveries d JOIN messages m ON m.id = d.message_id"
               " WHERE d.channel = ? AND d.destination = ? AND d.state = 'pending'"
               " AND d.sequence < COALESCE((SELECT MIN(id) FROM messages"
               "   WHERE channel = ? AND state = 'received'), ?)") +
           (c.engine() == SqlEngine::kSqlite ? " AND d.id NOT IN (SELECT value FROM json_each(?))"
                                             : " AND d.id <> ALL(?::bigint[])") +
           " ORDER BY d.sequence, d.id LIMIT ?";
  };
  auto query = [&](SqlConnection& c) {
    std::string left;
    if (c.engine() == SqlEngine::kSqlite) {
      left = "[";
      for (std::int64_t id : excluding) left += (left.size() > 1 ? "," : "") + std::to_string(id);
      left += "]";
    } else {
      left = integerArray(std::vector<std::int64_t>(excluding.begin(), excluding.end()));
    }
    std::vector<PendingDelivery> out;
    c.each(
        sql(c),
        [&out](const SqlStatement& q) {
          PendingDelivery p;
          p.deliveryId = q.int64(0);
          p.messageId = q.int64(1);
          p.sequence = q.int64(2);
          p.attempts = static_cast<int>(q.int64(3));
          p.nextAttemptAtMs = q.int64(4);
          p.receivedAtMs = q.int64(5);
          p.bytes = q.text(6);
          p.attributes = q.text(7);
          out.push_back(std::move(p));
        },
        channel, destination, channel, std::numeric_limits<std::int64_t>::max(), left,
        static_cast<std::int64_t>(limit));
    return out;
  };
  if (options_.backend != "sqlite") return reading(query);
  if (auto there = present(); !there) return tl::unexpected(there.error());
  std::lock_guard lock(queueMutex_);
  try {
    if (!queueReader_) queueReader_ = std::make_unique<SqlConnection>(readers_->get(), true);
    return query(*queueReader_);
  } catch (const Poco::Exception& e) {
    queueReader_.reset();
    return fail(ErrorCode::kIoError, "journal read failed: " + e.displayText());
  }
}

Result<std::vector<MessageId>> SqlJournal::unmapped(const std::string& channel) {
  return reading([&](SqlConnection& c) {
    std::vector<MessageId> ids;
    c.each(
        "SELECT id FROM messages WHERE channel = ? AND state = 'received' ORDER BY id",
        [&ids](const SqlStatement& q) { ids.push_back(q.int64(0)); }, channel);
    return ids;
  });
}

Result<std::vector<MessageId>> SqlJournal::claimUnmapped(const std::string& channel, int limit) {
  if (options_.node.empty()) {
    auto all = unmapped(channel);
    if (all && all->size() > static_cast<std::size_t>(limit)) all->resize(limit);
    return all;
  }
  // A write (the claim), through the writer like every other.
  std::vector<MessageId> ids;
  auto ok = writer_->run([&](SqlConnection& c) -> std::function<void()> {
    ids.clear();
    c.each(
        "UPDATE messages SET claimed_by = ?, claimed_until = now() + ? * interval '1 millisecond'"
        " WHERE id IN (SELECT id FROM messages WHERE channel = ? AND state = 'received'"
        " AND (claimed_until IS NULL OR claimed_until < now() OR claimed_by = ?)"
        " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING id",
        [&ids](const SqlStatement& q) { ids.push_back(q.int64(0)); }, options_.node,
        options_.claimFor.count(), channel, options_.node, limit);
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<MessageRecord> SqlJournal::message(MessageId id) {
  auto found = reading([&](SqlConnection& c) -> std::optional<MessageRecord> {
    std::optional<MessageRecord> r;
    c.each(
        "SELECT channel, control_id, state, error, bytes, mapped IS NOT NULL, mapped"
        " FROM messages WHERE id = ?",
        [&](const SqlStatement& q) {
          r.emplace();
          r->id = id;
          r->channel = q.text(0);
          r->controlId = q.text(1);
          r->state = q.text(2);
          r->error = q.text(3);
          r->bytes = q.text(4);
          // Unchanged by its mapping: what was mapped is what was received.
          if (q.int64(5)) {
            r->mapped = q.text(6);
          } else if (r->state == "mapped") {
            r->mapped = r->bytes;
          }
        },
        id);
    return r;
  });
  if (!found) return tl::unexpected(found.error());
  if (!*found) return fail(ErrorCode::kNotFound, "no message " + std::to_string(id));
  return std::move(**found);
}

Result<std::int64_t> SqlJournal::undelivered(const std::string& channel) {
  return reading([&](SqlConnection& c) {
    return c
        .integer(
            "SELECT COUNT(DISTINCT message_id) FROM deliveries WHERE channel = ?"
            " AND state = 'pending'",
            channel)
        .value_or(0);
  });
}

Result<std::int64_t> SqlJournal::backlogSize(const std::string& channel) {
  return reading([&](SqlConnection& c) {
    // One statement, one snapshot: a message moving from received to mapped between two
    // counts would be missed by both.
    return c
        .integer(
            "SELECT (SELECT COUNT(DISTINCT message_id) FROM deliveries WHERE channel = ?"
            " AND state = 'pending') + (SELECT COUNT(*) FROM messages WHERE channel = ?"
            " AND state = 'received')",
            channel, channel)
        .value_or(0);
  });
}

Result<std::int64_t> SqlJournal::countMessages(const std::string& channel,
                                               const std::string& state) {
  return reading([&](SqlConnection& c) {
    return c
        .integer("SELECT COUNT(*) FROM messages WHERE channel = ? AND state = ?", channel, state)
        .value_or(0);
  });
}

Result<std::int64_t> SqlJournal::countDeliveries(const std::string& channel,
                                                 const std::string& state) {
  return reading([&](SqlConnection& c) {
    return c
        .integer("SELECT COUNT(*) FROM deliveries WHERE channel = ? AND state = ?", channel, state)
        .value_or(0);
  });
}

bool SqlJournal::readable() {
  auto ok = reading([](SqlConnection& c) { return c.integer("SELECT 1").has_value(); });
  return ok && *ok;
}

}  // namespace pathhub::journal

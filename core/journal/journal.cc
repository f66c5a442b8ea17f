// The SQLite journal (see sqlite_journal.h), and Journal::open.
#include <Poco/Data/LOB.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <sqlite3.h>

#include <filesystem>
#include <limits>
#include <mutex>

#include "journal/journal_reads.h"
#include "journal/journal_writes.h"
#include "journal/schema.h"
#include "journal/sqlite_journal.h"
#include "version/build_info.h"

namespace pathhub::journal {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::BLOB;
using Poco::Data::Session;

std::int64_t contentHash(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(h);
}

}  // namespace

void recordEvent(Session& s, MessageId id, const std::string& kind, const std::string& detail) {
  s << "INSERT INTO events(message_id, at, kind, detail) VALUES(?, ?, ?, ?)", bind(id),
      bind(nowMs()), bind(kind), bind(detail), now;
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

Result<std::unique_ptr<Journal>> Journal::open(const JournalOptions& options) {
  return SqliteJournal::open(options);
}

Result<std::unique_ptr<Journal>> SqliteJournal::open(const JournalOptions& options) {
  ErrorContext ctx;
  ctx.file = options.path;
  try {
    static std::once_flag configured;
    std::call_once(configured, [] {
      // SQLite's memory statistics take a process-wide mutex on every allocation, which the
      // writer and the reader threads would contend on; pathhub does not use them.
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    });
    Poco::Data::SQLite::Connector::registerConnector();
    const auto parent = std::filesystem::path(options.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    // An existing journal of 0 bytes is one that was truncated (SQLite would take it for a new,
    // empty one, and every message's history would be gone without a word).
    std::error_code ec;
    if (std::filesystem::exists(options.path, ec) &&
        std::filesystem::file_size(options.path, ec) == 0 && !ec) {
      return fail(ErrorCode::kInvalidState,
                  "the journal " + options.path +
                      " exists but is empty (0 bytes): it was truncated or never written. Restore"
                      " it from a backup, or move it aside to start a new journal",
                  ctx);
    }
    Session writer("SQLite", options.path);
    // A damaged journal is refused at start, not found one message at a time.
    std::vector<std::string> damage;
    try {
      writer << "PRAGMA quick_check(20)", into(damage), now;
    } catch (const Poco::Exception& e) {
      damage = {e.displayText()};  // so damaged that the check itself cannot run
    }
    if (!(damage.size() == 1 && damage.front() == "ok")) {
      std::string what;
      for (const auto& d : damage) what += "\n  " + d;
      return fail(ErrorCode::kInvalidState,
                  "the journal " + options.path + " is damaged (SQLite's quick_check):" + what +
                      "\nThe hub will not start on it: restore it from a backup, or run"
                      " 'sqlite3 " +
                      options.path + " .recover' into a new file",
                  ctx);
    }
    writer << "PRAGMA journal_mode=WAL", now;
    writer << "PRAGMA synchronous=FULL", now;
    writer << "PRAGMA busy_timeout=10000", now;
    auto upgraded = upgradeSchema(writer, options.path, "pathhub " + std::string(build::kVersion));
    if (!upgraded) return tl::unexpected(upgraded.error());
    if (upgraded->from != upgraded->to) {
      Poco::Logger::get("journal").notice("journal %s: schema version %d -> %d", options.path,
                                          upgraded->from, upgraded->to);
    }
    auto file = JournalFile::identify(options.path);
    if (!file) return tl::unexpected(file.error());
    auto identity = std::make_shared<const JournalFile>(*file);
    auto readers = std::make_unique<Poco::Data::SessionPool>("SQLite", options.path, 1, 32);
    auto committer = std::make_unique<GroupCommitter>(std::move(writer), 512,
                                                      [identity] { return identity->check(); });
    return std::unique_ptr<Journal>(
        new SqliteJournal(options, identity, std::move(readers), std::move(committer)));
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "cannot open the journal: " + e.displayText(), ctx);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kIoError, std::string("cannot open the journal: ") + e.what(), ctx);
  }
}

SqliteJournal::SqliteJournal(JournalOptions options, std::shared_ptr<const JournalFile> file,
                             std::unique_ptr<Poco::Data::SessionPool> readers,
                             std::unique_ptr<GroupCommitter> writer)
    : options_(std::move(options)),
      file_(std::move(file)),
      readers_(std::move(readers)),
      writer_(std::move(writer)) {}

SqliteJournal::~SqliteJournal() {
  Poco::Logger::get("journal").information("journal %s closed: %?u writes in %?u transactions",
                                           options_.path, writer_->jobs(), writer_->commits());
  // The prepared statements belong to the writer's session: finish them on its thread first.
  (void)writer_->run([this](Session&) -> std::function<void()> {
    statements_.reset();
    return nullptr;
  });
  writer_.reset();
  readers_->shutdown();
}

GroupCommitter::Job SqliteJournal::withStatements(PreparedBody body) {
  return [this, body = std::move(body)](Session& s) -> std::function<void()> {
    try {
      if (!statements_) statements_ = std::make_unique<WriterStatements>(s);
      return body(s, *statements_);
    } catch (...) {
      statements_.reset();
      throw;
    }
  };
}

Result<Appended> SqliteJournal::append(const NewMessage& m,
                                       std::function<void(MessageId)> onCommitted) {
  Appended out;
  const std::int64_t hash = contentHash(m.bytes);
  const std::int64_t windowStart = nowMs() - options_.dedupeWindow.count() * 1000;
  auto ok =
      writer_->run(withStatements([&](Session& s, WriterStatements& w) -> std::function<void()> {
        out = Appended{};  // the job may run again after another job in its batch failed
        std::string state = m.rejected ? "rejected" : "received";
        if (!m.rejected && !m.controlId.empty() && options_.dedupeWindow.count() > 0) {
          for (const auto& candidate :
               w.candidates(m.channel, m.source, m.controlId, windowStart)) {
            if (candidate.hash != hash) {
              out.sameIdOtherBytes = true;
              continue;
            }
            BLOB earlier;
            s << "SELECT bytes FROM messages WHERE id = ?", bind(candidate.id), into(earlier), now;
            if (fromBlob(earlier) == m.bytes) {
              out.duplicate = true;
              out.duplicateOf = candidate.id;
              state = "duplicate";
              break;
            }
            out.sameIdOtherBytes = true;
          }
        }
        WriterStatements::MessageRow row;
        row.channel = m.channel;
        row.source = m.source;
        row.peer = m.peer;
        row.controlId = m.controlId;
        row.messageType = m.messageType;
        row.state = state;
        row.error = m.error;
        row.receivedAt = nowMs();
        row.hash = hash;
        row.duplicateOf = out.duplicateOf;
        row.nhsNumber = m.nhsNumber;
        row.placerOrder = m.placerOrder;
        row.fillerOrder = m.fillerOrder;
        out.id = w.insertMessage(row, m.bytes);
        for (const auto& [kind, detail] : m.events) w.insertEvent(out.id, kind, detail);
        // The normal path's history is in the rows themselves; events record the rest.
        if (state != "received") {
          w.insertEvent(out.id, state, m.peer + (m.error.empty() ? "" : " " + m.error));
        }
        if (state != "received" || !onCommitted) return nullptr;
        return [&onCommitted, id = out.id] { onCommitted(id); };
      }));
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

Result<void> SqliteJournal::markMapped(MessageId id, std::optional<std::string> mapped,
                                       const std::vector<std::string>& destinations) {
  std::vector<Mapping> one;
  Mapping m;
  m.id = id;
  m.mapped = std::move(mapped);
  m.destinations = destinations;
  one.push_back(std::move(m));
  return submitMapped(std::move(one)).get();
}

std::future<Result<void>> SqliteJournal::submitMapped(std::vector<Mapping> batch) {
  return writer_->submit(withStatements(
      [batch = std::move(batch)](Session& s, WriterStatements& w) -> std::function<void()> {
        for (const Mapping& m : batch) {
          std::optional<std::string> channel;
          if (m.filtered) {
            std::vector<std::string> found;
            s << "UPDATE messages SET state = 'filtered', error = ? WHERE id = ?"
                 " AND state = 'received' RETURNING channel",
                bind(*m.filtered), bind(m.id), into(found), now;
            if (!found.empty()) {
              channel = found.front();
              recordEvent(s, m.id, "filtered", *m.filtered);
            }
          } else {
            channel = w.markMapped(m.id, m.mapped ? &*m.mapped : nullptr);
            if (channel) {
              for (const std::string& d : m.destinations) {
                w.insertDelivery(m.id, m.id, *channel, d, attributesOf(m.attributes, d));
              }
            }
          }
          if (!channel) continue;  // recorded already (two workers raced): nothing twice
          for (const std::string& note : m.notes) w.insertEvent(m.id, "script_log", note);
          for (const Derived& d : m.derived) {
            insertDerived(w, *channel, m.id, m.id, d,
                          "made by the mapping of message " + std::to_string(m.id));
          }
        }
        return nullptr;
      }));
}

Result<void> SqliteJournal::markFiltered(MessageId id, const std::string& reason,
                                         const std::vector<std::string>& notes) {
  return markEnded(id, "filtered", reason, notes);
}

Result<void> SqliteJournal::markFailed(MessageId id, const std::string& reason,
                                       const std::vector<std::string>& notes) {
  return markEnded(id, "failed", reason, notes);
}

Result<void> SqliteJournal::markEnded(MessageId id, const std::string& state,
                                      const std::string& reason,
                                      const std::vector<std::string>& notes) {
  return writer_->run([&](Session& s) -> std::function<void()> {
    s << "UPDATE messages SET state = ?, error = ? WHERE id = ? AND state = 'received'",
        bind(state), bind(reason), bind(id), now;
    for (const std::string& note : notes) recordEvent(s, id, "script_log", note);
    recordEvent(s, id, state, reason);
    return nullptr;
  });
}

Result<void> SqliteJournal::recordAttempt(std::int64_t deliveryId, AttemptOutcome outcome,
                                          const std::string& error, std::int64_t nextAttemptAtMs) {
  return submitAttempts({Attempt{deliveryId, outcome, error, nextAttemptAtMs, {}}}).get();
}

std::future<Result<void>> SqliteJournal::submitAttempts(std::vector<Attempt> batch) {
  static const char* const kStates[] = {"delivered", "pending", "failed"};
  return writer_->submit(withStatements(
      [batch = std::move(batch)](Session& s, WriterStatements& w) -> std::function<void()> {
        for (const Attempt& a : batch) {
          const auto [messageId, destination] =
              w.updateDelivery(a.deliveryId, kStates[static_cast<int>(a.outcome)],
                               a.nextAttemptAtMs, a.error, a.response);
          if (a.outcome == AttemptOutcome::kDelivered) {
            if (!a.awaited.empty())
              awaitAnswers(s, a.deliveryId, messageId, destination, a.awaited);
            continue;  // the row says it all
          }
          const char* kind =
              a.outcome == AttemptOutcome::kRetry ? "attempt_failed" : "delivery_failed";
          w.insertEvent(messageId, kind, destination + (a.error.empty() ? "" : ": " + a.error));
        }
        return nullptr;
      }));
}

Result<void> SqliteJournal::holdDelivery(std::int64_t deliveryId, const std::string& reason,
                                         const std::string& exceptions,
                                         const std::string& attributes) {
  auto ok = writer_->run([&](Session& s) -> std::function<void()> {
    MessageId id = 0;
    std::string channel, destination;
    s << "SELECT message_id, channel, destination FROM deliveries WHERE id = ?", bind(deliveryId),
        into(id), into(channel), into(destination), now;
    s << "UPDATE deliveries SET state = 'held', attempts = attempts + 1, next_attempt_at = 0,"
         " last_error = ?, updated_at = ? WHERE id = ?",
        bind(reason), bind(nowMs()), bind(deliveryId), now;
    recordEvent(s, id, "delivery_held", destination + ": " + reason);
    if (!exceptions.empty()) {
      s << "INSERT INTO deliveries(message_id, channel, destination, state, updated_at, sequence,"
           " attributes) VALUES(?, ?, ?, 'pending', ?, ?, ?)",
          bind(id), bind(channel), bind(exceptions), bind(nowMs()), bind(id), bind(attributes), now;
      recordEvent(s, id, "routed_to_exceptions", exceptions + ": " + reason);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return {};
}

namespace {

// The destinations a message's deliveries went to, each once, in the order of the first.
std::vector<std::string> routedDestinations(Session& s, MessageId id) {
  std::vector<std::string> names;
  s << "SELECT destination FROM deliveries WHERE message_id = ? GROUP BY destination"
       " ORDER BY MIN(id)",
      bind(id), into(names), now;
  return names;
}

}  // namespace

Result<std::vector<std::string>> SqliteJournal::integrityCheck() {
  return reading(*readers_, *file_, [](Session& s) {
    std::vector<std::string> found;
    s << "PRAGMA integrity_check(100)", into(found), now;
    if (found.size() == 1 && found.front() == "ok") found.clear();
    return found;
  });
}

Result<std::vector<std::string>> SqliteJournal::routedTo(MessageId id) {
  return reading(*readers_, *file_, [&](Session& s) { return routedDestinations(s, id); });
}

Result<int> SqliteJournal::replay(MessageId id, const std::vector<std::string>& destinations) {
  int created = 0;
  // An expected refusal is an answer, not a failed write: the job says it and changes nothing.
  Result<void> refused;
  auto ok = writer_->run([&](Session& s) -> std::function<void()> {
    created = 0;
    refused = {};
    std::string channel, state;
    s << "SELECT channel, state FROM messages WHERE id = ?", bind(id), into(channel), into(state),
        now;
    if (state == "failed") {
      // Mapping failed (a script error, say): after the fix the message is mapped again.
      s << "UPDATE messages SET state = 'received', error = '' WHERE id = ?", bind(id), now;
      recordEvent(s, id, "replayed", "to be mapped again");
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
        destinations.empty() ? routedDestinations(s, id) : destinations;
    if (targets.empty()) {
      refused = fail(ErrorCode::kInvalidState,
                     "message " + std::to_string(id) +
                         " was routed to no destination; name the destinations to replay it to");
      return nullptr;
    }
    for (const std::string& d : targets) {
      // A replayed delivery goes where the first one went (its routing attributes).
      std::vector<std::string> kept;
      s << "SELECT attributes FROM deliveries WHERE message_id = ? AND destination = ?"
           " ORDER BY id LIMIT 1",
          bind(id), bind(d), into(kept), now;
      const std::string attributes = kept.empty() ? std::string() : kept.front();
      s << "INSERT INTO deliveries(message_id, channel, destination, state, updated_at, sequence,"
           " attributes) VALUES(?, ?, ?, 'pending', ?, ?, ?)",
          bind(id), bind(channel), bind(d), bind(nowMs()), bind(id), bind(attributes), now;
      ++created;
    }
    recordEvent(s, id, "replayed", std::to_string(created) + " new deliveries");
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  if (!refused) return tl::unexpected(refused.error());
  return created;
}

Result<int> SqliteJournal::prune(int days) {
  const std::int64_t cutoff = nowMs() - static_cast<std::int64_t>(days) * 86400000;
  int removed = 0;
  auto ok = writer_->run([&](Session& s) -> std::function<void()> {
    const char* finished =
        "received_at < ? AND state IN ('mapped', 'filtered', 'rejected', 'duplicate')"
        " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id"
        " AND d.state != 'delivered')";
    std::vector<Poco::Int64> ids;
    s << std::string("SELECT id FROM messages WHERE ") + finished, bind(cutoff), into(ids), now;
    for (Poco::Int64 id : ids) {
      s << "DELETE FROM deliveries WHERE message_id = ?", bind(id), now;
      s << "DELETE FROM events WHERE message_id = ?", bind(id), now;
      s << "DELETE FROM messages WHERE id = ?", bind(id), now;
    }
    removed = static_cast<int>(ids.size());
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return removed;
}

Result<std::optional<PendingDelivery>> SqliteJournal::nextDelivery(const std::string& channel,
                                                                   const std::string& destination) {
  auto batch = pendingDeliveries(channel, destination, Cursor{}, 1);
  if (!batch) return tl::unexpected(batch.error());
  if (batch->empty()) return std::optional<PendingDelivery>();
  return std::optional<PendingDelivery>(std::move(batch->front()));
}

Result<std::vector<PendingDelivery>> SqliteJournal::pendingDeliveries(
    const std::string& channel, const std::string& destination, Cursor after, int limit) {
  return reading(*readers_, *file_, [&](Session& s) {
    std::vector<Poco::Int64> ids, messageIds, sequences, nextAt, receivedAt;
    std::vector<int> attempts;
    std::vector<BLOB> mapped;
    std::vector<std::string> attributes;
    const Poco::Int64 noLimit = std::numeric_limits<Poco::Int64>::max();
    const Poco::Int64 afterSequence = after.sequence;
    const Poco::Int64 afterDelivery = after.deliveryId;
    s << "SELECT d.id, d.message_id, d.sequence, d.attempts, d.next_attempt_at,"
         " m.received_at, COALESCE(m.mapped, m.bytes), d.attributes"
         " FROM deliveries d JOIN messages m ON m.id = d.message_id"
         " WHERE d.channel = ? AND d.destination = ? AND d.state = 'pending'"
         " AND (d.sequence > ? OR (d.sequence = ? AND d.id > ?))"
         " AND d.sequence < COALESCE((SELECT MIN(id) FROM messages"
         "   WHERE channel = ? AND state = 'received'), ?)"
         " ORDER BY d.sequence, d.id LIMIT ?",
        bind(channel), bind(destination), bind(afterSequence), bind(afterSequence),
        bind(afterDelivery), bind(channel), bind(noLimit), bind(limit), into(ids), into(messageIds),
        into(sequences), into(attempts), into(nextAt), into(receivedAt), into(mapped),
        into(attributes), now;
    std::vector<PendingDelivery> out(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      out[i].deliveryId = ids[i];
      out[i].messageId = messageIds[i];
      out[i].sequence = sequences[i];
      out[i].attempts = attempts[i];
      out[i].nextAttemptAtMs = nextAt[i];
      out[i].receivedAtMs = receivedAt[i];
      out[i].bytes = fromBlob(mapped[i]);
      out[i].attributes = attributes[i];
    }
    return out;
  });
}

Result<std::vector<MessageId>> SqliteJournal::unmapped(const std::string& channel) {
  return reading(*readers_, *file_, [&](Session& s) {
    std::vector<Poco::Int64> ids;
    s << "SELECT id FROM messages WHERE channel = ? AND state = 'received' ORDER BY id",
        bind(channel), into(ids), now;
    return std::vector<MessageId>(ids.begin(), ids.end());
  });
}

Result<MessageRecord> SqliteJournal::message(MessageId id) {
  auto found = reading(*readers_, *file_, [&](Session& s) -> std::optional<MessageRecord> {
    std::vector<std::string> channel, controlId, state, error;
    std::vector<BLOB> bytes;
    s << "SELECT channel, control_id, state, error, bytes FROM messages WHERE id = ?", bind(id),
        into(channel), into(controlId), into(state), into(error), into(bytes), now;
    if (channel.empty()) return std::nullopt;
    MessageRecord r;
    r.id = id;
    r.channel = channel[0];
    r.controlId = controlId[0];
    r.state = state[0];
    r.error = error[0];
    r.bytes = fromBlob(bytes[0]);
    BLOB mapped;
    s << "SELECT CASE WHEN mapped IS NOT NULL THEN mapped WHEN state = 'mapped' THEN bytes"
         " ELSE x'' END FROM messages WHERE id = ?",
        bind(id), into(mapped), now;
    r.mapped = fromBlob(mapped);
    return r;
  });
  if (!found) return tl::unexpected(found.error());
  if (!*found) return fail(ErrorCode::kNotFound, "no message " + std::to_string(id));
  return std::move(**found);
}

Result<std::int64_t> SqliteJournal::undelivered(const std::string& channel) {
  return reading(*readers_, *file_, [&](Session& s) {
    Poco::Int64 n = 0;
    s << "SELECT COUNT(DISTINCT message_id) FROM deliveries WHERE channel = ?"
         " AND state = 'pending'",
        bind(channel), into(n), now;
    return static_cast<std::int64_t>(n);
  });
}

Result<std::int64_t> SqliteJournal::backlogSize(const std::string& channel) {
  return reading(*readers_, *file_, [&](Session& s) {
    // One statement, one snapshot: a message moving from received to mapped between two
    // counts would be missed by both.
    Poco::Int64 n = 0;
    s << "SELECT (SELECT COUNT(DISTINCT message_id) FROM deliveries WHERE channel = ?"
         " AND state = 'pending') + (SELECT COUNT(*) FROM messages WHERE channel = ?"
         " AND state = 'received')",
        bind(channel), bind(channel), into(n), now;
    return static_cast<std::int64_t>(n);
  });
}

Result<std::int64_t> SqliteJournal::countMessages(const std::string& channel,
                                                  const std::string& state) {
  return reading(*readers_, *file_, [&](Session& s) {
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM messages WHERE channel = ? AND state = ?", bind(channel),
        bind(state), into(n), now;
    return static_cast<std::int64_t>(n);
  });
}

Result<std::int64_t> SqliteJournal::countDeliveries(const std::string& channel,
                                                    const std::string& state) {
  return reading(*readers_, *file_, [&](Session& s) {
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM deliveries WHERE channel = ? AND state = ?", bind(channel),
        bind(state), into(n), now;
    return static_cast<std::int64_t>(n);
  });
}

}  // namespace pathhub::journal

// Mapping scripts' versions and the history a diff-replay reads (see journal.h, schema 4).
#include <limits>
#include <map>

#include "journal/journal_reads.h"
#include "journal/sql_journal.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {

Result<std::int64_t> SqlJournal::recordScriptVersion(const NewScriptVersion& v) {
  std::int64_t version = 0;
  Result<void> refused;  // an expected refusal is an answer, not a failed write
  auto ok = writer_->run([&](SqlConnection& c) -> std::function<void()> {
    refused = {};
    const auto known = c.integer(
        "SELECT version FROM script_versions WHERE channel = ? AND hash = ?", v.channel, v.hash);
    const std::optional<Bytes> content =
        v.content ? std::optional<Bytes>(Bytes{*v.content}) : std::nullopt;
    if (known) {
      version = *known;
      // A version first seen without its text (the file changed again before it was read)
      // gets it when it comes back with it.
      if (v.content) {
        c.run(
            "UPDATE script_versions SET content = ? WHERE channel = ? AND version = ?"
            " AND content IS NULL",
            content, v.channel, version);
      }
    } else {
      // Another node of a cluster may record the same text at the same moment: the unique
      // indexes keep one row, and the version is read back by the hash.
      const std::int64_t next = c.integer(
                                     "SELECT COALESCE(MAX(version), 0) + 1 FROM"
                                     " script_versions WHERE channel = ?",
                                     v.channel)
                                    .value_or(1);
      c.run(
          "INSERT INTO script_versions(channel, version, hash, script, content, created_at,"
          " created_by, origin) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
          v.channel, next, v.hash, v.script, content, nowMs(), v.by, v.origin);
      const auto recorded = c.integer(
          "SELECT version FROM script_versions WHERE channel = ? AND hash = ?", v.channel, v.hash);
      if (!recorded) {
        refused = fail(ErrorCode::kUnavailable, "another version of channel " + v.channel +
                                                    "'s script was recorded at the"
                                                    " same moment; try again");
        return nullptr;
      }
      version = *recorded;
    }
    const auto live = c.integer(
        "SELECT version FROM script_deployments WHERE channel = ? ORDER BY id DESC LIMIT 1",
        v.channel);
    if (live != version) {
      c.run(
          "INSERT INTO script_deployments(channel, version, at, deployed_by, origin, action)"
          " VALUES(?, ?, ?, ?, ?, ?)",
          v.channel, version, nowMs(), v.by, v.origin, v.action);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  if (!refused) return tl::unexpected(refused.error());
  return version;
}

Result<std::vector<ScriptVersionRecord>> SqlJournal::scriptVersions(const std::string& channel) {
  return reading([&](SqlConnection& c) {
    std::vector<ScriptVersionRecord> out;
    eachRow(c,
            "SELECT version, hash, script, content IS NOT NULL, created_at, created_by, origin"
            " FROM script_versions WHERE channel = ? ORDER BY version DESC",
            {channel}, {}, [&](SqlStatement& q) {
              ScriptVersionRecord r;
              r.version = q.int64(0);
              r.channel = channel;
              r.hash = q.text(1);
              r.script = q.text(2);
              r.contentKept = q.int64(3) != 0;
              r.createdAtMs = q.int64(4);
              r.createdBy = q.text(5);
              r.origin = q.text(6);
              out.push_back(std::move(r));
            });
    return out;
  });
}

Result<std::vector<ScriptDeploymentRecord>> SqlJournal::scriptDeployments(
    const std::string& channel, int limit) {
  return reading([&](SqlConnection& c) {
    std::vector<ScriptDeploymentRecord> out;
    eachRow(c,
            "SELECT version, at, deployed_by, origin, action FROM script_deployments"
            " WHERE channel = ? ORDER BY id DESC LIMIT ?",
            {channel}, {pageLimit(limit)}, [&](SqlStatement& q) {
              out.push_back({q.int64(0), q.int64(1), q.text(2), q.text(3), q.text(4)});
            });
    return out;
  });
}

Result<std::optional<std::string>> SqlJournal::scriptContent(const std::string& channel,
                                                             std::int64_t version) {
  return reading([&](SqlConnection& c) {
    std::optional<std::string> out;
    eachRow(c,
            "SELECT content FROM script_versions WHERE channel = ? AND version = ?"
            " AND content IS NOT NULL",
            {channel}, {version}, [&](SqlStatement& q) { out = q.text(0); });
    return out;
  });
}

Result<std::vector<HistoryRecord>> SqlJournal::channelHistory(const HistoryWindow& w) {
  return reading([&](SqlConnection& c) {
    std::vector<HistoryRecord> out;
    const std::int64_t to = w.toMs ? w.toMs : std::numeric_limits<std::int64_t>::max();
    const std::int64_t limit = w.limit < 1 ? 1 : (w.limit > 5000 ? 5000 : w.limit);
    eachRow(c,
            "SELECT id, received_at, control_id, message_type, state, error, bytes,"
            " mapped IS NOT NULL, mapped, COALESCE(script_version, 0) FROM messages"
            // Read in id order from the primary key: `channel || ''` keeps SQLite from taking
            // the dedupe index for the channel and sorting the whole channel for every page.
            " WHERE channel || '' = ? AND id > ? AND received_at >= ? AND received_at < ?"
            " AND parent_id IS NULL AND state IN ('mapped', 'filtered', 'failed')"
            " ORDER BY id LIMIT ?",
            {w.channel}, {w.afterId, w.fromMs, to, limit}, [&](SqlStatement& q) {
              HistoryRecord r;
              r.id = q.int64(0);
              r.receivedAtMs = q.int64(1);
              r.controlId = q.text(2);
              r.messageType = q.text(3);
              r.state = q.text(4);
              r.error = q.text(5);
              r.bytes = q.text(6);
              // A message its mapping left unchanged is delivered as received.
              if (r.state == "mapped") r.produced = q.int64(7) ? q.text(8) : r.bytes;
              r.scriptVersion = q.int64(9);
              out.push_back(std::move(r));
            });
    if (out.empty()) return out;
    std::map<std::int64_t, HistoryRecord*> byId;
    for (auto& r : out) byId[r.id] = &r;
    const std::int64_t first = out.front().id, last = out.back().id;
    // Each destination once, in the order of its first delivery (a replay adds deliveries to
    // where the message went already).
    eachRow(c,
            "SELECT message_id, destination FROM deliveries WHERE message_id >= ?"
            " AND message_id <= ? GROUP BY message_id, destination ORDER BY MIN(id)",
            {}, {first, last}, [&](SqlStatement& q) {
              const auto it = byId.find(q.int64(0));
              if (it != byId.end()) it->second->destinations.push_back(q.text(1));
            });
    eachRow(c,
            // The page's children through messages_parent, then each one's events (CROSS JOIN:
            // SQLite keeps that order rather than scanning every event).
            "SELECT m.parent_id, COALESCE(m.mapped, m.bytes), e.detail FROM messages m"
            " CROSS JOIN events e WHERE e.message_id = m.id AND e.kind = 'derived'"
            " AND m.parent_id >= ? AND m.parent_id <= ? ORDER BY m.parent_id, m.id",
            {}, {first, last}, [&](SqlStatement& q) {
              const std::int64_t parent = q.int64(0);
              const auto it = byId.find(parent);
              if (it != byId.end() && q.text(2) == kMadeByMapping + std::to_string(parent)) {
                it->second->made.push_back(q.text(1));
              }
            });
    return out;
  });
}

Result<MessageId> SqlJournal::lastIdReceivedBefore(std::int64_t toMs) {
  return reading([&](SqlConnection& c) -> MessageId {
    MessageId low = c.integer("SELECT COALESCE(MIN(id), 0) FROM messages").value_or(0);
    MessageId high = c.integer("SELECT COALESCE(MAX(id), 0) FROM messages").value_or(0);
    if (!toMs || !high) return high;
    // The first id at or after `low` received at or after toMs, by halving: each step one
    // look-up by the primary key.
    auto receivedAt = [&c](MessageId from) {
      return c.integer("SELECT received_at FROM messages WHERE id >= ? ORDER BY id LIMIT 1", from);
    };
    if (receivedAt(high).value_or(0) < toMs) return high;
    while (low < high) {
      const MessageId middle = low + (high - low) / 2;
      if (receivedAt(middle).value_or(toMs) < toMs) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low > 0 ? low - 1 : 0;
  });
}

}  // namespace pathhub::journal

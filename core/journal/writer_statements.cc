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

void WriterStatements::insertReceived(MessageRow row, const std::string& bytes, std::int64_t since,
                                      const Events& events, const std::string& duplicateDetail,
                                      const std::function<void(const Received&)>& done) {
  if (!c_.writesInFewStatements()) {
    Received out;
    for (const auto& candidate : candidates(row.channel, row.source, row.controlId, since)) {
      if (candidate.hash == row.hash &&
          c_.string("SELECT bytes FROM messages WHERE id = ?", candidate.id) == bytes) {
        out.duplicateOf = candidate.id;
        break;
      }
      out.sameIdOtherBytes = true;
    }
    if (out.duplicateOf) {
      row.state = "duplicate";
      row.duplicateOf = out.duplicateOf;
      row.claimedBy.clear();
    }
    out.id = insertMessage(row, bytes);
    for (const auto& [kind, detail] : events) insertEvent(out.id, kind, detail);
    if (out.duplicateOf) insertEvent(out.id, "duplicate", duplicateDetail);
    done(out);
    return;
  }
  // The same decision in the statement that records the message: the first earlier one with
  // the same bytes is what it duplicates; any earlier one before that with other bytes is
  // reported. A duplicate is never claimed for mapping. Its events are written by the same
  // statement, so it is sent ahead whole (no answer is needed before the commit).
  std::vector<std::string> kinds, details;
  for (const auto& [kind, detail] : events) {
    kinds.push_back(kind);
    details.push_back(detail);
  }
  const std::int64_t at = nowMs();
  c_.send(
      // p: the message's bytes (and their hash), sent once for the check and the insert. The
      // lookup itself takes its values directly, so its plan is an index scan whatever the
      // table's size when the statement was prepared.
      "WITH p AS (SELECT ?::bigint AS hash, ?::bytea AS bytes),"
      " c AS (SELECT id, (content_hash = (SELECT hash FROM p) AND bytes = (SELECT bytes FROM p))"
      " AS same FROM messages WHERE channel = ? AND source = ? AND control_id = ?"
      " AND received_at >= ? AND state NOT IN ('duplicate', 'rejected')),"
      " d AS (SELECT MIN(id) AS dup FROM c WHERE same),"
      " ins AS (INSERT INTO messages(channel, source, peer, control_id, message_type, received_at,"
      " content_hash, bytes, state, error, duplicate_of, parent_id, nhs_number, placer_order,"
      " filler_order, claimed_by, claimed_until)"
      " SELECT ?, ?, ?, ?, ?, ?, p.hash, p.bytes,"
      " CASE WHEN d.dup IS NULL THEN 'received' ELSE 'duplicate' END, ?, COALESCE(d.dup, 0),"
      " NULL, ?, ?, ?,"
      " CASE WHEN d.dup IS NULL AND ? <> '' THEN ? END,"
      " CASE WHEN d.dup IS NULL AND ? <> '' THEN now() + ? * interval '1 millisecond' END"
      " FROM d, p RETURNING id, duplicate_of),"
      " ev AS (INSERT INTO events(message_id, at, kind, detail)"
      " (SELECT ins.id, ?, e.kind, e.detail FROM ins, unnest(?::text[], ?::text[])"
      " WITH ORDINALITY AS e(kind, detail, n) ORDER BY e.n)"
      " UNION ALL SELECT id, ?, 'duplicate', ? FROM ins WHERE duplicate_of <> 0)"
      " SELECT id, duplicate_of, (SELECT COUNT(*) FROM c, d"
      " WHERE (d.dup IS NULL OR c.id < d.dup) AND NOT c.same) FROM ins",
      [done](const SqlStatement& q) {
        Received out;
        out.id = q.int64(0);
        out.duplicateOf = q.int64(1);
        out.sameIdOtherBytes = q.int64(2) > 0;
        done(out);
      },
      row.hash, Bytes{bytes}, row.channel, row.source, row.controlId, since, row.channel,
      row.source, row.peer, row.controlId, row.messageType, row.receivedAt, row.error,
      row.nhsNumber, row.placerOrder, row.fillerOrder, row.claimedBy, row.claimedBy, row.claimedBy,
      row.claimMs, at, textArray(kinds), textArray(details), at, duplicateDetail);
}

void WriterStatements::insertEvent(std::int64_t messageId, const std::string& kind,
                                   const std::string& detail) {
  c_.run("INSERT INTO events(message_id, at, kind, detail) VALUES(?, ?, ?, ?)", messageId, nowMs(),
         kind, detail);
}

std::optional<std::string> WriterStatements::markMapped(std::int64_t id, const std::string* mapped,
                                                        std::int64_t scriptVersion) {
  constexpr const char* kSql =
      "UPDATE messages SET state = 'mapped', mapped = ?, mapped_at = ?, script_version = ?"
      " WHERE id = ? AND state = 'received' RETURNING channel";
  const std::optional<Bytes> bytes = mapped ? std::optional<Bytes>(Bytes{*mapped}) : std::nullopt;
  return c_.string(kSql, bytes, nowMs(), versionOrNull(scriptVersion), id);
}

namespace {
// A message mapped and routed in one statement (PostgreSQL): the delivery rows in the order
// of the destinations.
constexpr const char* kMapAndRoute =
    "WITH m AS (UPDATE messages SET state = 'mapped', mapped = ?, mapped_at = ?,"
    " script_version = ? WHERE id = ? AND state = 'received' RETURNING id, channel),"
    " routed AS (INSERT INTO deliveries(message_id, channel, destination, state, updated_at,"
    " sequence, attributes) SELECT m.id, m.channel, v.destination, 'pending', ?, m.id,"
    " v.attributes FROM m, unnest(?::text[], ?::text[]) WITH ORDINALITY"
    " AS v(destination, attributes, n) ORDER BY v.n)"
    " SELECT channel FROM m";
}  // namespace

std::optional<std::string> WriterStatements::markMappedAndRoute(
    std::int64_t id, const std::string* mapped, std::int64_t scriptVersion,
    const std::vector<std::string>& destinations, const std::vector<std::string>& attributes) {
  if (!c_.writesInFewStatements() || destinations.empty()) {
    auto channel = markMapped(id, mapped, scriptVersion);
    if (channel) {
      for (std::size_t i = 0; i < destinations.size(); ++i) {
        insertDelivery(id, id, *channel, destinations[i], attributes[i]);
      }
    }
    return channel;
  }
  std::optional<std::string> channel;
  sendMapAndRoute(id, mapped, scriptVersion, destinations, attributes,
                  [&channel](const SqlStatement& q) { channel = q.text(0); });
  c_.awaitSent();
  return channel;
}

void WriterStatements::sendMappedAndRoute(std::int64_t id, const std::string* mapped,
                                          std::int64_t scriptVersion,
                                          const std::vector<std::string>& destinations,
                                          const std::vector<std::string>& attributes) {
  if (!c_.writesInFewStatements()) {
    markMappedAndRoute(id, mapped, scriptVersion, destinations, attributes);
    return;
  }
  sendMapAndRoute(id, mapped, scriptVersion, destinations, attributes, [](const SqlStatement&) {});
}

void WriterStatements::sendMapAndRoute(std::int64_t id, const std::string* mapped,
                                       std::int64_t scriptVersion,
                                       const std::vector<std::string>& destinations,
                                       const std::vector<std::string>& attributes,
                                       const std::function<void(const SqlStatement&)>& row) {
  const std::int64_t at = nowMs();
  const std::optional<Bytes> bytes = mapped ? std::optional<Bytes>(Bytes{*mapped}) : std::nullopt;
  c_.send(kMapAndRoute, row, bytes, at, versionOrNull(scriptVersion), id, at,
          textArray(destinations), textArray(attributes));
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

std::vector<std::pair<std::int64_t, std::pair<std::int64_t, std::string>>>
WriterStatements::updateDeliveries(const std::vector<AttemptRow>& rows, std::int64_t epoch) {
  std::vector<std::pair<std::int64_t, std::pair<std::int64_t, std::string>>> out;
  if (!c_.writesInFewStatements() || rows.size() == 1) {
    for (const auto& r : rows) {
      out.emplace_back(r.deliveryId, updateDelivery(r.deliveryId, r.state, r.nextAttemptAt, r.error,
                                                    r.response, epoch));
    }
    return out;
  }
  std::vector<std::int64_t> ids, next;
  std::vector<std::string> states, errors, responses;
  for (const auto& r : rows) {
    ids.push_back(r.deliveryId);
    states.push_back(r.state);
    next.push_back(r.nextAttemptAt);
    errors.push_back(r.error);
    responses.push_back(r.response);
  }
  c_.eachPlannedPerRun(
      "UPDATE deliveries d SET state = v.state, attempts = d.attempts + 1,"
      " next_attempt_at = v.next, last_error = v.error, response = v.response, updated_at = ?,"
      " epoch = CASE WHEN ? > 0 THEN ? ELSE d.epoch END"
      " FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[])"
      " AS v(id, state, next, error, response) WHERE d.id = v.id"
      " RETURNING d.id, d.message_id, d.destination",
      [&out](const SqlStatement& q) {
        out.emplace_back(q.int64(0), std::make_pair(q.int64(1), q.text(2)));
      },
      nowMs(), epoch, epoch, integerArray(ids), textArray(states), integerArray(next),
      textArray(errors), textArray(responses));
  return out;
}

}  // namespace pathhub::journal

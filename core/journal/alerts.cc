// The alerts' rows (schema 5; see journal.h, "Alerts").
#include <sstream>

#include "journal/journal_reads.h"
#include "journal/sql_journal.h"

namespace pathhub::journal {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

const char* kColumns =
    "id, owner, subject, state, rule, severity, condition, channel, destination, node, summary,"
    " value, true_since, fired_at, last_notified_at, resolved_at, notifications, told_rotas,"
    " acknowledged_by, acknowledged_at";

}  // namespace

Result<std::int64_t> SqlJournal::addAlert(const AlertRecord& a) {
  std::int64_t id = 0;
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    id = *db.integer(
        "INSERT INTO alerts(owner, subject, state, rule, severity, condition, channel,"
        " destination, node, summary, value, true_since, fired_at, last_notified_at, resolved_at,"
        " notifications, told_rotas, acknowledged_by, acknowledged_at)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        a.owner, a.subject, a.state, a.rule, a.severity, a.condition, a.channel, a.destination,
        a.node, a.summary, a.value, a.trueSinceMs, a.firedAtMs, a.lastNotifiedAtMs, a.resolvedAtMs,
        static_cast<std::int64_t>(a.notifications), joined(a.toldRotas), a.acknowledgedBy,
        a.acknowledgedAtMs);
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return id;
}

Result<void> SqlJournal::updateAlert(const AlertRecord& a) {
  return writer_->run([&](SqlConnection& db) -> std::function<void()> {
    db.run(
        "UPDATE alerts SET state = ?, summary = ?, value = ?, last_notified_at = ?,"
        " resolved_at = ?, notifications = ?, told_rotas = ?, acknowledged_by = ?,"
        " acknowledged_at = ? WHERE id = ?",
        a.state, a.summary, a.value, a.lastNotifiedAtMs, a.resolvedAtMs,
        static_cast<std::int64_t>(a.notifications), joined(a.toldRotas), a.acknowledgedBy,
        a.acknowledgedAtMs, a.id);
    return nullptr;
  });
}

Result<std::vector<AlertRecord>> SqlJournal::alertsOf(const std::string& owner, bool firing,
                                                      int limit) {
  return reading([&](SqlConnection& db) {
    const std::string sql =
        std::string("SELECT ") + kColumns + " FROM alerts WHERE owner = ? AND " +
        (firing ? "state = 'firing'" : "state != 'firing'") + " ORDER BY id " +
        (firing ? "" : "DESC ") + "LIMIT " + std::to_string(limit < 1 ? 1 : limit);
    std::vector<AlertRecord> out;
    eachRow(db, sql, {owner}, {}, [&out](const SqlStatement& q) {
      AlertRecord a;
      a.id = q.int64(0);
      a.owner = q.text(1);
      a.subject = q.text(2);
      a.state = q.text(3);
      a.rule = q.text(4);
      a.severity = q.text(5);
      a.condition = q.text(6);
      a.channel = q.text(7);
      a.destination = q.text(8);
      a.node = q.text(9);
      a.summary = q.text(10);
      a.value = q.int64(11);
      a.trueSinceMs = q.int64(12);
      a.firedAtMs = q.int64(13);
      a.lastNotifiedAtMs = q.int64(14);
      a.resolvedAtMs = q.int64(15);
      a.notifications = static_cast<int>(q.int64(16));
      a.toldRotas = split(q.text(17));
      a.acknowledgedBy = q.text(18);
      a.acknowledgedAtMs = q.int64(19);
      out.push_back(std::move(a));
    });
    return out;
  });
}

}  // namespace pathhub::journal

// The audit trail (see journal.h): entries are added through the writer, so an entry is
// durable before the action it records is answered; they are never changed or removed (the
// table's triggers refuse it, and pruning leaves the table alone).
#include "journal/journal_reads.h"
#include "journal/sql_filter.h"
#include "journal/sql_journal.h"

namespace pathhub::journal {

Result<std::int64_t> SqlJournal::audit(const AuditEntry& entry) {
  std::int64_t id = 0;
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    // "user" quoted: a reserved word in PostgreSQL.
    id = *db.integer(
        "INSERT INTO audit(at, \"user\", role, action, target, detail, peer)"
        " VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id",
        nowMs(), entry.user, entry.role, entry.action, entry.target, entry.detail, entry.peer);
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return id;
}

Result<AuditPage> SqlJournal::auditTrail(const AuditFilter& f) {
  SqlFilter where;
  where.whereText("\"user\"", f.user).whereText("action", f.action).whereText("target", f.target);
  if (f.fromMs) where.where("at >= ?", f.fromMs);
  if (f.toMs) where.where("at < ?", f.toMs);
  if (f.before) where.where("id < ?", f.before);
  const int limit = pageLimit(f.limit);
  return reading([&](SqlConnection& db) {
    const std::string sql =
        "SELECT id, at, \"user\", role, action, target, detail, peer FROM audit" + where.sql() +
        " ORDER BY id DESC LIMIT ?";
    auto q = db.statement(sql);
    q->bind(where.bind(*q), static_cast<std::int64_t>(limit) + 1);
    AuditPage page;
    while (q->step()) {
      page.entries.push_back({q->int64(0), q->int64(1), q->text(2), q->text(3), q->text(4),
                              q->text(5), q->text(6), q->text(7)});
    }
    if (page.entries.size() > static_cast<std::size_t>(limit)) {
      page.entries.pop_back();
      page.nextBefore = page.entries.back().id;
    }
    return page;
  });
}

}  // namespace pathhub::journal

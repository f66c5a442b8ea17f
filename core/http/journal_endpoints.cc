// POST /api/v1/journal/backup: a consistent copy of the running hub's journal, made with
// SQLite's online backup, checked, and streamed as the answer (see core/http/README.md).
#include <unistd.h>

#include <atomic>

#include "http/api_endpoints.h"
#include "journal/backup.h"

namespace pathhub::http {

void addJournalEndpoints(Router& router, ApiContext& context) {
  router.add({"POST", "/api/v1/journal/backup", Role::kAdmin, [&context](const ApiRequest& r) {
                r.allowOnly({});
                if (context.hub().config().journal.backend != "sqlite") {
                  throw ApiError(409, "not_sqlite",
                                 "the journal is a PostgreSQL database: back it up with"
                                 " PostgreSQL's own tools (pg_basebackup, pg_dump; see"
                                 " docs/cluster.md)");
                }
                const std::string journalPath = context.hub().config().journal.path;
                // Beside the journal: the one folder the service may surely write (systemd's
                // StateDirectory), on the same disk, and never readable by others (umask).
                static std::atomic<int> made{0};
                const std::string copy = journalPath + ".backup-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(++made) + ".tmp";
                // Audited before the copy is made, so that the copy carries its own record.
                context.audit(r, "backup_journal", journalPath);
                auto facts = journal::backupJournal(journalPath, copy);
                if (!facts) {
                  throw ApiError(500, "backup_failed", facts.error().describe());
                }
                Reply reply;
                reply.contentType = "application/vnd.sqlite3";
                reply.temporaryFile = copy;
                reply.headers.emplace_back("Content-Disposition",
                                           "attachment; filename=\"pathhub-journal.db\"");
                reply.headers.emplace_back("X-Pathhub-Schema-Version",
                                           std::to_string(facts->schemaVersion));
                reply.headers.emplace_back("X-Pathhub-Journal-Id", facts->journalId);
                reply.headers.emplace_back("X-Pathhub-Messages", std::to_string(facts->messages));
                return reply;
              }});
}

}  // namespace pathhub::http

// The PostgreSQL journal: the same journal (sql_journal.h) in a PostgreSQL 15 database, which
// several hub nodes share (core/cluster). A commit returns once PostgreSQL has it durably —
// and, with a synchronous standby configured on the server, once the standby has it too — so
// an ACK sent after it survives the loss of the primary. A lost connection (a restart, a
// failover to the standby) is opened again by the next write or read; with both servers in
// the URL and target_session_attrs=read-write it finds the new primary by itself.
#pragma once

#include <memory>

#include "journal/sql_journal.h"

namespace pathhub::journal {

class PostgresJournal final : public SqlJournal {
 public:
  // Connects to options.url (with options.password) and brings the database to the journal's
  // schema (postgres_schema.h). Refused when the database cannot be reached or its schema is
  // newer than this program's.
  static Result<std::unique_ptr<Journal>> open(const JournalOptions& options);
  ~PostgresJournal() override;

  // Always there: whether the database answers is readable()'s question.
  Result<void> present() const override { return {}; }
  // The schema's version, and the audit trail's guards (its triggers) in place and enabled.
  Result<std::vector<std::string>> integrityCheck() override;

 private:
  using SqlJournal::SqlJournal;
  std::string where_;  // the database, without secrets, for logs
};

}  // namespace pathhub::journal

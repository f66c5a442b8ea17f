// Running a journal's schema migrations, whatever the database: each step in its own
// transaction with the new version written inside it, so the journal is always at exactly one
// version; each step recorded in the journal's schema_history once that table exists; a
// journal at a version newer than the program's last migration refused. Each backend says
// where its version lives (SchemaVersionStore) and lists its own migrations (schema.cc for
// SQLite, postgres_schema.cc for PostgreSQL).
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "journal/schema.h"
#include "pathhub/error.h"

namespace pathhub::journal {

struct Migration {
  int version;
  std::string description;
  std::function<void(Poco::Data::Session&)> apply;
};

struct MigrationRecord {
  int version = 0;
  std::int64_t appliedAtMs = 0;
  std::string program, description;
};

struct SchemaVersionStore {
  std::string begin;  // the statement that opens a migration's transaction
  std::function<int(Poco::Data::Session&)> read;
  std::function<void(Poco::Data::Session&, int)> write;
  std::function<void(Poco::Data::Session&, const MigrationRecord&)> record;
  // Whether schema_history exists yet (a catalogue query: a failed probe would end a
  // PostgreSQL transaction).
  std::function<bool(Poco::Data::Session&)> hasHistory;
};

// Applies the migrations after the journal's version, in order. `where` names the journal in
// errors ("the journal /var/lib/pathhub/pathhub.db"); `program` is recorded with each step.
Result<SchemaUpgrade> runMigrations(Poco::Data::Session& session,
                                    const std::vector<Migration>& migrations,
                                    const SchemaVersionStore& store, const std::string& where,
                                    const std::string& program);

}  // namespace pathhub::journal

// The journal's schema on PostgreSQL (issue 21: several hub nodes on one shared journal), with
// its own ordered migrations run by the same runner as SQLite's (migrations.h). The version
// lives in the table schema_version; each step is recorded in schema_history. The tables are
// SQLite's, in PostgreSQL's types, with what a cluster adds: the fencing epoch each delivery is
// recorded with, which node is mapping a message, the destination leases and the nodes
// (core/cluster); messages' bytes are compressed with lz4 (version 2). The audit trail is
// append-only in the database itself: triggers refuse UPDATE, DELETE and TRUNCATE, whoever
// asks, and no role but the owner is granted them.
#pragma once

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

#include "journal/schema.h"
#include "pathhub/error.h"

namespace pathhub::journal {

inline constexpr int kPostgresSchemaVersion = 5;

// Brings the database open in `session` to kPostgresSchemaVersion. `where` names it in errors
// (its URL without the password); `program` is recorded with each step.
Result<SchemaUpgrade> upgradePostgresSchema(Poco::Data::Session& session, const std::string& where,
                                            const std::string& program);

// The database's schema version (0: none yet).
int postgresSchemaVersion(Poco::Data::Session& session);

}  // namespace pathhub::journal

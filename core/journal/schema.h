// The journal's schema and its versions. The version is SQLite's `PRAGMA user_version`; each
// migration takes the journal from one version to the next in its own transaction, so a
// journal is always at exactly one version, and a newer program can open every older journal.
// A journal from a newer program (a downgrade) is refused: this program would not know what
// the newer columns and tables mean, and writing to them could lose what they hold.
#pragma once

#include <Poco/Data/Session.h>

#include <string>

#include "pathhub/error.h"

namespace pathhub::journal {

// The version this program writes. Raise it with a new entry at the end of the migrations
// (schema.cc), a fixture journal of the version before (tests/data/journals), and a test.
inline constexpr int kSchemaVersion = 5;

struct SchemaUpgrade {
  int from = 0;  // 0: a new journal (or one written before versions were kept, see schema.cc)
  int to = 0;
};

// Brings the journal open in `session` to kSchemaVersion. `path` only names the journal in
// errors; `program` (name and version) is recorded with each migration applied.
Result<SchemaUpgrade> upgradeSchema(Poco::Data::Session& session, const std::string& path,
                                    const std::string& program);

}  // namespace pathhub::journal

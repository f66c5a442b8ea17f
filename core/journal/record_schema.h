// The record's tables (record_types.h), one text for both engines: schema 3 of the SQLite
// journal (schema.cc) and of the PostgreSQL one (postgres_schema.cc). Internal to the journal.
#pragma once

#include <string>
#include <vector>

namespace pathhub::journal {

// The statements that add the record to a journal: the messages' `recorded` mark (with the
// partial index the record's indexer reads its work from: every mapped message starts
// unrecorded, so a journal that had messages before is recorded from its first) and the
// record's tables.
std::vector<std::string> recordSchema(bool postgres);

}  // namespace pathhub::journal

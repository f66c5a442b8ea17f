// Helpers shared by the journal's read paths (journal.cc, journal_queries.cc, audit_trail.cc,
// acknowledgements.cc, orders.cc): running a read on a pooled read-only connection with Poco's
// exceptions turned into a Result, and stepping through a query's rows.
// Internal to the journal component.
#pragma once

#include <Poco/Data/LOB.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "journal/journal_file.h"
#include "journal/writer_statements.h"
#include "pathhub/error.h"

namespace pathhub::journal {

// A page size the operations queries accept: 1 to 500.
inline int pageLimit(int asked) { return asked < 1 ? 1 : (asked > 500 ? 500 : asked); }

inline std::string fromBlob(const Poco::Data::BLOB& b) {
  return std::string(reinterpret_cast<const char*>(b.rawContent()), b.size());
}

// Runs `sql` on the session's SQLite connection with `texts`, then `numbers`, bound to its
// parameters in order, and calls row(statement) for each row it gives. Works on reader and
// writer sessions alike.
template <typename Row>
void eachRow(Poco::Data::Session& s, const std::string& sql, const std::vector<std::string>& texts,
             const std::vector<std::int64_t>& numbers, const Row& row) {
  SqliteStatement q(Poco::Data::SQLite::Utility::dbHandle(s), sql.c_str());
  int at = 1;
  for (const auto& t : texts) q.bind(at++, t);
  for (const std::int64_t n : numbers) q.bind(at++, n);
  while (q.step()) row(q);
}

// Runs the read `f` on a pooled connection, unless the journal's file is lost: opening a
// connection to a file that is gone would retry in SQLite's open loop for a minute, holding
// the pool for every other reader.
template <typename F>
auto reading(Poco::Data::SessionPool& pool, const JournalFile& file, F&& f)
    -> Result<decltype(f(std::declval<Poco::Data::Session&>()))> {
  if (auto there = file.check(); !there) return tl::unexpected(there.error());
  try {
    Poco::Data::Session s = pool.get();
    return f(s);
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "journal read failed: " + e.displayText());
  }
}

}  // namespace pathhub::journal

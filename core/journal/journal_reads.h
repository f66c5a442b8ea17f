// Helpers shared by the journal's read paths (journal.cc, journal_queries.cc, audit_trail.cc):
// running a read on a pooled read-only connection with Poco's exceptions turned into a Result.
// Internal to the journal component.
#pragma once

#include <Poco/Data/LOB.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>

#include <string>
#include <utility>

#include "pathhub/error.h"

namespace pathhub::journal {

// A page size the operations queries accept: 1 to 500.
inline int pageLimit(int asked) { return asked < 1 ? 1 : (asked > 500 ? 500 : asked); }

inline std::string fromBlob(const Poco::Data::BLOB& b) {
  return std::string(reinterpret_cast<const char*>(b.rawContent()), b.size());
}

template <typename F>
auto reading(Poco::Data::SessionPool& pool, F&& f)
    -> Result<decltype(f(std::declval<Poco::Data::Session&>()))> {
  try {
    Poco::Data::Session s = pool.get();
    return f(s);
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "journal read failed: " + e.displayText());
  }
}

}  // namespace pathhub::journal

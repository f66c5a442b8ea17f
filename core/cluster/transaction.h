// One transaction on a cluster node's connection to the shared journal: `body` runs between
// BEGIN and COMMIT; any exception rolls it back and becomes an error value naming `what`.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <functional>
#include <string>

#include "pathhub/error.h"

namespace pathhub::cluster {

template <typename T>
Result<T> inTransaction(Poco::Data::Session& session, const std::string& what,
                        const std::function<T(Poco::Data::Session&)>& body) {
  try {
    session.begin();
    T out = body(session);
    session.commit();
    return out;
  } catch (const Poco::Exception& e) {
    try {
      if (session.isTransaction()) session.rollback();
    } catch (const Poco::Exception&) {
      // The connection is gone: the transaction went with it.
    }
    return fail(ErrorCode::kUnavailable, what + ": " + e.displayText());
  }
}

}  // namespace pathhub::cluster

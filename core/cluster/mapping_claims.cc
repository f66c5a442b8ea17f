// Mapping claims on PostgreSQL (see mapping_claims.h).
#include "cluster/mapping_claims.h"

#include <Poco/Exception.h>

#include "cluster/transaction.h"

namespace pathhub::cluster {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;

}  // namespace

MappingClaims::MappingClaims(Session session, std::string node, std::chrono::milliseconds ttl)
    : session_(std::move(session)), node_(std::move(node)), ttl_(ttl) {}

Result<std::vector<std::int64_t>> MappingClaims::claim(const std::string& channel, int limit) {
  try {
    std::string me = node_, c = channel, ttlMs = std::to_string(ttl_.count());
    std::vector<Poco::Int64> ids;
    session_ << "UPDATE messages SET claimed_by = $1,"
                " claimed_until = now() + ($2 || ' milliseconds')::interval"
                " WHERE id IN (SELECT id FROM messages WHERE channel = $3 AND state = 'received'"
                " AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id LIMIT $4"
                " FOR UPDATE SKIP LOCKED) RETURNING id",
        use(me), use(ttlMs), use(c), use(limit), into(ids), now;
    std::sort(ids.begin(), ids.end());
    return std::vector<std::int64_t>(ids.begin(), ids.end());
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable,
                "cannot claim messages of " + channel + " to map: " + e.displayText());
  }
}

Result<bool> MappingClaims::finish(std::int64_t message,
                                   const std::function<void(Session&)>& record) {
  return inTransaction<bool>(
      session_, "cannot record the mapping of message " + std::to_string(message), [&](Session& s) {
        std::string me = node_;
        Poco::Int64 id = message;
        int ours = 0;
        // Locks the row: a node taking an expired claim over waits, then finds it mapped.
        s << "SELECT COUNT(*)::int FROM (SELECT id FROM messages WHERE id = $1 AND"
             " state = 'received' AND claimed_by = $2 FOR UPDATE) AS mine",
            use(id), use(me), into(ours), now;
        if (ours != 1) return false;
        record(s);
        return true;
      });
}

}  // namespace pathhub::cluster

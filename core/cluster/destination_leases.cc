// Destination leases on PostgreSQL (see destination_leases.h).
#include "cluster/destination_leases.h"

#include <Poco/Exception.h>

#include "cluster/transaction.h"

namespace pathhub::cluster {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;

}  // namespace

DestinationLeases::DestinationLeases(Session session, std::string node,
                                     std::chrono::milliseconds ttl)
    : session_(std::move(session)), node_(std::move(node)), ttl_(ttl) {}

Result<std::optional<Lease>> DestinationLeases::acquire(const std::string& channel,
                                                        const std::string& destination) {
  const std::string ttlMs = std::to_string(ttl_.count());
  return inTransaction<std::optional<Lease>>(
      session_, "cannot take the lease of " + channel + "/" + destination,
      [&](Session& s) -> std::optional<Lease> {
        std::string c = channel, d = destination;
        s << "INSERT INTO destination_leases(channel, destination) VALUES($1, $2)"
             " ON CONFLICT DO NOTHING",
            use(c), use(d), now;
        // FOR UPDATE: waits for a fenced write of the holder in flight, then sees it.
        std::string owner;
        Poco::Int64 epoch = 0;
        int live = 0;
        s << "SELECT owner, epoch, (expires_at > now())::int FROM destination_leases"
             " WHERE channel = $1 AND destination = $2 FOR UPDATE",
            use(c), use(d), into(owner), into(epoch), into(live), now;
        if (live && owner != node_) return std::nullopt;
        if (!(live && owner == node_)) ++epoch;  // a new holder: the next epoch
        std::string me = node_;
        s << "UPDATE destination_leases SET owner = $1, epoch = $2,"
             " expires_at = now() + ($3 || ' milliseconds')::interval"
             " WHERE channel = $4 AND destination = $5",
            use(me), use(epoch), bind(ttlMs), use(c), use(d), now;
        return Lease{channel, destination, epoch};
      });
}

Result<bool> DestinationLeases::renew(const Lease& lease) {
  const std::string ttlMs = std::to_string(ttl_.count());
  return inTransaction<bool>(session_,
                             "cannot renew the lease of " + lease.channel + "/" + lease.destination,
                             [&](Session& s) {
                               std::string me = node_, c = lease.channel, d = lease.destination;
                               Poco::Int64 epoch = lease.epoch;
                               // Only a lease that is still ours and has not run out: once
                               // expired it may have been taken, and must be asked for again.
                               s << "UPDATE destination_leases SET expires_at = now() + ($1 ||"
                                    " ' milliseconds')::interval WHERE channel = $2 AND"
                                    " destination = $3 AND owner = $4 AND epoch = $5 AND"
                                    " expires_at > now()",
                                   bind(ttlMs), use(c), use(d), use(me), use(epoch), now;
                               int affected = 0;
                               s << "SELECT COUNT(*)::int FROM destination_leases WHERE channel"
                                    " = $1 AND destination = $2 AND owner = $3 AND epoch = $4"
                                    " AND expires_at > now()",
                                   use(c), use(d), use(me), use(epoch), into(affected), now;
                               return affected == 1;
                             });
}

Result<void> DestinationLeases::release(const Lease& lease) {
  auto done = inTransaction<bool>(session_, "cannot release the lease", [&](Session& s) {
    std::string me = node_, c = lease.channel, d = lease.destination;
    Poco::Int64 epoch = lease.epoch;
    s << "UPDATE destination_leases SET expires_at = 'epoch' WHERE channel = $1 AND"
         " destination = $2 AND owner = $3 AND epoch = $4",
        use(c), use(d), use(me), use(epoch), now;
    return true;
  });
  if (!done) return tl::unexpected(done.error());
  return {};
}

Result<std::vector<DestinationLeases::Holding>> DestinationLeases::holdings() {
  try {
    std::vector<std::string> channels, destinations, owners;
    std::vector<Poco::Int64> epochs;
    std::vector<int> expired;
    session_ << "SELECT channel, destination, owner, epoch, (expires_at <= now())::int"
                " FROM destination_leases ORDER BY channel, destination",
        into(channels), into(destinations), into(owners), into(epochs), into(expired), now;
    std::vector<Holding> out;
    for (std::size_t i = 0; i < channels.size(); ++i) {
      out.push_back({channels[i], destinations[i], owners[i], epochs[i], expired[i] != 0});
    }
    return out;
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "cannot read the leases: " + e.displayText());
  }
}

}  // namespace pathhub::cluster

// The cluster's nodes on PostgreSQL (see node_registry.h).
#include "cluster/node_registry.h"

#include <Poco/Exception.h>

namespace pathhub::cluster {
namespace {

using namespace Poco::Data::Keywords;

}  // namespace

NodeRegistry::NodeRegistry(Poco::Data::Session session, std::string node,
                           std::chrono::milliseconds liveness)
    : session_(std::move(session)), node_(std::move(node)), liveness_(liveness) {}

Result<void> NodeRegistry::join() {
  try {
    std::string me = node_;
    session_ << "INSERT INTO cluster_nodes(name, started_at, heartbeat_at) VALUES($1, now(), now())"
                " ON CONFLICT (name) DO UPDATE SET started_at = now(), heartbeat_at = now()",
        use(me), now;
    return {};
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "node " + node_ + " cannot join: " + e.displayText());
  }
}

Result<void> NodeRegistry::beat() {
  try {
    std::string me = node_;
    session_ << "UPDATE cluster_nodes SET heartbeat_at = now() WHERE name = $1", use(me), now;
    return {};
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "node " + node_ + " cannot beat: " + e.displayText());
  }
}

Result<std::vector<NodeState>> NodeRegistry::nodes() {
  try {
    std::vector<std::string> names;
    std::vector<Poco::Int64> started, beat, since;
    session_ << "SELECT name, (extract(epoch FROM started_at) * 1000)::bigint,"
                " (extract(epoch FROM heartbeat_at) * 1000)::bigint,"
                " (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint"
                " FROM cluster_nodes ORDER BY name",
        into(names), into(started), into(beat), into(since), now;
    std::vector<NodeState> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      out.push_back({names[i], started[i], beat[i], since[i], since[i] <= liveness_.count()});
    }
    return out;
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "cannot read the nodes: " + e.displayText());
  }
}

}  // namespace pathhub::cluster

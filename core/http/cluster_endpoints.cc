// GET /api/v1/cluster: the nodes sharing this hub's journal and who delivers for each
// destination, with each destination's backlog (see core/http/README.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>

#include "http/api_endpoints.h"

namespace pathhub::http {

using Poco::JSON::Array;
using Poco::JSON::Object;

void addClusterEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/api/v1/cluster", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({});
                auto seen = context.hub().cluster();
                if (!seen) throw ApiError::from(seen.error());
                std::map<std::string, Array::Ptr> owned;  // node → its destinations
                Array::Ptr leases = new Array;
                // Lag: what waits for each destination, and how old the oldest is.
                std::map<std::string, std::vector<journal::DestinationBacklog>> backlogs;
                for (const auto& l : seen->leases) {
                  if (!backlogs.count(l.channel)) {
                    auto b = context.journal().backlog(l.channel);
                    backlogs[l.channel] = b ? *b : std::vector<journal::DestinationBacklog>{};
                  }
                  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                  o->set("channel", l.channel);
                  o->set("destination", l.destination);
                  o->set("owner", l.expired ? std::string() : l.owner);
                  o->set("epoch", l.epoch);
                  o->set("expired", l.expired);
                  std::int64_t pending = 0, oldest = 0;
                  for (const auto& b : backlogs[l.channel]) {
                    if (b.destination == l.destination) {
                      pending = b.pending;
                      oldest = b.oldestReceivedAtMs;
                    }
                  }
                  o->set("backlog", pending);
                  if (oldest) o->set("oldestUndeliveredAt", isoTime(oldest));
                  leases->add(o);
                  if (!l.expired) {
                    auto& list = owned[l.owner];
                    if (!list) list = new Array;
                    list->add(l.channel + "/" + l.destination);
                  }
                }
                Array::Ptr nodes = new Array;
                for (const auto& n : seen->nodes) {
                  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                  o->set("name", n.name);
                  o->set("alive", n.alive);
                  o->set("startedAt", isoTime(n.startedAtMs));
                  o->set("lastHeartbeatAt", isoTime(n.lastBeatMs));
                  o->set("secondsSinceHeartbeat", static_cast<double>(n.sinceBeatMs) / 1000.0);
                  o->set("destinations",
                         owned.count(n.name) ? owned[n.name] : Array::Ptr(new Array));
                  nodes->add(o);
                }
                Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("node", seen->node);
                o.set("nodes", nodes);
                o.set("leases", leases);
                return Reply::json(o);
              }});
}

}  // namespace pathhub::http

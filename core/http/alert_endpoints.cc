// GET /api/v1/alerts and POST /api/v1/alerts/{id}/acknowledge (see core/http/README.md):
// what the alert rules found, who was told, and whether the notifiers reach anyone.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "http/api_endpoints.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

alerts::AlertEngine& engine(ApiContext& context) {
  alerts::AlertEngine* engine = context.hub().alerts();
  if (!engine) throw ApiError(503, "unavailable", "the hub is not running");
  return *engine;
}

Array::Ptr texts(const std::vector<std::string>& items) {
  Array::Ptr a = new Array;
  for (const auto& i : items) a->add(i);
  return a;
}

Object::Ptr alertJson(const alerts::AlertRecord& a) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", a.id);
  o->set("state", a.state);
  o->set("rule", a.rule);
  o->set("severity", a.severity);
  o->set("condition", a.condition);
  if (!a.channel.empty()) o->set("channel", a.channel);
  if (!a.destination.empty()) o->set("destination", a.destination);
  if (!a.node.empty()) o->set("node", a.node);
  o->set("summary", a.summary);
  o->set("value", a.value);
  o->set("trueSince", isoTime(a.trueSinceMs));
  o->set("firedAt", isoTime(a.firedAtMs));
  o->set("lastNotifiedAt", isoTime(a.lastNotifiedAtMs));
  if (a.resolvedAtMs) o->set("resolvedAt", isoTime(a.resolvedAtMs));
  o->set("notifications", a.notifications);
  o->set("toldRotas", texts(a.toldRotas));
  if (!a.acknowledgedBy.empty()) {
    Object::Ptr ack = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    ack->set("by", a.acknowledgedBy);
    ack->set("at", isoTime(a.acknowledgedAtMs));
    o->set("acknowledged", ack);
  }
  return o;
}

}  // namespace

void addAlertEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/api/v1/alerts", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({"history"});
                const int history = r.integer("history", 100, 0, 500);
                const alerts::AlertsView view = engine(context).view();
                Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("period", view.period);
                Array::Ptr firing = new Array;
                for (const auto& a : view.firing) firing->add(alertJson(a));
                o.set("firing", firing);
                Array::Ptr past = new Array;
                for (std::size_t i = 0; i < view.history.size() && static_cast<int>(i) < history;
                     ++i) {
                  past->add(alertJson(view.history[i]));
                }
                o.set("history", past);
                Array::Ptr notifiers = new Array;
                for (const auto& n : view.notifiers) {
                  Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                  s->set("name", n.name);
                  s->set("failing", n.failing);
                  s->set("sent", n.sent);
                  s->set("failedAttempts", n.failedAttempts);
                  s->set("givenUp", n.givenUp);
                  s->set("waiting", static_cast<std::uint64_t>(n.waiting));
                  if (n.lastSentAtMs) s->set("lastSentAt", isoTime(n.lastSentAtMs));
                  if (!n.lastError.empty()) {
                    s->set("lastError", n.lastError);
                    s->set("lastErrorAt", isoTime(n.lastErrorAtMs));
                  }
                  notifiers->add(s);
                }
                o.set("notifiers", notifiers);
                return Reply::json(o);
              }});
  // Operators acknowledge: it changes who is woken at night. Audited once it is done (an
  // unknown or resolved alert changes nothing and is answered 404 / 409).
  router.add(
      {"POST", "/api/v1/alerts/{id}/acknowledge", Role::kOperator, [&context](const ApiRequest& r) {
         r.allowOnly({});
         const std::int64_t id = r.pathId("id");
         auto done = engine(context).acknowledge(id, r.caller.name);
         if (!done) throw ApiError::from(done.error());
         context.audit(r, "acknowledge_alert", std::to_string(id),
                       done->rule + ": " + done->summary);
         return Reply::json(*alertJson(*done));
       }});
}

}  // namespace pathhub::http

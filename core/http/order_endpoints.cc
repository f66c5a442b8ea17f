// Orders from GP requesters, tracked from placing to final result (core/orders):
//   GET /api/v1/orders?requester=ODS&state=...&lab=...   the orders, newest first
//   GET /api/v1/orders/overdue                           past their turnaround, no final result
//   GET /api/v1/orders/unmatched                         results no order was found for
//   GET /api/v1/orders/{placer}[?format=fhir]            every part of one order with its
//                                                        history; as FHIR R4 Tasks when asked
// Orders carry NHS numbers: clinical role. Every read is audited.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "http/api_endpoints.h"
#include "journal/journal.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr orderJson(const journal::OrderRecord& o) {
  Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  j->set("placer", o.placer);
  j->set("lab", o.lab);
  j->set("filler", o.filler);
  j->set("requester", o.requester);
  j->set("nhsNumber", o.nhsNumber);
  j->set("tests", o.tests);
  j->set("state", o.state);
  j->set("overdue", o.overdue);
  j->set("placedAt", isoTime(o.placedAtMs));
  if (o.dueAtMs) j->set("dueAt", isoTime(o.dueAtMs));
  j->set("updatedAt", isoTime(o.updatedAtMs));
  j->set("channel", o.channel);
  j->set("messageId", o.messageId);
  return j;
}

Reply list(const std::string& key, const std::vector<journal::OrderRecord>& orders) {
  Array::Ptr items = new Array;
  for (const auto& o : orders) items->add(orderJson(o));
  Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set(key, items);
  return Reply::json(out);
}

// FHIR Task.status for an order state (FHIR R4 TaskStatus); the state itself goes in
// businessStatus.
std::string taskStatus(const std::string& state) {
  if (state == "placed") return "requested";
  if (state == "sent") return "received";
  if (state == "accepted") return "accepted";
  if (state == "rejected") return "rejected";
  if (state == "specimen_received" || state == "partial") return "in-progress";
  if (state == "final" || state == "amended") return "completed";
  if (state == "cancelled") return "cancelled";
  if (state == "rerouted") return "cancelled";  // superseded: its labs' parts carry the work
  return "requested";
}

Object::Ptr identifier(const std::string& system, const std::string& value) {
  Object::Ptr i = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  i->set("system", system);
  i->set("value", value);
  return i;
}

// One Task per part of the order: the same data for requesters whose systems speak FHIR.
Object taskBundle(
    const std::vector<std::pair<journal::OrderRecord, std::vector<journal::OrderHistoryEntry>>>&
        parts) {
  Object bundle(Poco::JSON_PRESERVE_KEY_ORDER);
  bundle.set("resourceType", "Bundle");
  bundle.set("type", "searchset");
  bundle.set("total", static_cast<int>(parts.size()));
  Array::Ptr entries = new Array;
  for (const auto& [o, history] : parts) {
    Object::Ptr task = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    task->set("resourceType", "Task");
    task->set("id", "order-" + std::to_string(o.id));
    Array::Ptr ids = new Array;
    ids->add(identifier("urn:pathhub:order:placer", o.placer));
    if (!o.filler.empty()) ids->add(identifier("urn:pathhub:order:filler", o.filler));
    task->set("identifier", ids);
    task->set("status", taskStatus(o.state));
    Object::Ptr business = new Object;
    business->set("text", o.state);
    task->set("businessStatus", business);
    task->set("intent", "order");
    Object::Ptr focus = new Object;
    focus->set("identifier", identifier("urn:pathhub:order:placer", o.placer));
    focus->set("type", "ServiceRequest");
    task->set("focus", focus);
    if (!o.nhsNumber.empty()) {
      Object::Ptr patient = new Object;
      patient->set("identifier", identifier("https://fhir.nhs.uk/Id/nhs-number", o.nhsNumber));
      task->set("for", patient);
    }
    task->set("authoredOn", isoTime(o.placedAtMs));
    task->set("lastModified", isoTime(o.updatedAtMs));
    for (const auto& [field, code] : {std::pair{"requester", o.requester}, {"owner", o.lab}}) {
      if (code.empty()) continue;
      Object::Ptr who = new Object;
      who->set("identifier", identifier(field == std::string("requester")
                                            ? "https://fhir.nhs.uk/Id/ods-organization-code"
                                            : "urn:pathhub:lab",
                                        code));
      task->set(field, who);
    }
    if (o.dueAtMs) {
      Object::Ptr restriction = new Object;
      Object::Ptr period = new Object;
      period->set("end", isoTime(o.dueAtMs));
      restriction->set("period", period);
      task->set("restriction", restriction);
    }
    Object::Ptr entry = new Object;
    entry->set("resource", task);
    entries->add(entry);
  }
  bundle.set("entry", entries);
  return bundle;
}

}  // namespace

void addOrderEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/api/v1/orders", Role::kClinical, [&context](const ApiRequest& r) {
                r.allowOnly({"requester", "state", "lab", "limit"});
                journal::OrderFilter f;
                f.requester = r.text("requester");
                f.state = r.text("state");
                f.lab = r.text("lab");
                f.limit = static_cast<int>(r.integer("limit", 100, 1, 500));
                auto rows = context.journal().orders(f);
                if (!rows) throw ApiError::from(rows.error());
                context.audit(r, "search_orders", "", r.queryString);
                return list("orders", *rows);
              }});
  // Registered before /{placer} so these names are never read as placer numbers.
  router.add({"GET", "/api/v1/orders/overdue", Role::kClinical, [&context](const ApiRequest& r) {
                r.allowOnly({"limit"});
                auto rows = context.journal().overdueOrders(
                    static_cast<int>(r.integer("limit", 100, 1, 500)));
                if (!rows) throw ApiError::from(rows.error());
                context.audit(r, "view_overdue_orders", "", r.queryString);
                return list("orders", *rows);
              }});
  router.add({"GET", "/api/v1/orders/unmatched", Role::kClinical, [&context](const ApiRequest& r) {
                r.allowOnly({"limit"});
                auto rows = context.journal().unmatchedResults(
                    static_cast<int>(r.integer("limit", 100, 1, 500)));
                if (!rows) throw ApiError::from(rows.error());
                context.audit(r, "view_unmatched_results", "", r.queryString);
                Array::Ptr items = new Array;
                for (const auto& u : *rows) {
                  Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                  j->set("messageId", u.messageId);
                  j->set("channel", u.channel);
                  j->set("placer", u.placer);
                  j->set("filler", u.filler);
                  j->set("nhsNumber", u.nhsNumber);
                  j->set("tests", u.tests);
                  j->set("receivedAt", isoTime(u.receivedAtMs));
                  j->set("reason", u.reason);
                  items->add(j);
                }
                Object out(Poco::JSON_PRESERVE_KEY_ORDER);
                out.set("unmatched", items);
                return Reply::json(out);
              }});
  // After the catalogue (or a lab's destination) is fixed and reloaded: the order's stuck parts
  // go where their tests now belong. Audited before it is done.
  router.add(
      {"POST", "/api/v1/orders/{placer}/reroute", Role::kOperator, [&context](const ApiRequest& r) {
         r.allowOnly({});
         const std::string placer = r.pathParams.at("placer");
         context.audit(r, "reroute_order", placer);
         auto done = context.hub().rerouteOrder(placer);
         if (!done) throw ApiError::from(done.error());
         Array::Ptr routed = new Array;
         for (const auto& [id, to] : done->routed) {
           Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
           j->set("messageId", id);
           Array::Ptr names = new Array;
           for (const auto& d : to) names->add(d);
           j->set("destinations", names);
           routed->add(j);
         }
         Array::Ptr stuck = new Array;
         for (const auto& [id, why] : done->stillStuck) {
           Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
           j->set("messageId", id);
           j->set("reason", why);
           stuck->add(j);
         }
         Object out(Poco::JSON_PRESERVE_KEY_ORDER);
         out.set("placer", placer);
         out.set("rerouted", routed);
         out.set("stillUnroutable", stuck);
         return Reply::json(out);
       }});
  router.add({"GET", "/api/v1/orders/{placer}", Role::kClinical, [&context](const ApiRequest& r) {
                r.allowOnly({"format"});
                const std::string placer = r.pathParams.at("placer");
                const std::string format = r.text("format");
                if (!format.empty() && format != "fhir") {
                  throw ApiError::badParameter("format", "'" + format + "' is not fhir");
                }
                auto parts = context.journal().order(placer);
                if (!parts) throw ApiError::from(parts.error());
                if (parts->empty()) throw ApiError(404, "not_found", "no order " + placer);
                context.audit(r, "view_order", placer, format);
                if (format == "fhir") return Reply::json(taskBundle(*parts));
                Array::Ptr items = new Array;
                for (const auto& [o, history] : *parts) {
                  Object::Ptr j = orderJson(o);
                  Array::Ptr steps = new Array;
                  for (const auto& h : history) {
                    Object::Ptr step = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                    step->set("at", isoTime(h.atMs));
                    step->set("state", h.state);
                    step->set("detail", h.detail);
                    if (h.messageId) step->set("messageId", h.messageId);
                    steps->add(step);
                  }
                  j->set("history", steps);
                  items->add(j);
                }
                Object out(Poco::JSON_PRESERVE_KEY_ORDER);
                out.set("placer", placer);
                out.set("parts", items);
                return Reply::json(out);
              }});
}

}  // namespace pathhub::http

// Deliveries that need someone's attention:
//   GET /api/v1/deliveries/unacknowledged  messages delivered to receivers that acknowledge
//                                          (practices' NHSACKs) and not yet answered
//   GET /api/v1/deliveries/exceptions      results no practice takes (practice routing's
//                                          exceptions destination), with the reason
// Both list metadata only (ids, destinations, practices, references), for viewers; reading
// them is audited.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "http/api_endpoints.h"
#include "journal/journal.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::http {

void addDeliveryEndpoints(Router& router, ApiContext& context) {
  router.add(
      {"GET", "/api/v1/deliveries/unacknowledged", Role::kViewer, [&context](const ApiRequest& r) {
         r.allowOnly({"olderThanSeconds", "limit"});
         const long long olderThan = r.integer("olderThanSeconds", 0, 0, 365LL * 86400);
         const int limit = static_cast<int>(r.integer("limit", 100, 1, 500));
         auto rows = context.journal().unacknowledged(
             journal::nowMs() - olderThan * 1000 + (olderThan == 0 ? 1 : 0), limit);
         if (!rows) throw ApiError::from(rows.error());
         context.audit(r, "view_unacknowledged", "", r.queryString);
         Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
         for (const auto& a : *rows) list->add(acknowledgementJson(a));
         Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
         out.set("unacknowledged", list);
         return Reply::json(out);
       }});
  router.add(
      {"GET", "/api/v1/deliveries/exceptions", Role::kViewer, [&context](const ApiRequest& r) {
         r.allowOnly({"limit"});
         auto rows =
             context.journal().routingExceptions(static_cast<int>(r.integer("limit", 100, 1, 500)));
         if (!rows) throw ApiError::from(rows.error());
         context.audit(r, "view_exceptions", "", r.queryString);
         Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
         for (const auto& e : *rows) {
           Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
           o->set("messageId", e.messageId);
           o->set("controlId", e.controlId);
           o->set("channel", e.channel);
           o->set("destination", e.destination);
           o->set("state", e.state);
           o->set("receivedAt", isoTime(e.receivedAtMs));
           const auto attributes = pipeline::parseAttributes(e.attributes);
           for (const char* key : {"practice", "exception"}) {
             if (auto it = attributes.find(key); it != attributes.end()) {
               o->set(key == std::string("exception") ? "reason" : key, it->second);
             }
           }
           list->add(o);
         }
         Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
         out.set("exceptions", list);
         return Reply::json(out);
       }});
}

}  // namespace pathhub::http

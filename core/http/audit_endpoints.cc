// GET /api/v1/audit: the audit trail, newest first, for admins. There is no endpoint that
// changes it. Reading it is itself audited.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "http/api_endpoints.h"

namespace pathhub::http {

void addAuditEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/api/v1/audit", Role::kAdmin, [&context](const ApiRequest& r) {
                r.allowOnly({"user", "action", "nhsNumber", "from", "to", "limit", "before"});
                journal::AuditFilter f;
                // Who looked at a patient's record: the record's rows name the NHS number.
                f.target = r.text("nhsNumber");
                f.user = r.text("user");
                f.action = r.text("action");
                f.fromMs = r.instantMs("from");
                f.toMs = r.instantMs("to");
                f.limit = r.integer("limit", 50, 1, 500);
                f.before = r.id("before");
                auto page = context.journal().auditTrail(f);
                if (!page) throw ApiError::from(page.error());
                context.audit(r, "view_audit", "", r.queryString);
                Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
                for (const auto& e : page->entries) {
                  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                  o->set("id", e.id);
                  o->set("at", isoTime(e.atMs));
                  o->set("user", e.user);
                  o->set("role", e.role);
                  o->set("action", e.action);
                  o->set("target", e.target);
                  o->set("detail", e.detail);
                  o->set("peer", e.peer);
                  list->add(o);
                }
                Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
                out.set("entries", list);
                if (page->nextBefore) {
                  out.set("nextBefore", *page->nextBefore);
                } else {
                  out.set("nextBefore", Poco::Dynamic::Var());
                }
                return Reply::json(out);
              }});
}

}  // namespace pathhub::http

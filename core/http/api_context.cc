// What the endpoint groups share (see api_endpoints.h).
#include <Poco/Logger.h>

#include "http/api_endpoints.h"

namespace pathhub::http {

journal::Journal& ApiContext::journal() {
  journal::Journal* j = hub_.journal();
  if (!j) throw ApiError(503, "not_ready", "the hub is not running");
  return *j;
}

Result<ReloadReport> ApiContext::reload() {
  auto report = hub_.reload();
  if (report) tokens_.replace(report->tokens);
  return report;
}

void ApiContext::audit(const ApiRequest& request, const std::string& action,
                       const std::string& target, const std::string& detail) {
  journal::AuditEntry entry;
  entry.user = request.caller.name;
  entry.role = std::string(roleName(request.caller.role));
  entry.action = action;
  entry.target = target;
  entry.detail = detail;
  entry.peer = request.peer;
  if (auto recorded = journal().audit(entry); !recorded) {
    Poco::Logger::get("http").error("audit trail write failed, %s refused: %s", action,
                                    recorded.error().describe());
    throw ApiError(
        503, "audit_unavailable",
        "the audit trail cannot be written, so this is refused: " + recorded.error().text);
  }
}

ChannelView ApiContext::channel(const std::string& name) {
  for (auto& v : hub_.channels()) {
    if (v.name == name) return v;
  }
  throw ApiError::notFound("no channel '" + name + "'");
}

}  // namespace pathhub::http

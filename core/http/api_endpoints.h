// The endpoint groups of the HTTP API, each adding its routes to the router. Every endpoint is
// documented in core/http/README.md. ApiContext is what they share: the hub and the audit
// trail, written before any audited answer leaves (no audit row, no answer: 503).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "http/api_router.h"
#include "http/console_assets.h"
#include "http/console_sessions.h"
#include "http/hub_control.h"
#include "journal/query_types.h"

namespace pathhub::http {

class ApiContext {
 public:
  ApiContext(HubControl& hub, TokenBook& tokens) : hub_(hub), tokens_(tokens) {}
  HubControl& hub() { return hub_; }
  // Reloads the hub's configuration (HubControl::reload) and, when it is taken, the API's
  // tokens with it. What SIGHUP and POST /api/v1/reload both do.
  Result<ReloadReport> reload();
  // The journal, or ApiError 503 while the hub is not running.
  journal::Journal& journal();
  // Records who did `action` to `target`; throws ApiError 503 when it cannot be recorded.
  void audit(const ApiRequest& request, const std::string& action, const std::string& target,
             const std::string& detail = {});
  // The channel's view, or ApiError 404.
  ChannelView channel(const std::string& name);

 private:
  HubControl& hub_;
  TokenBook& tokens_;
};

void addStatusEndpoints(Router& router, ApiContext& context);    // health, ready, status, channels
void addMessageEndpoints(Router& router, ApiContext& context);   // search, show, replay
void addAuditEndpoints(Router& router, ApiContext& context);     // the audit trail
void addDeliveryEndpoints(Router& router, ApiContext& context);  // unacknowledged, exceptions
void addOrderEndpoints(Router& router, ApiContext& context);     // orders, overdue, unmatched
void addJournalEndpoints(Router& router, ApiContext& context);   // backup
void addClusterEndpoints(Router& router, ApiContext& context);   // nodes and leases
void addRecordEndpoints(Router& router, ApiContext& context);    // the record: /fhir/R4/...
void addScriptEndpoints(Router& router, ApiContext& context);    // scripts: versions, try, deploy
void addAlertEndpoints(Router& router, ApiContext& context);     // alerts, acknowledge
// An error as FHIR says it: an OperationOutcome with the issue type for `status` (every
// error under /fhir/ is answered so).
Reply operationOutcome(int status, const std::string& code, const std::string& message);

// An awaited answer as the API shows it (in a message's deliveries and in the lists).
Poco::JSON::Object::Ptr acknowledgementJson(const journal::AcknowledgementRecord& a);
void addMetricsEndpoint(Router& router, ApiContext& context);  // Prometheus /metrics
// The console's pages and files: GET / and GET /console/{file}, open to all (they hold no
// data; what they show comes from the API with the caller's session).
void addConsoleEndpoints(Router& router, const ConsoleAssets& assets);
// Console sign-in and sign-out (console_sessions.h); `secure`: cookies only over TLS.
void addSessionEndpoints(Router& router, ApiContext& context, SessionBook& sessions,
                         const TokenBook& tokens, bool secure);

}  // namespace pathhub::http

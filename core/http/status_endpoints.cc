// /health, /ready, /api/v1/status and the channel endpoints (see core/http/README.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>

#include "http/api_endpoints.h"
#include "journal/schema.h"
#include "version/build_info.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const auto kStartedAt = std::chrono::steady_clock::now();

Object::Ptr latency(const metrics::Histogram& h) {
  const auto s = h.snapshot();
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("count", s.count);
  o->set("meanMs", s.count ? s.sum * 1000.0 / static_cast<double>(s.count) : 0.0);
  o->set("p50UnderMs", s.quantileBound(0.5) * 1000.0);
  o->set("p99UnderMs", s.quantileBound(0.99) * 1000.0);
  return o;
}

// A channel's or destination's last error as `caller` may see it. Error texts are free text
// from scripts, receivers and parsers, and may name a patient ("NHS number 943… fails the
// check"): a role without access to message content gets which message and when, and is told
// that the detail needs the clinical role.
Object::Ptr lastErrorJson(const std::string& text, std::int64_t at, const Caller& caller) {
  Object::Ptr last = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (caller.role >= Role::kClinical) {
    last->set("message", text);
  } else {
    std::string summary = "details need the clinical role";
    if (text.rfind("message ", 0) == 0) {
      const std::size_t colon = text.find(':');
      if (colon != std::string::npos) summary = text.substr(0, colon) + ": " + summary;
    }
    last->set("message", summary);
    last->set("redacted", true);
  }
  last->set("at", isoTime(at));
  return last;
}

// The last hour, minute by minute, oldest first (the last is the current minute so far).
Array::Ptr perMinute(const metrics::RateMeter& rate) {
  Array::Ptr minutes = new Array;
  for (std::uint64_t n : rate.lastHour()) minutes->add(n);
  return minutes;
}

Object::Ptr channelJson(ApiContext& context, const ChannelView& v, bool detailed,
                        const Caller& caller) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  pipeline::ChannelStats& s = *v.stats;
  o->set("name", v.name);
  o->set("state", v.state);
  if (!v.fault.empty()) o->set("fault", v.fault);
  o->set("source", v.config->source.type);
  if (!v.config->script.empty()) o->set("script", v.config->script);
  o->set("received", s.received.value());
  o->set("duplicates", s.duplicates.value());
  o->set("rejected", s.rejected.value());
  o->set("mapped", s.mapped.value());
  o->set("filtered", s.filtered.value());
  o->set("failed", s.mappingFailed.value());
  o->set("receivedPerSecond", s.receivedRate.perSecond());
  o->set("receivedPerMinute", perMinute(s.receivedRate));
  auto [error, at] = s.lastError.get();
  if (!error.empty()) o->set("lastError", lastErrorJson(error, at, caller));
  if (auto [script, scriptAt] = s.scriptError.get(); !script.empty()) {
    Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    e->set("message", script);
    e->set("at", isoTime(scriptAt));
    o->set("scriptError", e);
  }
  std::map<std::string, journal::DestinationBacklog> backlog;
  if (auto counted = context.journal().backlog(v.name)) {
    for (const auto& b : *counted) backlog[b.destination] = b;
  }
  Array::Ptr destinations = new Array;
  for (auto& d : s.destinations) {
    Object::Ptr dj = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    dj->set("name", d.name);
    const auto waiting = backlog.find(d.name);
    dj->set("backlog", waiting == backlog.end() ? 0 : waiting->second.pending);
    if (waiting != backlog.end() && waiting->second.oldestReceivedAtMs) {
      dj->set("oldestUndeliveredAt", isoTime(waiting->second.oldestReceivedAtMs));
    }
    dj->set("delivered", d.delivered.value());
    dj->set("failedAttempts", d.attemptsFailed.value());
    dj->set("failed", d.failed.value());
    dj->set("deliveredPerSecond", d.deliveredRate.perSecond());
    dj->set("deliveredPerMinute", perMinute(d.deliveredRate));
    auto [derror, dat] = d.lastError.get();
    if (!derror.empty()) dj->set("lastError", lastErrorJson(derror, dat, caller));
    if (detailed) {
      dj->set("deliveryLatency", latency(d.deliverySeconds));
      dj->set("endToEndLatency", latency(d.endToEndSeconds));
    }
    destinations->add(dj);
  }
  o->set("destinations", destinations);
  if (detailed) o->set("mappingLatency", latency(s.mappingSeconds));
  return o;
}

Reply channelAction(ApiContext& context, const ApiRequest& r, const std::string& action) {
  r.allowOnly({});
  const std::string name = r.pathParams.at("name");
  context.channel(name);  // 404 before anything is recorded
  context.audit(r, action + "_channel", name);
  HubControl& hub = context.hub();
  auto done = action == "pause"    ? hub.pause(name)
              : action == "resume" ? hub.resume(name)
                                   : hub.restart(name);
  if (!done) throw ApiError::from(done.error());
  return Reply::json(*channelJson(context, context.channel(name), false, r.caller));
}

// Audited before it is done, like every change an operator makes; the answer is the report.
Reply reloadConfiguration(ApiContext& context, const ApiRequest& r) {
  r.allowOnly({});
  context.audit(r, "reload_configuration", "");
  auto report = context.reload();
  if (!report) throw ApiError::from(report.error());
  auto list = [](const std::vector<std::string>& items) {
    Array::Ptr a = new Array;
    for (const auto& i : items) a->add(i);
    return a;
  };
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("applied", list(report->applied));
  o.set("restartNeeded", list(report->restartNeeded));
  o.set("failed", list(report->failed));
  return Reply::json(o, report->failed.empty() ? 200 : 500);
}

}  // namespace

void addStatusEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/health", std::nullopt, [](const ApiRequest&) {
                Object o;
                o.set("status", "alive");
                return Reply::json(o);
              }});
  router.add({"GET", "/ready", std::nullopt, [&context](const ApiRequest&) {
                HubControl& hub = context.hub();
                journal::Journal* journal = hub.journal();
                // Ready means messages can be stored: the journal answers a read and its
                // last transaction committed.
                const bool journalOpen = journal && journal->readable() && journal->storing();
                Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                // A faulted channel is named and makes the hub "degraded": the others still
                // take and deliver messages, so a load balancer keeps sending (200), and an
                // operator sees which channel needs them.
                Array::Ptr faulted = new Array;
                for (const auto& v : hub.channels()) {
                  if (v.state == "faulted") faulted->add(v.name);
                }
                const bool ready = journalOpen && hub.ready();
                o.set("status", !ready ? "not_ready" : faulted->size() == 0 ? "ready" : "degraded");
                o.set("journal", journalOpen ? "open" : "unavailable");
                o.set("channelsStarted", hub.ready());
                o.set("faultedChannels", faulted);
                return Reply::json(o, ready ? 200 : 503);
              }});
  router.add({"GET", "/api/v1/status", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({});
                Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("status", context.hub().ready() ? "ready" : "not_ready");
                o.set("uptimeSeconds", std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::steady_clock::now() - kStartedAt)
                                           .count());
                Object::Ptr states = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                int total = 0;
                std::map<std::string, int> counted;
                for (const auto& v : context.hub().channels()) {
                  ++counted[v.state];
                  ++total;
                }
                for (const auto& [state, n] : counted) states->set(state, n);
                o.set("channels", total);
                o.set("channelStates", states);
                o.set("journal", context.hub().config().journal.path);
                o.set("version", std::string(build::kVersion));
                o.set("gitCommit", std::string(build::kGitCommit));
                o.set("pluginAbi", build::pluginAbi());
                o.set("schemaVersion", journal::kSchemaVersion);
                Object::Ptr caller = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                caller->set("name", r.caller.name);
                caller->set("role", std::string(roleName(r.caller.role)));
                o.set("caller", caller);
                return Reply::json(o);
              }});
  router.add({"GET", "/api/v1/channels", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({});
                Array::Ptr list = new Array;
                for (const auto& v : context.hub().channels()) {
                  list->add(channelJson(context, v, false, r.caller));
                }
                Object o;
                o.set("channels", list);
                return Reply::json(o);
              }});
  router.add({"GET", "/api/v1/channels/{name}", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({});
                return Reply::json(*channelJson(context, context.channel(r.pathParams.at("name")),
                                                true, r.caller));
              }});
  for (const std::string action : {"pause", "resume", "restart"}) {
    router.add(
        {"POST", "/api/v1/channels/{name}/" + action, Role::kOperator,
         [&context, action](const ApiRequest& r) { return channelAction(context, r, action); }});
  }
  // SQLite's integrity_check on demand (the start runs the quicker quick_check).
  router.add({"POST", "/api/v1/journal/check", Role::kAdmin, [&context](const ApiRequest& r) {
                r.allowOnly({});
                context.audit(r, "check_journal", "");
                auto found = context.journal().integrityCheck();
                if (!found) throw ApiError::from(found.error());
                Array::Ptr problems = new Array;
                for (const auto& p : *found) problems->add(p);
                Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("ok", found->empty());
                o.set("problems", problems);
                return Reply::json(o);
              }});
  router.add({"POST", "/api/v1/reload", Role::kAdmin,
              [&context](const ApiRequest& r) { return reloadConfiguration(context, r); }});
}

}  // namespace pathhub::http

// A channel's mapping script through the API: its versions, a diff-replay of a new text over
// what the channel received, deployment (checked: it compiles, its tests pass, the replay
// changes no more than allowed) and roll-back (see core/http/README.md).
#include <Poco/JSON/Array.h>

#include <filesystem>
#include <mutex>
#include <sstream>

#include "http/api_endpoints.h"
#include "lua/mapping_runner.h"
#include "lua/script_tests.h"
#include "replay/replay_report.h"
#include "replay/replay_window.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// The longest window a replay through the API reads, in messages: a week of a busy network,
// within the answer's time limit.
constexpr std::int64_t kMaxReplayMessages = 1'000'000;

std::string bodyText(const Object::Ptr& body, const std::string& name) {
  if (!body->has(name) || !body->get(name).isString()) {
    throw ApiError::badParameter(name, "give the script's text as a JSON string");
  }
  return body->getValue<std::string>(name);
}

// The window of a replay from a JSON object: since ("7d"), or from/to (ISO 8601 or epoch
// ms), and limit.
replay::ReplayOptions windowFrom(const Object::Ptr& o, const std::string& where) {
  replay::ReplayOptions options;
  options.limit = kMaxReplayMessages;
  auto text = [&](const std::string& name) {
    return o->has(name) ? o->get(name).convert<std::string>() : std::string();
  };
  if (const std::string since = text("since"); !since.empty()) {
    const auto ms = replay::parseDurationMs(since);
    if (!ms) throw ApiError::badParameter(where + "since", "give a duration such as 7d or 12h");
    options.fromMs = journal::nowMs() - *ms;
  }
  for (const char* name : {"from", "to"}) {
    if (const std::string value = text(name); !value.empty()) {
      const auto ms = replay::parseInstantMs(value);
      if (!ms) throw ApiError::badParameter(where + name, "give an ISO 8601 time or epoch ms");
      (std::string(name) == "from" ? options.fromMs : options.toMs) = *ms;
    }
  }
  if (const std::string limit = text("limit"); !limit.empty()) {
    try {
      options.limit = std::stoll(limit);
    } catch (const std::exception&) {
      options.limit = 0;
    }
    if (options.limit < 1 || options.limit > kMaxReplayMessages) {
      throw ApiError::badParameter(where + "limit", "1 to " + std::to_string(kMaxReplayMessages));
    }
  }
  return options;
}

// One replay at a time on a hub: each takes a core for as long as it reads (a week of a busy
// network is most of a minute), beside the pipeline. Another asked meanwhile is told to wait.
std::unique_lock<std::mutex> replaySlot() {
  static std::mutex running;
  std::unique_lock<std::mutex> slot(running, std::try_to_lock);
  if (!slot) {
    throw ApiError(429, "replay_running",
                   "another diff-replay is running on this hub; try again when it has ended");
  }
  return slot;
}

// The channel's script compiled from `text`; a script that does not compile is a 422 naming
// the line.
std::unique_ptr<pipeline::Mapper> compiled(ApiContext& context, const std::string& channel,
                                           const std::string& text) {
  auto mapper = context.hub().scriptMapper(channel, text);
  if (!mapper) {
    if (mapper.error().code == ErrorCode::kInvalidValue ||
        mapper.error().code == ErrorCode::kIoError) {
      throw ApiError(422, "does_not_compile", mapper.error().describe());
    }
    throw ApiError::from(mapper.error());
  }
  return std::move(*mapper);
}

Object::Ptr versionJson(const journal::ScriptVersionRecord& v) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("version", v.version);
  o->set("hash", v.hash);
  o->set("script", v.script);
  o->set("createdAt", isoTime(v.createdAtMs));
  o->set("createdBy", v.createdBy);
  o->set("origin", v.origin);
  o->set("contentKept", v.contentKept);
  return o;
}

struct TestRun {
  bool ran = false, passed = true;
  std::string output;
};

// The channel's script tests (`*_test.lua` in its scripts folder's tests/), run with `text` in
// place of the channel's script file.
TestRun runTests(const config::ChannelConfig& channel, const std::string& text) {
  TestRun run;
  const std::filesystem::path dir = std::filesystem::path(channel.scriptsRoot) / "tests";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return run;
  std::ostringstream out;
  const int status = lua::runScriptTests(
      dir.string(), out, [&](lua::MappingRunner& runner) { runner.replace(channel.script, text); });
  run.ran = true;
  run.passed = status == 0;
  run.output = out.str();
  return run;
}

// A version's text, or 404 when the channel has no such version or its text was not kept.
std::string keptText(ApiContext& context, const std::string& channel, std::int64_t version) {
  auto text = context.journal().scriptContent(channel, version);
  if (!text) throw ApiError::from(text.error());
  if (!*text) {
    throw ApiError::notFound("channel " + channel + " has no version " + std::to_string(version) +
                             " with its text kept");
  }
  return std::move(**text);
}

std::string deployedBy(const ApiRequest& r) { return r.caller.name; }
std::string deployedFrom(const ApiRequest& r) { return "API from " + r.peer; }

// Puts `text` live and audits what happened: `audited` with the version it became, or
// `audited` + "_failed" with the reason when it could not be put in place (the file and the live
// version stay as they were).
Reply deployed(ApiContext& context, const ApiRequest& r, const std::string& channel,
               const std::string& text, const std::string& action, const std::string& audited,
               const std::string& detail, Object::Ptr answer) {
  auto version = context.hub().deployScript(channel, text, deployedBy(r), deployedFrom(r), action);
  if (!version) {
    context.audit(r, audited + "_failed", channel, version.error().describe());
    throw ApiError::from(version.error());
  }
  context.audit(
      r, audited, channel,
      detail + (detail.empty() ? "" : ", ") + "live as version " + std::to_string(*version));
  answer->set("version", *version);
  answer->set("live", "the channel's mappers load it at their next check, within about a second");
  return Reply::json(*answer, 201);
}

}  // namespace

void addScriptEndpoints(Router& router, ApiContext& context) {
  router.add(
      {"GET", "/api/v1/channels/{name}/scripts", Role::kViewer, [&context](const ApiRequest& r) {
         r.allowOnly({});
         const ChannelView view = context.channel(r.pathParams.at("name"));
         auto versions = context.journal().scriptVersions(view.name);
         if (!versions) throw ApiError::from(versions.error());
         auto deployments = context.journal().scriptDeployments(view.name, 50);
         if (!deployments) throw ApiError::from(deployments.error());
         Object o(Poco::JSON_PRESERVE_KEY_ORDER);
         o.set("channel", view.name);
         o.set("script", view.config->script);
         if (!deployments->empty()) o.set("live", deployments->front().version);
         Array::Ptr list = new Array;
         for (const auto& v : *versions) list->add(versionJson(v));
         o.set("versions", list);
         Array::Ptr history = new Array;
         for (const auto& d : *deployments) {
           Object::Ptr x = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
           x->set("version", d.version);
           x->set("at", isoTime(d.atMs));
           x->set("by", d.by);
           x->set("origin", d.origin);
           x->set("action", d.action);
           history->add(x);
         }
         o.set("deployments", history);
         return Reply::json(o);
       }});

  router.add({"GET", "/api/v1/channels/{name}/scripts/{version}", Role::kViewer,
              [&context](const ApiRequest& r) {
                r.allowOnly({});
                const ChannelView view = context.channel(r.pathParams.at("name"));
                const std::int64_t version = r.pathId("version");
                const std::string text = keptText(context, view.name, version);
                Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("channel", view.name);
                o.set("version", version);
                o.set("script", text);
                return Reply::json(o);
              }});

  // A try: the report shows field values of real messages, so it is for those who may read
  // messages, and audited as a read of them.
  router.add({"POST", "/api/v1/channels/{name}/scripts/try", Role::kClinical,
              [&context](const ApiRequest& r) {
                r.allowOnly({});
                const ChannelView view = context.channel(r.pathParams.at("name"));
                const Object::Ptr body = r.jsonBody();
                const std::string text = bodyText(body, "script");
                replay::ReplayOptions options = windowFrom(body, "");
                auto mapper = compiled(context, view.name, text);
                context.audit(r, "try_script", view.name);
                const auto slot = replaySlot();
                auto summary = context.hub().replayScript(view.name, *mapper, options);
                if (!summary) throw ApiError::from(summary.error());
                return Reply::json(*replay::reportJson(*summary));
              }});

  router.add(
      {"POST", "/api/v1/channels/{name}/scripts", Role::kOperator, [&context](const ApiRequest& r) {
         r.allowOnly({});
         const ChannelView view = context.channel(r.pathParams.at("name"));
         const Object::Ptr body = r.jsonBody();
         const std::string text = bodyText(body, "script");
         Object::Ptr answer = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
         auto refuse = [&](const std::string& code, const std::string& why) {
           context.audit(r, "deploy_script_refused", view.name, why);
           // The error as every API error is, with what the checks found beside it.
           Object::Ptr error = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
           error->set("code", code);
           error->set("message", why);
           Object o(Poco::JSON_PRESERVE_KEY_ORDER);
           o.set("error", error);
           for (const auto& [k, v] : *answer) o.set(k, v);
           return Reply::json(o, 422);
         };
         std::unique_ptr<pipeline::Mapper> mapper;
         try {
           mapper = compiled(context, view.name, text);
         } catch (const ApiError& e) {
           if (e.code() != "does_not_compile") throw;
           return refuse(e.code(), e.what());
         }
         const TestRun tests = runTests(*view.config, text);
         answer->set("tests", tests.ran ? tests.output : "no tests (no tests/ folder)");
         if (!tests.passed) return refuse("tests_failed", "the script's tests fail");
         // Asked for: no more messages changed over the window than the operator allows.
         if (body->has("replay")) {
           const Object::Ptr gate = body->getObject("replay");
           if (!gate || !gate->has("maxChanged")) {
             throw ApiError::badParameter("replay", "give {\"since\": \"7d\", \"maxChanged\": N}");
           }
           const auto allowed = gate->get("maxChanged").convert<std::int64_t>();
           replay::ReplayOptions options = windowFrom(gate, "replay.");
           options.keepChanges = 100;
           const auto slot = replaySlot();
           auto summary = context.hub().replayScript(view.name, *mapper, options);
           if (!summary) throw ApiError::from(summary.error());
           answer->set("replay", replay::reportJson(*summary));
           if (summary->changed > allowed) {
             return refuse("changes_too_many",
                           "the replay changed " + std::to_string(summary->changed) +
                               " messages, more than the " + std::to_string(allowed) + " allowed");
           }
         }
         return deployed(context, r, view.name, text, "deployed", "deploy_script", "", answer);
       }});

  router.add({"POST", "/api/v1/channels/{name}/scripts/{version}/rollback", Role::kOperator,
              [&context](const ApiRequest& r) {
                r.allowOnly({});
                const ChannelView view = context.channel(r.pathParams.at("name"));
                const std::int64_t version = r.pathId("version");
                const std::string text = keptText(context, view.name, version);
                // It must still compile with the modules and tables of today.
                compiled(context, view.name, text);
                Object::Ptr answer = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                answer->set("rolledBackTo", version);
                return deployed(context, r, view.name, text, "rolled back", "rollback_script",
                                "to version " + std::to_string(version), answer);
              }});
}

}  // namespace pathhub::http

// pathhub-map SCRIPT --replay CHANNEL (see replay_command.h).
#include "replay_command.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "api_client.h"
#include "config/hub_config.h"
#include "daemon/channel_decisions.h"
#include "daemon/config_check.h"
#include "lua/lua_mapper.h"
#include "progress_bar.h"
#include "read_input.h"
#include "replay/replay_report.h"
#include "replay/replay_window.h"

namespace pathhub::tools {
namespace {

struct ReplayArgs {
  std::string config = "config/pathhub.xml";
  // Through a running hub's API instead of its journal (a PostgreSQL journal elsewhere, a
  // machine without the journal): the URL, the token's file, the CA of an HTTPS listener.
  std::string url, tokenFile, ca;
  std::optional<std::int64_t> sinceMs, fromMs, toMs;
  std::int64_t limit = 0;
  // Changed messages whose diffs the reports show (all are counted): a report of a million
  // diffs helps nobody, and each is held in memory until the end.
  std::int64_t details = 100'000;
  std::string json, html;
};

// Why the arguments do not parse ("" when they do).
std::string parseArgs(const std::vector<std::string>& args, ReplayArgs& a) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& name = args[i];
    if (i + 1 >= args.size()) return name + " needs a value";
    const std::string& value = args[++i];
    if (name == "--config") {
      a.config = value;
    } else if (name == "--since") {
      a.sinceMs = replay::parseDurationMs(value);
      if (!a.sinceMs) return "--since " + value + ": give a duration such as 7d, 12h or 30m";
    } else if (name == "--from" || name == "--to") {
      auto at = replay::parseInstantMs(value);
      if (!at) return name + " " + value + ": give an ISO 8601 time or epoch milliseconds";
      (name == "--from" ? a.fromMs : a.toMs) = at;
    } else if (name == "--limit" || name == "--details") {
      std::int64_t n = -1;
      try {
        n = std::stoll(value);
      } catch (const std::exception&) {
      }
      if (n < (name == "--limit" ? 1 : 0)) return name + " " + value + ": give a whole number";
      (name == "--limit" ? a.limit : a.details) = n;
    } else if (name == "--url") {
      a.url = value;
    } else if (name == "--token-file") {
      a.tokenFile = value;
    } else if (name == "--ca") {
      a.ca = value;
    } else if (name == "--report") {
      a.json = value;
    } else if (name == "--html") {
      a.html = value;
    } else {
      return "unknown option " + name;
    }
  }
  if (a.sinceMs && a.fromMs) return "give --since or --from, not both";
  return "";
}

bool writeFile(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (out.flush()) return true;
  err << "pathhub-map: cannot write " << path << "\n";
  return false;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The hub runs the replay (POST /api/v1/channels/{name}/scripts/try) and answers the report.
Result<replay::ReplaySummary> replayThroughApi(const ReplayArgs& a, const std::string& channel,
                                               const std::string& text) {
  std::string token = env("PATHHUB_TOKEN");
  const std::string tokenFile = a.tokenFile.empty() ? env("PATHHUB_TOKEN_FILE") : a.tokenFile;
  if (!tokenFile.empty()) {
    std::ifstream in(tokenFile);
    if (!in) return fail(ErrorCode::kIoError, "cannot read the token file " + tokenFile);
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  }
  Poco::JSON::Object body;
  body.set("script", text);
  if (a.sinceMs) body.set("since", std::to_string(*a.sinceMs / 1000) + "s");
  if (a.fromMs) body.set("from", *a.fromMs);
  if (a.toMs) body.set("to", *a.toMs);
  if (a.limit) body.set("limit", a.limit);
  std::ostringstream json;
  body.stringify(json);
  std::string path;
  Poco::URI::encode(channel, "/?#&=+ ", path);
  ctl::ApiClient api(a.url, token, a.ca);
  auto answer = api.call("POST", "/api/v1/channels/" + path + "/scripts/try", json.str());
  if (!answer) return tl::unexpected(answer.error());
  Poco::JSON::Object::Ptr report;
  try {
    auto parsed = Poco::JSON::Parser().parse(answer->body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
      report = parsed.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception&) {
  }
  if (answer->status >= 300) {
    const auto error = report ? report->getObject("error") : nullptr;
    return fail(ErrorCode::kInvalidState,
                "the hub answered " + std::to_string(answer->status) + ": " +
                    (error ? error->getValue<std::string>("message") : answer->body));
  }
  if (!report) return fail(ErrorCode::kInvalidValue, "the hub's answer is not JSON");
  return replay::summaryFromJson(report);
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The summary on stdout, the reports where asked; the exit status.
int report(const replay::ReplaySummary& summary, const ReplayArgs& a, std::ostream& out,
           std::ostream& err) {
  out << replay::summaryText(summary);
  out << "(" << summary.messages << " messages in " << summary.seconds << " s)\n";
  if (!a.json.empty()) {
    std::ostringstream json;
    replay::reportJson(summary)->stringify(json, 2);
    if (!writeFile(a.json, json.str() + "\n", err)) return 2;
  }
  if (!a.html.empty() && !writeFile(a.html, replay::reportHtml(summary), err)) return 2;
  return summary.changed ? 1 : 0;
}

}  // namespace

int replayCommand(const std::string& script, const std::string& channelName,
                  const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ReplayArgs a;
  if (const std::string why = parseArgs(args, a); !why.empty()) {
    err << "pathhub-map: " << why << "\n";
    return 2;
  }
  auto text = readInput(script);
  if (!text) {
    err << "pathhub-map: " << text.error().describe() << "\n";
    return 2;
  }
  if (!a.url.empty()) {
    auto summary = replayThroughApi(a, channelName, *text);
    if (!summary) {
      err << "pathhub-map: " << summary.error().describe() << "\n";
      return 2;
    }
    return report(*summary, a, out, err);
  }
  auto config = config::loadHubConfig(a.config);
  if (!config) {
    err << "pathhub-map: " << config.error().describe() << "\n";
    return 2;
  }
  const config::ChannelConfig* channel = nullptr;
  for (const auto& c : config->channels) {
    if (c.name == channelName) channel = &c;
  }
  if (!channel) {
    err << "pathhub-map: " << a.config << " has no channel " << channelName << "\n";
    return 2;
  }
  journal::JournalOptions options;
  options.backend = config->journal.backend;
  options.path = config->journal.path;
  options.url = config->journal.url;
  options.password = config->journal.password;
  options.readOnly = true;
  auto journal = journal::Journal::open(options);
  if (!journal) {
    err << "pathhub-map: " << journal.error().describe() << "\n";
    return 2;
  }
  // The script as the channel would run it (its folder's modules and tables, its limits), but
  // from the text given, and its log lines kept out of the terminal.
  lua::ScriptOptions scriptOptions = daemon::scriptOptionsFor(*channel);
  scriptOptions.script = script;
  scriptOptions.text = *text;
  scriptOptions.logLines = false;
  auto mapper = lua::LuaMapper::create(scriptOptions, channel->name);
  if (!mapper) {
    err << "pathhub-map: " << mapper.error().describe() << "\n";
    return 2;
  }
  auto decisions = daemon::makeChannelDecisions(*channel, **journal);
  if (!decisions) {
    err << "pathhub-map: " << decisions.error().describe() << "\n";
    return 2;
  }
  replay::ReplayOptions replayOptions;
  replayOptions.channel = channel->name;
  replayOptions.limit = a.limit;
  replayOptions.keepChanges = static_cast<std::size_t>(a.details);
  if (a.sinceMs) replayOptions.fromMs = nowMs() - *a.sinceMs;
  if (a.fromMs) replayOptions.fromMs = *a.fromMs;
  if (a.toMs) replayOptions.toMs = *a.toMs;
  std::optional<ProgressBar> bar;
  if (::isatty(STDERR_FILENO) == 1) {
    auto first = (*journal)->lastIdReceivedBefore(replayOptions.fromMs);
    auto last = (*journal)->lastIdReceivedBefore(replayOptions.toMs);
    if (first && last) {
      bar.emplace(err, replayOptions.fromMs ? *first : 0, *last, a.limit);
      replayOptions.progress = [&bar](std::int64_t done, std::int64_t id) {
        bar->update(done, id);
      };
    }
  }
  const auto plan = [&](pipeline::MapResult result, const std::string& answered) {
    return pipeline::planMapping(*channel, *decisions, std::move(result), answered);
  };
  auto summary = replay::diffReplay(**journal, **mapper, plan, replayOptions);
  if (bar) bar->finish();
  if (!summary) {
    err << "pathhub-map: " << summary.error().describe() << "\n";
    return 2;
  }
  return report(*summary, a, out, err);
}

}  // namespace pathhub::tools

// pathhubctl commands (see commands.h and the usage text in main.cc).
#include "commands.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <iostream>
#include <map>
#include <sstream>

#include "backup_command.h"
#include "record_command.h"
#include "scripts_command.h"
#include "table.h"

namespace pathhub::ctl {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string field(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || o->isNull(key)) return "";
  return o->get(key).toString();
}

// --name value pairs, checked against what the command takes; the rest are positional.
struct Parsed {
  std::multimap<std::string, std::string> named;
  std::vector<std::string> positional;
  bool has(const std::string& k) const { return named.count(k) > 0; }
};

Parsed parse(const std::vector<std::string>& args, const std::map<std::string, bool>& known) {
  Parsed p;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      p.positional.push_back(a);
      continue;
    }
    const std::string name = a.substr(2);
    auto k = known.find(name);
    if (k == known.end()) throw UsageError("unknown option " + a);
    if (!k->second) {
      p.named.emplace(name, "");
    } else if (i + 1 < args.size()) {
      p.named.emplace(name, args[++i]);
    } else {
      throw UsageError(a + " needs a value");
    }
  }
  return p;
}

// Message filters: pathhubctl option → API query parameter.
const std::map<std::string, std::string> kFilters = {{"channel", "channel"},
                                                     {"state", "state"},
                                                     {"from", "from"},
                                                     {"to", "to"},
                                                     {"control-id", "controlId"},
                                                     {"type", "messageType"},
                                                     {"nhs-number", "nhsNumber"},
                                                     {"placer", "placer"},
                                                     {"filler", "filler"},
                                                     {"delivery-state", "deliveryState"},
                                                     {"destination", "destination"},
                                                     {"text", "text"}};

std::string query(const Parsed& p, const std::map<std::string, std::string>& names) {
  std::string out;
  for (const auto& [option, parameter] : names) {
    auto range = p.named.equal_range(option);
    for (auto it = range.first; it != range.second; ++it) {
      std::string value;
      Poco::URI::encode(it->second, "&=+?#/", value);
      out += (out.empty() ? "?" : "&") + parameter + "=" + value;
    }
  }
  return out;
}

class Runner {
 public:
  Runner(ApiClient& api, const Options& options) : api_(api), options_(options) {}

  // Calls the API; prints the error and returns null when it is not a success.
  Object::Ptr call(const std::string& method, const std::string& target,
                   const std::string& body = {}, bool printJson = true) {
    auto response = api_.call(method, target, body);
    if (!response) {
      std::cerr << "pathhubctl: " << response.error().text << "\n";
      status_ = 2;
      return nullptr;
    }
    Object::Ptr parsed;
    try {
      Poco::JSON::Parser parser;
      auto v = parser.parse(response->body);
      if (v.type() == typeid(Object::Ptr)) parsed = v.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (response->status >= 300) {
      Object::Ptr error = parsed ? parsed->getObject("error") : nullptr;
      // The FHIR API's errors are OperationOutcomes: the first issue's diagnostics.
      Poco::JSON::Array::Ptr issues = parsed ? parsed->getArray("issue") : nullptr;
      const std::string why = error ? field(error, "message")
                              : issues && issues->size() > 0
                                  ? field(issues->getObject(0), "diagnostics")
                                  : response->body;
      std::cerr << "pathhubctl: " << response->status << " " << why << "\n";
      status_ = 1;
      return nullptr;
    }
    if (!parsed) {
      std::cerr << "pathhubctl: the answer is not JSON\n";
      status_ = 1;
      return nullptr;
    }
    if (options_.json && printJson) {
      Poco::JSON::Stringifier::stringify(parsed, std::cout, 2);
      std::cout << "\n";
    }
    return parsed;
  }

  int status() const { return status_; }
  bool json() const { return options_.json; }

 private:
  ApiClient& api_;
  const Options& options_;
  int status_ = 0;
};

void printStatus(const Object::Ptr& o) {
  std::cout << "status:   " << field(o, "status") << "\n"
            << "uptime:   " << field(o, "uptimeSeconds") << " s\n"
            << "channels: " << field(o, "channels");
  if (auto states = o->getObject("channelStates")) {
    std::string list;
    for (const auto& [state, n] : *states)
      list += (list.empty() ? "" : ", ") + n.toString() + " " + state;
    std::cout << " (" << list << ")";
  }
  std::cout << "\njournal:  " << field(o, "journal") << "\n";
  if (auto caller = o->getObject("caller")) {
    std::cout << "you:      " << field(caller, "name") << " (" << field(caller, "role") << ")\n";
  }
}

void printChannels(const Object::Ptr& o) {
  Table t({"CHANNEL", "STATE", "RECEIVED", "FAILED", "DESTINATION", "BACKLOG", "DELIVERED",
           "FAILED", "LAST ERROR"});
  Array::Ptr channels = o->getArray("channels");
  for (std::size_t i = 0; channels && i < channels->size(); ++i) {
    Object::Ptr c = channels->getObject(static_cast<unsigned>(i));
    Array::Ptr ds = c->getArray("destinations");
    const std::string error =
        c->getObject("lastError") ? field(c->getObject("lastError"), "message") : field(c, "fault");
    if (!ds || ds->size() == 0) {
      t.add({field(c, "name"), field(c, "state"), field(c, "received"), field(c, "failed"), "", "",
             "", "", error});
    }
    for (std::size_t j = 0; ds && j < ds->size(); ++j) {
      Object::Ptr d = ds->getObject(static_cast<unsigned>(j));
      const std::string dError =
          d->getObject("lastError") ? field(d->getObject("lastError"), "message") : "";
      t.add({j == 0 ? field(c, "name") : "", j == 0 ? field(c, "state") : "",
             j == 0 ? field(c, "received") : "", j == 0 ? field(c, "failed") : "", field(d, "name"),
             field(d, "backlog"), field(d, "delivered"), field(d, "failed"),
             dError.empty() && j == 0 ? error : dError});
    }
  }
  t.print(std::cout);
}

// GET /api/v1/cluster: the nodes, then who delivers for which destination.
void printCluster(const Object::Ptr& o) {
  std::cout << "this node: " << field(o, "node") << "\n\n";
  Table nodes({"NODE", "ALIVE", "LAST HEARTBEAT", "AGO (S)", "DESTINATIONS"});
  Array::Ptr list = o->getArray("nodes");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    Object::Ptr n = list->getObject(static_cast<unsigned>(i));
    std::string owned;
    if (Array::Ptr ds = n->getArray("destinations")) {
      for (std::size_t j = 0; j < ds->size(); ++j) {
        owned +=
            (owned.empty() ? "" : ", ") + ds->getElement<std::string>(static_cast<unsigned>(j));
      }
    }
    nodes.add({field(n, "name"), field(n, "alive") == "true" ? "yes" : "NO",
               field(n, "lastHeartbeatAt"), field(n, "secondsSinceHeartbeat"), owned});
  }
  nodes.print(std::cout);
  std::cout << "\n";
  Table leases({"CHANNEL", "DESTINATION", "OWNER", "EPOCH", "BACKLOG", "OLDEST UNDELIVERED"});
  Array::Ptr held = o->getArray("leases");
  for (std::size_t i = 0; held && i < held->size(); ++i) {
    Object::Ptr l = held->getObject(static_cast<unsigned>(i));
    const std::string owner = field(l, "owner");
    leases.add({field(l, "channel"), field(l, "destination"), owner.empty() ? "(none)" : owner,
                field(l, "epoch"), field(l, "backlog"), field(l, "oldestUndeliveredAt")});
  }
  leases.print(std::cout);
}

// GET /api/v1/alerts: what fires now, the notifiers, and (with --history) what resolved.
void printAlerts(const Object::Ptr& o, bool history) {
  std::cout << "period now: " << field(o, "period") << "\n\n";
  auto list = [](const Array::Ptr& alerts, bool resolved) {
    Table t({"ID", "SEVERITY", "RULE", resolved ? "RESOLVED" : "FIRED", "TOLD", "ACKNOWLEDGED",
             "SUMMARY"});
    for (std::size_t i = 0; alerts && i < alerts->size(); ++i) {
      Object::Ptr a = alerts->getObject(static_cast<unsigned>(i));
      std::string told;
      if (Array::Ptr rotas = a->getArray("toldRotas")) {
        for (std::size_t j = 0; j < rotas->size(); ++j) {
          told +=
              (told.empty() ? "" : ",") + rotas->getElement<std::string>(static_cast<unsigned>(j));
        }
      }
      Object::Ptr ack = a->getObject("acknowledged");
      t.add({field(a, "id"), field(a, "severity"), field(a, "rule"),
             field(a, resolved ? "resolvedAt" : "firedAt"), told.empty() ? "(nobody)" : told,
             ack ? field(ack, "by") : "", field(a, "summary")});
    }
    t.print(std::cout);
  };
  Array::Ptr firing = o->getArray("firing");
  if (!firing || firing->size() == 0) {
    std::cout << "no alert is firing\n";
  } else {
    list(firing, false);
  }
  if (history) {
    std::cout << "\nresolved:\n";
    list(o->getArray("history"), true);
  }
  Array::Ptr notifiers = o->getArray("notifiers");
  if (!notifiers || notifiers->size() == 0) return;
  std::cout << "\n";
  Table t({"NOTIFIER", "STATE", "SENT", "FAILED ATTEMPTS", "GIVEN UP", "WAITING", "LAST ERROR"});
  for (std::size_t i = 0; i < notifiers->size(); ++i) {
    Object::Ptr n = notifiers->getObject(static_cast<unsigned>(i));
    t.add({field(n, "name"), field(n, "failing") == "true" ? "FAILING" : "ok", field(n, "sent"),
           field(n, "failedAttempts"), field(n, "givenUp"), field(n, "waiting"),
           field(n, "lastError")});
  }
  t.print(std::cout);
}

void printMessages(const Object::Ptr& o) {
  Table t({"ID", "RECEIVED", "CHANNEL", "TYPE", "CONTROL ID", "STATE", "ERROR"});
  Array::Ptr list = o->getArray("messages");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    Object::Ptr m = list->getObject(static_cast<unsigned>(i));
    t.add({field(m, "id"), field(m, "receivedAt"), field(m, "channel"), field(m, "messageType"),
           field(m, "controlId"), field(m, "state"), field(m, "error").substr(0, 60)});
  }
  t.print(std::cout);
  if (!field(o, "nextBefore").empty()) {
    std::cout << "more: add --before " << field(o, "nextBefore") << "\n";
  }
}

void printMessage(const Object::Ptr& m) {
  for (const char* key : {"id", "channel", "state", "receivedAt", "messageType", "controlId",
                          "source", "peer", "nhsNumber", "placerOrder", "fillerOrder", "error"}) {
    if (!field(m, key).empty()) std::cout << key << ": " << field(m, key) << "\n";
  }
  Table deliveries({"DESTINATION", "STATE", "ATTEMPTS", "UPDATED", "ERROR / ANSWER"});
  Array::Ptr ds = m->getArray("deliveries");
  for (std::size_t i = 0; ds && i < ds->size(); ++i) {
    Object::Ptr d = ds->getObject(static_cast<unsigned>(i));
    std::string note = field(d, "lastError").empty() ? field(d, "response") : field(d, "lastError");
    for (char& c : note) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    deliveries.add({field(d, "destination"), field(d, "state"), field(d, "attempts"),
                    field(d, "updatedAt"), note.substr(0, 80)});
  }
  std::cout << "\n";
  deliveries.print(std::cout);
  std::cout << "\nhistory:\n";
  Array::Ptr history = m->getArray("history");
  for (std::size_t i = 0; history && i < history->size(); ++i) {
    Object::Ptr e = history->getObject(static_cast<unsigned>(i));
    std::cout << "  " << field(e, "at") << "  " << field(e, "kind") << "  " << field(e, "detail")
              << "\n";
  }
  Array::Ptr log = m->getArray("scriptLog");
  if (log && log->size() > 0) {
    std::cout << "\nscript log:\n";
    for (std::size_t i = 0; i < log->size(); ++i)
      std::cout << "  " << log->get(static_cast<unsigned>(i)).toString() << "\n";
  }
  std::cout << "\nreceived:\n";
  std::string raw = field(m, "raw");
  for (char& c : raw) {
    if (c == '\r') c = '\n';
  }
  std::cout << raw << (raw.empty() || raw.back() == '\n' ? "" : "\n");
}

void printAudit(const Object::Ptr& o) {
  Table t({"ID", "AT", "USER", "ROLE", "ACTION", "TARGET", "FROM", "DETAIL"});
  Array::Ptr list = o->getArray("entries");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    Object::Ptr e = list->getObject(static_cast<unsigned>(i));
    t.add({field(e, "id"), field(e, "at"), field(e, "user"), field(e, "role"), field(e, "action"),
           field(e, "target"), field(e, "peer"), field(e, "detail").substr(0, 60)});
  }
  t.print(std::cout);
}

// {"destinations": [...]} from --replay-to options; "" when none (where the routing sent
// each message). --to is the time filter and --destination the delivery filter, as in
// `messages`.
std::string destinationsBody(const Parsed& p) {
  auto range = p.named.equal_range("replay-to");
  if (range.first == range.second) return "";
  Array::Ptr names = new Array;
  for (auto it = range.first; it != range.second; ++it) names->add(it->second);
  Object body;
  body.set("destinations", names);
  std::ostringstream out;
  body.stringify(out);
  return out.str();
}

std::string pathPart(const std::string& s) {
  std::string out;
  Poco::URI::encode(s, "/?#&=+", out);
  return out;
}

// A bulk replay in steps of 500 messages, each step's progress on stderr, the totals at the
// end (on stdout; with --json, as one object).
void replayInSteps(Runner& run, const std::string& target, const std::string& body,
                   long long total) {
  constexpr int kStep = 500;
  long long replayed = 0, deliveries = 0, skipped = 0;
  std::string before;
  Array::Ptr reasons = new Array;
  for (;;) {
    std::string step = target + "limit=" + std::to_string(kStep);
    if (!before.empty()) step += "&before=" + before;
    Object::Ptr o = run.call("POST", step, body, false);
    if (!o) return;  // the error is printed; what was replayed so far stays replayed
    replayed += o->getValue<long long>("replayed");
    deliveries += o->getValue<long long>("deliveries");
    skipped += o->getValue<long long>("skippedCount");
    if (Array::Ptr some = o->getArray("skipped")) {
      for (std::size_t i = 0; i < some->size() && reasons->size() < 20; ++i) {
        reasons->add(some->get(i));
      }
    }
    before = field(o, "nextBefore");
    const long long done = replayed + skipped;
    std::cerr << "pathhubctl: replay: " << done << " of " << total << " message(s)"
              << (total > 0 ? " (" + std::to_string(std::min(100LL, done * 100 / total)) + "%)"
                            : std::string())
              << "\n";
    if (before.empty()) break;
  }
  if (run.json()) {
    Object totals(Poco::JSON_PRESERVE_KEY_ORDER);
    totals.set("replayed", replayed);
    totals.set("deliveries", deliveries);
    totals.set("skippedCount", skipped);
    totals.set("skipped", reasons);
    Poco::JSON::Stringifier::stringify(totals, std::cout, 2);
    std::cout << "\n";
    return;
  }
  std::cout << "replayed " << replayed << " message(s), " << deliveries
            << " new deliveries; skipped " << skipped << "\n";
  for (std::size_t i = 0; i < reasons->size(); ++i) {
    Object::Ptr r = reasons->getObject(static_cast<unsigned>(i));
    std::cout << "  " << field(r, "id") << ": " << field(r, "reason") << "\n";
  }
}

}  // namespace

int runCommand(ApiClient& api, const Options& options, const std::string& command,
               const std::vector<std::string>& args) {
  Runner run(api, options);
  try {
    if (command == "alerts") {
      Parsed p = parse(args, {{"acknowledge", true}, {"history", false}});
      if (!p.positional.empty()) throw UsageError("alerts takes no arguments");
      if (p.has("acknowledge")) {
        auto o =
            run.call("POST", "/api/v1/alerts/" + pathPart(p.named.find("acknowledge")->second) +
                                 "/acknowledge");
        if (o && !run.json()) {
          std::cout << "alert " << field(o, "id") << " (" << field(o, "rule")
                    << ") acknowledged: no repeats until it resolves\n";
        }
      } else if (auto o = run.call("GET", "/api/v1/alerts"); o && !run.json()) {
        printAlerts(o, p.has("history"));
      }
    } else if (command == "cluster") {
      parse(args, {});
      if (auto o = run.call("GET", "/api/v1/cluster"); o && !run.json()) printCluster(o);
    } else if (command == "status" || command == "channels") {
      parse(args, {});
      const std::string target = command == "status" ? "/api/v1/status" : "/api/v1/channels";
      if (auto o = run.call("GET", target); o && !run.json()) {
        command == "status" ? printStatus(o) : printChannels(o);
      }
    } else if (command == "messages") {
      std::map<std::string, bool> known = {{"limit", true}, {"before", true}};
      for (const auto& [option, parameter] : kFilters) known[option] = true;
      Parsed p = parse(args, known);
      auto names = kFilters;
      names["limit"] = "limit";
      names["before"] = "before";
      if (auto o = run.call("GET", "/api/v1/messages" + query(p, names)); o && !run.json()) {
        printMessages(o);
      }
    } else if (command == "show") {
      Parsed p = parse(args, {});
      if (p.positional.size() != 1) throw UsageError("show needs one message id");
      if (auto o = run.call("GET", "/api/v1/messages/" + pathPart(p.positional[0]));
          o && !run.json()) {
        printMessage(o);
      }
    } else if (command == "replay") {
      std::map<std::string, bool> known = {{"replay-to", true},
                                           {"filter", false},
                                           {"dry-run", false},
                                           {"resend-acknowledgements", false}};
      for (const auto& [option, parameter] : kFilters) known[option] = true;
      Parsed p = parse(args, known);
      const std::string body = destinationsBody(p);
      Object::Ptr o;
      if (p.has("filter")) {
        if (!p.positional.empty()) throw UsageError("replay --filter takes filters, not an id");
        std::string target = "/api/v1/messages/replay" + query(p, kFilters);
        if (p.has("resend-acknowledgements")) {
          target += (target.find('?') == std::string::npos ? "?" : "&");
          target += "resendAcknowledgements=true";
        }
        const char* more = target.find('?') == std::string::npos ? "?" : "&";
        // The dry run first: what would go where, and how many, for the progress that follows.
        o = run.call("POST", target + more + "dryRun=true", body, p.has("dry-run"));
        if (o && !run.json() && p.has("dry-run")) {
          std::cout << "would replay " << field(o, "messages") << " message(s):";
          Object::Ptr per = o->getObject("deliveriesPerDestination");
          for (const auto& name : per ? per->getNames() : std::vector<std::string>{}) {
            std::cout << " " << name << " " << per->getValue<int>(name);
          }
          std::cout << "\n";
        } else if (o) {
          replayInSteps(run, target + more, body, o->getValue<long long>("messages"));
        }
      } else {
        if (p.positional.size() != 1) throw UsageError("replay needs a message id or --filter");
        if (p.named.size() !=
            p.named.count("replay-to") + p.named.count("resend-acknowledgements")) {
          throw UsageError("filters need --filter");
        }
        o = run.call("POST",
                     "/api/v1/messages/" + pathPart(p.positional[0]) + "/replay" +
                         (p.has("resend-acknowledgements") ? "?resendAcknowledgements=true" : ""),
                     body);
        if (o && !run.json()) {
          std::cout << "message " << field(o, "id") << ": " << field(o, "state") << ", "
                    << field(o, "deliveries") << " new deliveries\n";
        }
      }
    } else if (command == "pause" || command == "resume" || command == "restart") {
      Parsed p = parse(args, {});
      if (p.positional.size() != 1) throw UsageError(command + " needs a channel name");
      if (auto o =
              run.call("POST", "/api/v1/channels/" + pathPart(p.positional[0]) + "/" + command);
          o && !run.json()) {
        std::cout << "channel " << field(o, "name") << ": " << field(o, "state") << "\n";
      }
    } else if (command == "reroute-order") {
      Parsed p = parse(args, {});
      if (p.positional.size() != 1) throw UsageError("reroute-order needs the placer number");
      if (auto o = run.call("POST", "/api/v1/orders/" + pathPart(p.positional[0]) + "/reroute");
          o && !run.json()) {
        Array::Ptr routed = o->getArray("rerouted");
        for (std::size_t i = 0; i < routed->size(); ++i) {
          Object::Ptr r = routed->getObject(static_cast<unsigned>(i));
          std::string to;
          Array::Ptr names = r->getArray("destinations");
          for (std::size_t k = 0; k < names->size(); ++k) {
            to += (to.empty() ? "" : ", ") + names->get(k).toString();
          }
          std::cout << "message " << field(r, "messageId") << ": re-routed to " << to << "\n";
        }
        Array::Ptr stuck = o->getArray("stillUnroutable");
        for (std::size_t i = 0; i < stuck->size(); ++i) {
          Object::Ptr r = stuck->getObject(static_cast<unsigned>(i));
          std::cout << "message " << field(r, "messageId")
                    << ": still unroutable: " << field(r, "reason") << "\n";
        }
      }
    } else if (command == "reload") {
      Parsed p = parse(args, {});
      if (!p.positional.empty()) throw UsageError("reload takes no arguments");
      if (auto o = run.call("POST", "/api/v1/reload"); o && !run.json()) {
        auto print = [&o](const char* key, const char* heading) {
          Array::Ptr items = o->getArray(key);
          if (!items || items->size() == 0) return;
          std::cout << heading << ":\n";
          for (std::size_t i = 0; i < items->size(); ++i) {
            std::cout << "  " << items->get(i).toString() << "\n";
          }
        };
        print("applied", "applied");
        print("restartNeeded", "changed, taking effect at the next start");
        print("failed", "failed");
        if (o->getArray("applied")->size() + o->getArray("restartNeeded")->size() == 0) {
          std::cout << "nothing changed\n";
        }
      }
    } else if (command == "backup") {
      return backupCommand(api, options, args);
    } else if (command == "record") {
      return recordCommand(api, options, args);
    } else if (command == "scripts") {
      return scriptsCommand(api, options, args);
    } else if (command == "audit") {
      Parsed p = parse(args, {{"user", true},
                              {"nhs-number", true},
                              {"action", true},
                              {"from", true},
                              {"to", true},
                              {"limit", true},
                              {"before", true}});
      std::map<std::string, std::string> names = {
          {"user", "user"},   {"action", "action"}, {"from", "from"},           {"to", "to"},
          {"limit", "limit"}, {"before", "before"}, {"nhs-number", "nhsNumber"}};
      if (auto o = run.call("GET", "/api/v1/audit" + query(p, names)); o && !run.json()) {
        printAudit(o);
      }
    } else {
      throw UsageError("unknown command '" + command + "'");
    }
  } catch (const UsageError& e) {
    std::cerr << "pathhubctl: " << e.what() << "\n";
    return 2;
  }
  return run.status();
}

}  // namespace pathhub::ctl

// Loading and checking the hub configuration (see hub_config.h).
//
// Two passes over one parsed document: a walk of the DOM against the table of known elements
// and attributes (so a misspelt key is an error, not silently ignored), then typed reads
// through Poco's XMLConfiguration with range checks.
#include "config/hub_config.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NamedNodeMap.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Exception.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/Util/XMLConfiguration.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "hl7/path.h"
#include "model/warnings.h"

namespace pathhub::config {
namespace {

// One attribute of the hub's own configuration: the single place its default, range and
// allowed values are written. The readers below take them from here, and a test holds
// config/README.md's tables to the same names and defaults.
struct Key {
  std::string fallback;                   // the default, as config/README.md writes it; "" none
  long long min = 0, max = -1;            // a whole number within [min, max] when min <= max
  std::vector<std::string> choices = {};  // one of these, when there are any
};

struct Schema {
  std::map<std::string, Key> attributes;
  std::set<std::string> children;
  bool pluginAttributes = false;  // other attributes belong to the plugin (checked there)
};

const std::vector<std::string> kLogLevels = {"fatal",  "critical",    "error", "warning",
                                             "notice", "information", "debug", "trace"};
const std::vector<std::string> kBoolean = {"true", "false"};
const std::vector<std::string> kSyslogFacilities = {"user",   "daemon", "local0", "local1",
                                                    "local2", "local3", "local4", "local5",
                                                    "local6", "local7"};

// The warnings that hold a delivery unless <safety block> says otherwise (model/warnings.h).
std::string defaultBlockList() {
  std::string out;
  for (const auto& w : model::defaultBlockingWarnings()) out += (out.empty() ? "" : ",") + w;
  return out;
}

const std::map<std::string, Schema>& schema() {
  static const std::map<std::string, Schema> kSchema = {
      {"pathhub",
       {{},
        {"plugins", "journal", "cluster", "log", "api", "record", "pipeline", "alerts",
         "channel"}}},
      {"alerts",
       {{{"checkSeconds", {"30", 1, 3600}},
         {"consoleUrl", {}},
         {"bankHolidays", {}},
         {"workingDays", {"mon,tue,wed,thu,fri"}},
         {"workingHours", {"08:00-18:00"}},
         {"retrySeconds", {"30", 1, 86400}},
         {"retryAttempts", {"10", 1, 1000}}},
        {"rule", "rota", "smtp", "webhook", "syslog"}}},
      {"rule",
       {{{"name", {}},
         {"condition", {"", 0, -1, kAlertConditions}},
         {"severity", {"warning", 0, -1, kAlertSeverities}},
         {"channel", {}},
         {"destination", {}},
         {"threshold", {"0", 0, 1'000'000'000'000LL}},
         {"forSeconds", {"0", 0, 31536000}},
         {"quietSeconds", {"3600", 0, 31536000}},
         {"windowSeconds", {"3600", 1, 31536000}}},
        {}}},
      {"rota",
       {{{"name", {}},
         {"severities", {"info,warning,critical"}},
         {"periods", {"working-hours,out-of-hours,weekend,bank-holiday"}}},
        {"recipient"}}},
      {"recipient", {{{"email", {}}, {"webhook", {}}}, {}}},
      {"smtp",
       {{{"host", {}},
         {"port", {"587", 1, 65535}},
         {"tls", {"starttls", 0, -1, {"starttls", "none"}}},
         {"user", {}},
         {"passwordFile", {}},
         {"auth", {"plain", 0, -1, {"plain", "login"}}},
         {"from", {"pathhub@localhost"}},
         {"caFile", {}},
         {"timeoutSeconds", {"30", 1, 600}}},
        {}}},
      {"webhook",
       {{{"name", {}},
         {"url", {}},
         {"format", {"json", 0, -1, {"json", "slack", "teams"}}},
         {"secretFile", {}},
         {"caFile", {}}},
        {}}},
      {"syslog",
       {{{"host", {}},
         {"facility", {"local0", 0, -1, kSyslogFacilities}},
         {"severities", {"info,warning,critical"}}},
        {}}},
      {"api",
       {{{"listen", {"127.0.0.1:8575"}},
         {"enabled", {"true", 0, -1, kBoolean}},
         {"tls", {"false", 0, -1, kBoolean}},
         {"certificate", {}},
         {"privateKey", {}},
         {"caFile", {}},
         {"requireClientCertificate", {"false", 0, -1, kBoolean}},
         {"tokensFile", {}},
         {"console", {}}},
        {"token"}}},
      {"token", {{{"name", {}}, {"role", {}}, {"sha256", {}}, {"organisation", {}}}, {}}},
      {"record",
       {{{"enabled", {"true", 0, -1, kBoolean}},
         {"optOuts", {}},
         {"requirePurposeOfUse", {"true", 0, -1, kBoolean}}},
        {}}},
      {"component", {{{"name", {}}, {"level", {"information", 0, -1, kLogLevels}}}, {}}},
      {"plugins", {{{"folder", {}}}, {}}},
      {"pipeline",
       {{{"endpoints", {"inproc://pathhub"}}, {"stopGraceSeconds", {"30", 1, 3600}}}, {}}},
      {"journal",
       {{{"backend", {"sqlite", 0, -1, {"sqlite", "postgresql"}}},
         {"url", {}},
         {"passwordFile", {}},
         {"path", {"var/pathhub.db"}},
         {"dedupeWindowSeconds", {"86400", 0, 31536000}},
         {"retentionDays", {"30", 1, 36500}}},
        {}}},
      {"cluster", {{{"node", {}}, {"leaseSeconds", {"8", 2, 3600}}}, {}}},
      {"log",
       {{{"level", {"information", 0, -1, kLogLevels}},
         {"file", {}},
         {"rotateMB", {"50", 1, 100000}},
         {"keep", {"10", 1, 1000}},
         {"format", {"auto", 0, -1, {"auto", "text", "json"}}}},
        {"component"}}},
      {"channel",
       {{{"name", {}}},
        {"source", "mapper", "destination", "route", "backlog", "retry", "practices",
         "acknowledgements", "orders", "safety"}}},
      {"safety", {{{"exceptions", {}}, {"block", {defaultBlockList()}}}, {}}},
      {"orders",
       {{{"catalogue", {}},
         {"requesterLabs", {}},
         {"exceptions", {}},
         {"matchWindowHours", {"72", 1, 24 * 365}},
         {"notify", {}}},
        {"lab"}}},
      {"lab", {{{"name", {}}, {"destination", {}}}, {}}},
      {"acknowledgements", {{{"overdueSeconds", {"86400", 1, 365LL * 86400}}, {"notify", {}}}, {}}},
      {"practices", {{{"directory", {}}, {"exceptions", {}}}, {"via"}}},
      {"via",
       {{{"format", {"", 0, -1, kPracticeFormats}},
         {"transport", {"", 0, -1, kPracticeTransports}},
         {"destination", {}}},
        {}}},
      {"route", {{{"destination", {}}, {"messageType", {}}}, {}}},
      {"source",
       {{{"type", {"mllp"}}, {"maxMessageBytes", {"16777216", 64, 1LL << 30}}, {"codec", {}}},
        {"codecSettings"},
        true}},
      {"codecSettings", {{}, {}, true}},
      {"mapper",
       {{{"workers", {"2", 1, 64}},
         {"script", {}},
         {"scriptsRoot", {"scripts"}},
         {"instructionLimit", {"10000000", 1000, 1'000'000'000'000LL}},
         {"memoryLimitKb", {"32768", 256, 4 * 1024 * 1024}},
         {"timeLimitMs", {"5000", 10, 3'600'000}},
         {"isolation", {"process", 0, -1, {"process", "thread"}}}},
        {}}},
      {"destination",
       {{{"name", {}},
         {"type", {"mllp"}},
         {"codec", {}},
         {"lanes", {"1", 1, 64}},
         {"laneKey", {"patient"}}},
        {"retry", "codecSettings"},
        true}},
      {"backlog",
       {{{"limit", {"100000", 1, 100000000}}, {"whenFull", {"pause", 0, -1, {"pause", "busy"}}}},
        {}}},
      {"retry",
       {{{"baseMs", {"500", 1, 3600000}},
         {"capMs", {"60000", 1, 86400000}},
         {"maxAttempts", {"10", 1, 1000000}},
         {"onExhausted", {"hold", 0, -1, {"hold", "skip"}}}},
        {}}},
  };
  return kSchema;
}

// Where an element is, for messages: "channel 'demo' destination 'lab'".
std::string describe(const Poco::XML::Element* e) {
  std::string out;
  for (const Poco::XML::Node* n = e; n && n->nodeType() == Poco::XML::Node::ELEMENT_NODE;
       n = n->parentNode()) {
    const auto* el = static_cast<const Poco::XML::Element*>(n);
    if (el->nodeName() == "pathhub") break;
    std::string part = el->nodeName();
    if (el->hasAttribute("name")) part += " '" + el->getAttribute("name") + "'";
    out = out.empty() ? part : part + " " + out;
  }
  return out.empty() ? "pathhub" : out;
}

void checkSchema(const Poco::XML::Element* e, std::vector<std::string>& problems) {
  const auto known = schema().find(e->nodeName());
  const Schema& s = known->second;
  Poco::AutoPtr<Poco::XML::NamedNodeMap> attrs = e->attributes();
  for (unsigned long i = 0; i < attrs->length(); ++i) {
    const std::string name = attrs->item(i)->nodeName();
    if (!s.attributes.count(name) && !s.pluginAttributes) {
      problems.push_back(describe(e) + ": unknown attribute '" + name + "'");
    }
  }
  // Elements that may be given once: a second one would be silently ignored by the readers.
  static const std::set<std::string> kOnce = {"journal", "cluster",   "log",    "api",
                                              "record",  "pipeline",  "source", "mapper",
                                              "backlog", "practices", "orders", "acknowledgements",
                                              "safety",  "alerts",    "smtp",   "syslog"};
  std::map<std::string, int> seen;
  for (Poco::XML::Node* c = e->firstChild(); c; c = c->nextSibling()) {
    if (c->nodeType() != Poco::XML::Node::ELEMENT_NODE) continue;
    const bool repeated =
        ++seen[c->nodeName()] == 2 &&
        (kOnce.count(c->nodeName()) || (c->nodeName() == "retry" && e->nodeName() != "pathhub"));
    if (repeated) {
      problems.push_back(describe(e) + ": more than one <" + c->nodeName() +
                         "> (only the first would be read)");
    }
    if (!s.children.count(c->nodeName())) {
      problems.push_back(describe(e) + ": unknown element <" + c->nodeName() + ">");
      continue;
    }
    checkSchema(static_cast<Poco::XML::Element*>(c), problems);
  }
}

// Typed reads of one element's attributes, collecting problems instead of stopping. Defaults,
// ranges and allowed values come from the schema (Key).
class Reader {
 public:
  Reader(const Poco::Util::AbstractConfiguration& cfg, std::string key, std::string where,
         std::vector<std::string>& problems)
      : cfg_(cfg), key_(std::move(key)), where_(std::move(where)), problems_(problems) {}

  bool present() const { return cfg_.has(key_); }
  bool has(const std::string& attr) const { return cfg_.has(key_ + "[@" + attr + "]"); }

  // The attribute as written, or its default.
  std::string text(const std::string& attr) const {
    return cfg_.getString(key_ + "[@" + attr + "]", spec(attr).fallback);
  }

  // A whole number within the key's range; `inherited` in place of the default (a
  // destination's <retry> takes its channel's).
  long long number(const std::string& attr, std::optional<long long> inherited = {}) const {
    const Key& k = spec(attr);
    const long long fallback = inherited ? *inherited : std::stoll(k.fallback);
    if (!has(attr)) return fallback;
    const std::string value = text(attr);
    try {
      std::size_t used = 0;
      const long long n = std::stoll(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
      if (n < k.min || n > k.max) {
        problem(attr, "'" + value + "' is outside " + std::to_string(k.min) + ".." +
                          std::to_string(k.max));
        return fallback;
      }
      return n;
    } catch (const std::exception&) {
      problem(attr, "'" + value + "' is not a whole number");
      return fallback;
    }
  }

  // One of the key's allowed values.
  std::string choice(const std::string& attr) const {
    const Key& k = spec(attr);
    const std::string value = text(attr);
    if (std::find(k.choices.begin(), k.choices.end(), value) == k.choices.end()) {
      std::vector<std::string> sorted = k.choices;
      std::sort(sorted.begin(), sorted.end());
      std::string list;
      for (const auto& a : sorted) list += (list.empty() ? "" : ", ") + a;
      problem(attr, "'" + value + "' is not one of " + list);
      return k.fallback;
    }
    return value;
  }
  bool flag(const std::string& attr) const { return choice(attr) == "true"; }

  void problem(const std::string& attr, const std::string& what) const {
    problems_.push_back(where_ + ": " + attr + ": " + what);
  }
  void missing(const std::string& what) const { problems_.push_back(where_ + ": " + what); }

  Reader child(const std::string& name, const std::string& where) const {
    return Reader(cfg_, key_.empty() ? name : key_ + "." + name, where, problems_);
  }

 private:
  // The schema's key for `attr` of this element ("channel[0].mapper" is a <mapper>).
  const Key& spec(const std::string& attr) const {
    std::string element =
        key_.substr(key_.rfind('.') == std::string::npos ? 0 : key_.rfind('.') + 1);
    element = element.substr(0, element.find('['));
    if (element.empty()) element = "pathhub";
    return schema().at(element).attributes.at(attr);  // a reader asking for a key not in the
                                                      // schema is a bug: at() says so at once
  }

  const Poco::Util::AbstractConfiguration& cfg_;
  std::string key_;
  std::string where_;
  std::vector<std::string>& problems_;
};

// The retry policy the schema's defaults make (what a channel without <retry> gets).
RetryPolicy schemaRetry() {
  const auto& keys = schema().at("retry").attributes;
  RetryPolicy p;
  p.base = std::chrono::milliseconds(std::stoll(keys.at("baseMs").fallback));
  p.cap = std::chrono::milliseconds(std::stoll(keys.at("capMs").fallback));
  p.maxAttempts = static_cast<int>(std::stoll(keys.at("maxAttempts").fallback));
  p.holdOnFailure = keys.at("onExhausted").fallback == "hold";
  return p;
}

RetryPolicy readRetry(const Reader& r, RetryPolicy policy) {
  if (!r.present()) return policy;
  policy.base = std::chrono::milliseconds(r.number("baseMs", policy.base.count()));
  policy.cap = std::chrono::milliseconds(r.number("capMs", policy.cap.count()));
  policy.maxAttempts = static_cast<int>(r.number("maxAttempts", policy.maxAttempts));
  policy.holdOnFailure = r.choice("onExhausted") == "hold";
  if (policy.cap < policy.base) r.problem("capMs", "is smaller than baseMs");
  return policy;
}

LogConfig readLog(const Reader& log) {
  LogConfig out;
  out.level = log.choice("level");
  out.file = log.text("file");
  out.format = log.choice("format");
  out.rotateMegabytes = static_cast<int>(log.number("rotateMB"));
  out.keepFiles = static_cast<int>(log.number("keep"));
  for (int i = 0;; ++i) {
    Reader c = log.child("component[" + std::to_string(i) + "]", "log component");
    if (!c.present()) break;
    const std::string name = c.text("name");
    if (name.empty()) c.missing("needs name=\"...\" (a component such as journal)");
    out.componentLevels[name] = c.choice("level");
  }
  return out;
}

bool isLowerHex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

ApiConfig readApi(const Reader& api) {
  ApiConfig out;
  out.enabled = api.flag("enabled");
  out.listen = api.text("listen");
  if (out.listen.rfind(':') == std::string::npos) {
    api.problem("listen", "'" + out.listen + "' is not HOST:PORT");
  }
  out.tls = api.flag("tls");
  out.certificate = api.text("certificate");
  out.privateKey = api.text("privateKey");
  out.caFile = api.text("caFile");
  out.requireClientCertificate = api.flag("requireClientCertificate");
  out.console = api.text("console");
  // A folder named but not there would leave / answering 404: named here, before the start.
  if (!out.console.empty() && !std::ifstream(std::filesystem::path(out.console) / "index.html")) {
    api.problem("console", "'" + out.console + "' holds no index.html (the web console's files)");
  }
  if (out.tls && (out.certificate.empty() || out.privateKey.empty())) {
    api.missing("tls=\"true\" needs certificate=\"...\" and privateKey=\"...\"");
  }
  if (out.requireClientCertificate && out.caFile.empty()) {
    api.missing("requireClientCertificate=\"true\" needs caFile=\"...\"");
  }
  std::set<std::string> names;
  const std::set<std::string> kRoles = {"viewer", "clinical", "operator", "admin"};
  // One token, from an element or a line of the tokens file; `where` names it in problems.
  auto addToken = [&](ApiToken token, const std::string& where) {
    if (token.name.empty()) api.missing(where + ": needs a name (who holds the token)");
    if (!names.insert(token.name).second) {
      api.missing(where + ": name '" + token.name + "' is used twice");
    }
    if (!kRoles.count(token.role)) {
      api.missing(where + ": role: '" + token.role +
                  "' is not one of admin, clinical, operator, viewer");
    }
    if (token.sha256.size() != 64 || !isLowerHex(token.sha256)) {
      api.missing(where +
                  ": sha256: must be 64 lower-case hex digits (pathhubctl hash-token makes it)");
    }
    out.tokens.push_back(std::move(token));
  };
  for (int i = 0;; ++i) {
    Reader t = api.child("token[" + std::to_string(i) + "]", "api token");
    if (!t.present()) break;
    if (!t.has("role")) {
      t.missing("needs a role (viewer, clinical, operator or admin): none is taken for viewer");
    }
    addToken({t.text("name"), t.text("role"), t.text("sha256"), t.text("organisation")}, "token");
  }
  // A file of "name role sha256 [organisation]" lines (# comments), so tokens can be rotated, and
  // kept with tighter permissions, apart from the rest of the configuration.
  if (const std::string file = api.text("tokensFile"); !file.empty()) {
    std::ifstream in(file);
    // Missing is an error: the hub would run with every API call refused (401) and nobody
    // able to operate it. tools/dev run makes the demo's file before it starts the hub.
    if (!in) {
      api.missing("tokensFile " + file + " cannot be read (" + std::strerror(errno) +
                  "): make it with lines 'name role sha256' (pathhubctl hash-token gives the"
                  " sha256), or leave tokensFile out");
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::istringstream fields(line);
      ApiToken token;
      std::string extra;
      if (!(fields >> token.name) || token.name[0] == '#') continue;
      fields >> token.role >> token.sha256 >> token.organisation;
      const std::string where = "tokensFile " + file + " line " + std::to_string(number);
      if (fields >> extra) api.missing(where + ": expected 'name role sha256 [organisation]'");
      addToken(std::move(token), where);
    }
  }
  return out;
}

// A secret kept in a file of its own (a password, a shared key): its first line, trailing
// spaces and a CR removed. An unreadable or empty file is a problem of `attr`.
std::string readSecret(const Reader& r, const std::string& attr, const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    r.missing(attr + " " + file + " cannot be read (" + std::strerror(errno) + ")");
    return {};
  }
  std::string secret;
  std::getline(in, secret);
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) r.missing(attr + " " + file + " is empty");
  return secret;
}

// <journal backend="postgresql" url passwordFile>: where the database is and its password.
void readDatabase(const Reader& journal, JournalConfig& out) {
  out.backend = journal.choice("backend");
  out.url = journal.text("url");
  out.passwordFile = journal.text("passwordFile");
  if (out.backend == "sqlite") {
    if (!out.url.empty()) journal.problem("url", "is for backend=\"postgresql\"");
    return;
  }
  if (out.url.empty()) {
    journal.missing("backend=\"postgresql\" needs url=\"postgresql://USER@HOST:PORT/DATABASE\"");
  } else if (out.url.rfind("postgresql://", 0) != 0 && out.url.rfind("postgres://", 0) != 0) {
    journal.problem("url", "'" + out.url + "' is not a postgresql:// URL");
  }
  if (out.passwordFile.empty()) return;  // a server that needs none (peer, cert, trust)
  out.password = readSecret(journal, "passwordFile", out.passwordFile);
}

// <record>: the network's pathology record (core/record) and its governance.
RecordConfig readRecord(const Reader& record) {
  RecordConfig out;
  out.enabled = record.flag("enabled");
  out.requirePurposeOfUse = record.flag("requirePurposeOfUse");
  out.optOuts = record.text("optOuts");
  if (!out.optOuts.empty() && !std::ifstream(out.optOuts)) {
    record.problem("optOuts", "'" + out.optOuts + "' cannot be read (" + std::strerror(errno) +
                                  "): the opt-out list must be there, or results of patients who"
                                  " opted out would be shown");
  }
  return out;
}

// A comma-separated list, each item trimmed; empty items dropped.
std::vector<std::string> commaList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto first = item.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    out.push_back(item.substr(first, item.find_last_not_of(' ') - first + 1));
  }
  return out;
}

// Every item of `attr`'s list is one of `allowed`.
std::vector<std::string> listOf(const Reader& r, const std::string& attr,
                                const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  for (const auto& item : commaList(r.text(attr))) {
    if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      r.problem(attr, "'" + item + "' is not one of " + list);
    } else {
      out.push_back(item);
    }
  }
  if (out.empty()) r.problem(attr, "names none");
  return out;
}

// "HH:MM" as minutes after midnight; -1 when it is not a time of day.
int minuteOfDay(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  const int hours = std::stoi(text.substr(0, 2)), minutes = std::stoi(text.substr(3, 2));
  if (hours > 24 || minutes > 59 || (hours == 24 && minutes > 0)) return -1;
  return hours * 60 + minutes;
}

// The bank holiday table: a date (YYYY-MM-DD) per line, optionally followed by a comma and its
// name; # comments, blank lines and a "date,..." header are skipped.
std::vector<std::string> readBankHolidays(const Reader& alerts, const std::string& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  if (!in) {
    alerts.problem("bankHolidays", "'" + file + "' cannot be read (" + std::strerror(errno) + ")");
    return out;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string date = line.substr(0, line.find(','));
    if (date.empty() || date[0] == '#' || (number == 1 && date == "date")) continue;
    const bool shaped = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                        std::all_of(date.begin(), date.end(),
                                    [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    const int month = shaped ? std::stoi(date.substr(5, 2)) : 0;
    const int day = shaped ? std::stoi(date.substr(8, 2)) : 0;
    if (!shaped || month < 1 || month > 12 || day < 1 || day > 31) {
      alerts.problem("bankHolidays", file + " line " + std::to_string(number) + ": '" + date +
                                         "' is not a date (YYYY-MM-DD)");
      continue;
    }
    out.push_back(date);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Which conditions look at one destination, and which at nothing in a channel.
bool perDestination(const std::string& condition) {
  return condition == "destination_failing" || condition == "backlog" ||
         condition == "oldest_undelivered";
}
bool hubWide(const std::string& condition) {
  return condition == "journal_disk_space" || condition == "node_missing";
}

AlertRule readRule(const Reader& r, const std::vector<ChannelConfig>& channels) {
  AlertRule rule;
  rule.name = r.text("name");
  if (rule.name.empty()) r.missing("needs a name");
  if (!r.has("condition")) {
    r.missing("needs a condition");
  } else {
    rule.condition = r.choice("condition");
  }
  rule.severity = r.choice("severity");
  rule.channel = r.text("channel");
  rule.destination = r.text("destination");
  rule.threshold = r.number("threshold");
  rule.forDuration = std::chrono::seconds(r.number("forSeconds"));
  rule.quiet = std::chrono::seconds(r.number("quietSeconds"));
  rule.window = std::chrono::seconds(r.number("windowSeconds"));
  if (hubWide(rule.condition) && (!rule.channel.empty() || !rule.destination.empty())) {
    r.missing("condition " + rule.condition + " is about the hub: it takes no channel or" +
              " destination");
  }
  if (!rule.destination.empty() && !perDestination(rule.condition) && !hubWide(rule.condition)) {
    r.problem("destination", "condition " + rule.condition + " is about a channel as a whole");
  }
  if (rule.condition == "journal_disk_space" && (rule.threshold < 1 || rule.threshold > 99)) {
    r.problem("threshold", "journal_disk_space needs the percent free to stay above (1..99)");
  }
  if (!rule.channel.empty()) {
    const auto channel = std::find_if(channels.begin(), channels.end(),
                                      [&](const auto& c) { return c.name == rule.channel; });
    if (channel == channels.end()) {
      r.problem("channel", "'" + rule.channel + "' is not a channel");
    } else if (!rule.destination.empty() &&
               std::none_of(channel->destinations.begin(), channel->destinations.end(),
                            [&](const auto& d) { return d.name == rule.destination; })) {
      r.problem("destination", "'" + rule.destination + "' is not a destination of channel '" +
                                   rule.channel + "'");
    }
  } else if (!rule.destination.empty() &&
             std::none_of(channels.begin(), channels.end(), [&](const auto& c) {
               return std::any_of(c.destinations.begin(), c.destinations.end(),
                                  [&](const auto& d) { return d.name == rule.destination; });
             })) {
    r.problem("destination", "'" + rule.destination + "' is not a destination of any channel");
  }
  return rule;
}

AlertsConfig readAlerts(const Reader& alerts, const std::vector<ChannelConfig>& channels,
                        std::vector<std::string>& warnings) {
  AlertsConfig out;
  if (!alerts.present()) return out;
  out.enabled = true;
  out.every = std::chrono::seconds(alerts.number("checkSeconds"));
  out.consoleUrl = alerts.text("consoleUrl");
  out.retryBase = std::chrono::seconds(alerts.number("retrySeconds"));
  out.retryAttempts = static_cast<int>(alerts.number("retryAttempts"));
  out.bankHolidays = alerts.text("bankHolidays");
  if (!out.bankHolidays.empty()) out.bankHolidayDates = readBankHolidays(alerts, out.bankHolidays);
  static const std::vector<std::string> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  out.workingDays.clear();
  for (const auto& day : listOf(alerts, "workingDays", kDays)) {
    out.workingDays.push_back(
        static_cast<int>(std::find(kDays.begin(), kDays.end(), day) - kDays.begin()));
  }
  const std::string hours = alerts.text("workingHours");
  const auto dash = hours.find('-');
  out.workStartMinute = dash == std::string::npos ? -1 : minuteOfDay(hours.substr(0, dash));
  out.workEndMinute = dash == std::string::npos ? -1 : minuteOfDay(hours.substr(dash + 1));
  if (out.workStartMinute < 0 || out.workEndMinute <= out.workStartMinute) {
    alerts.problem("workingHours", "'" + hours + "' is not HH:MM-HH:MM, the start first");
  }

  Reader smtp = alerts.child("smtp", "alerts smtp");
  if (smtp.present()) {
    SmtpConfig& m = out.smtp;
    m.host = smtp.text("host");
    if (m.host.empty()) smtp.missing("needs host=\"...\"");
    m.port = static_cast<int>(smtp.number("port"));
    m.tls = smtp.choice("tls");
    m.user = smtp.text("user");
    m.passwordFile = smtp.text("passwordFile");
    m.auth = smtp.choice("auth");
    if (!m.passwordFile.empty()) m.password = readSecret(smtp, "passwordFile", m.passwordFile);
    if (!m.user.empty() && m.passwordFile.empty()) smtp.missing("user needs a passwordFile");
    if (!m.user.empty() && m.tls == "none") {
      smtp.missing("will not send a password without TLS: tls=\"starttls\" (the default)");
    }
    m.from = smtp.text("from");
    m.caFile = smtp.text("caFile");
    m.timeout = std::chrono::seconds(smtp.number("timeoutSeconds"));
  }
  std::set<std::string> webhookNames;
  for (int i = 0;; ++i) {
    Reader w = alerts.child("webhook[" + std::to_string(i) + "]",
                            "alerts webhook " + std::to_string(i + 1));
    if (!w.present()) break;
    WebhookConfig hook{w.text("name"),  w.text("url"), w.choice("format"), w.text("secretFile"), "",
                       w.text("caFile")};
    if (hook.name.empty()) w.missing("needs a name");
    if (!webhookNames.insert(hook.name).second) w.missing("the name is used twice");
    if (hook.url.rfind("http://", 0) != 0 && hook.url.rfind("https://", 0) != 0) {
      w.problem("url", "'" + hook.url + "' is not an http:// or https:// URL");
    }
    if (!hook.secretFile.empty()) hook.secret = readSecret(w, "secretFile", hook.secretFile);
    out.webhooks.push_back(std::move(hook));
  }
  Reader syslog = alerts.child("syslog", "alerts syslog");
  if (syslog.present()) {
    out.syslog.enabled = true;
    out.syslog.host = syslog.text("host");
    out.syslog.facility = syslog.choice("facility");
    out.syslog.severities = listOf(syslog, "severities", kAlertSeverities);
  }
  std::set<std::string> rotaNames;
  for (int i = 0;; ++i) {
    Reader r =
        alerts.child("rota[" + std::to_string(i) + "]", "alerts rota " + std::to_string(i + 1));
    if (!r.present()) break;
    AlertRota rota;
    rota.name = r.text("name");
    if (rota.name.empty()) r.missing("needs a name");
    if (!rotaNames.insert(rota.name).second) r.missing("the name is used twice");
    rota.severities = listOf(r, "severities", kAlertSeverities);
    rota.periods = listOf(r, "periods", kAlertPeriods);
    for (int j = 0;; ++j) {
      Reader who = r.child("recipient[" + std::to_string(j) + "]",
                           "alerts rota '" + rota.name + "' recipient " + std::to_string(j + 1));
      if (!who.present()) break;
      const std::string email = who.text("email"), webhook = who.text("webhook");
      if (email.empty() == webhook.empty()) {
        who.missing("needs one of email=\"...\" or webhook=\"NAME\"");
      } else if (!email.empty()) {
        if (email.find('@') == std::string::npos) who.problem("email", "'" + email + "' has no @");
        if (out.smtp.host.empty()) who.missing("an email recipient needs <smtp host=\"...\">");
        rota.emails.push_back(email);
      } else {
        if (!webhookNames.count(webhook)) {
          who.problem("webhook", "'" + webhook + "' is not a <webhook> of <alerts>");
        }
        rota.webhooks.push_back(webhook);
      }
    }
    if (rota.emails.empty() && rota.webhooks.empty()) r.missing("needs a <recipient>");
    out.rotas.push_back(std::move(rota));
  }
  std::set<std::string> ruleNames;
  for (int i = 0;; ++i) {
    Reader r = alerts.child("rule[" + std::to_string(i) + "]", "");
    if (!r.present()) break;
    const std::string name = r.text("name");
    Reader rule = alerts.child("rule[" + std::to_string(i) + "]",
                               "alerts rule" + (name.empty() ? "" : " '" + name + "'"));
    if (!ruleNames.insert(name).second) rule.missing("the name is used twice");
    out.rules.push_back(readRule(rule, channels));
  }
  // An alert nobody is told of: said at start-up, not refused (syslog may be all that is wanted).
  std::set<std::string> severities;
  for (const auto& rule : out.rules) severities.insert(rule.severity);
  for (const auto& severity : severities) {
    for (const auto& period : kAlertPeriods) {
      const bool covered = std::any_of(out.rotas.begin(), out.rotas.end(), [&](const auto& r) {
        return std::count(r.severities.begin(), r.severities.end(), severity) &&
               std::count(r.periods.begin(), r.periods.end(), period);
      });
      if (!covered) {
        warnings.push_back("alerts: no rota is told of " + severity + " alerts in " + period);
      }
    }
  }
  return out;
}

ClusterConfig readCluster(const Reader& cluster, const JournalConfig& journal) {
  ClusterConfig out;
  if (!cluster.present()) return out;
  out.node = cluster.text("node");
  out.lease = std::chrono::seconds(cluster.number("leaseSeconds"));
  if (out.node.empty()) cluster.missing("needs node=\"NAME\", this node's name in the cluster");
  if (journal.backend != "postgresql") {
    cluster.missing(
        "needs <journal backend=\"postgresql\" url=\"...\">: the nodes share"
        " one journal");
  }
  return out;
}

// The attributes of `e` the core does not own: the plugin's settings.
PluginSettings pluginSettings(const Poco::XML::Element* e) {
  PluginSettings out;
  if (!e) return out;
  const Schema& s = schema().at(e->nodeName());
  Poco::AutoPtr<Poco::XML::NamedNodeMap> attrs = e->attributes();
  for (unsigned long i = 0; i < attrs->length(); ++i) {
    const std::string name = attrs->item(i)->nodeName();
    if (!s.attributes.count(name)) out[name] = attrs->item(i)->nodeValue();
  }
  return out;
}

// The n-th (0-based) child element of `parent` called `name`.
const Poco::XML::Element* nthChild(const Poco::XML::Element* parent, const std::string& name,
                                   int n) {
  for (Poco::XML::Node* c = parent ? parent->firstChild() : nullptr; c; c = c->nextSibling()) {
    if (c->nodeType() == Poco::XML::Node::ELEMENT_NODE && c->nodeName() == name && n-- == 0) {
      return static_cast<const Poco::XML::Element*>(c);
    }
  }
  return nullptr;
}

// The settings in `owner`'s <codecSettings> child, for the codec's schema to check; one is
// allowed, and only beside a codec.
PluginSettings codecSettings(const Reader& owner, const Poco::XML::Element* element,
                             const std::string& codec) {
  const Poco::XML::Element* settings = nthChild(element, "codecSettings", 0);
  if (!settings) return {};
  if (codec.empty()) owner.missing("has <codecSettings> but no codec");
  if (nthChild(element, "codecSettings", 1)) owner.missing("has more than one <codecSettings>");
  return pluginSettings(settings);
}

// <safety exceptions block>: after the routings, whose exceptions destination is the default.
void readSafety(const Reader& safety, ChannelConfig& c, const std::set<std::string>& names) {
  SafetyConfig& out = c.safety;
  out.exceptions = safety.has("exceptions")         ? safety.text("exceptions")
                   : c.practices.exceptions.empty() ? c.orders.exceptions
                                                    : c.practices.exceptions;
  if (!out.exceptions.empty() && !names.count(out.exceptions)) {
    safety.problem("exceptions", "'" + out.exceptions + "' is not a destination of this channel");
  }
  const std::vector<std::string>& known = model::warningNames();
  std::stringstream list(safety.text("block"));
  for (std::string name; std::getline(list, name, ',');) {
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) continue;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      safety.problem("block", "'" + name + "' is not a warning name (core/model/warnings.h)");
    }
    out.block.push_back(name);
  }
}

ChannelConfig readChannel(const Reader& ch, const std::string& where,
                          const Poco::XML::Element* element) {
  ChannelConfig c;
  c.name = ch.text("name");
  Reader source = ch.child("source", where + " source");
  if (!source.present()) {
    ch.missing("needs a <source>");
  } else {
    c.source.type = source.text("type");
    c.source.codec = source.text("codec");
    c.source.settings = pluginSettings(nthChild(element, "source", 0));
    c.source.codecSettings = codecSettings(source, nthChild(element, "source", 0), c.source.codec);
    c.source.maxMessageBytes = static_cast<std::size_t>(source.number("maxMessageBytes"));
  }
  Reader mapper = ch.child("mapper", where + " mapper");
  c.mapperWorkers = static_cast<int>(mapper.number("workers"));
  c.script = mapper.text("script");
  c.scriptsRoot = mapper.text("scriptsRoot");
  c.scriptInstructionLimit = mapper.number("instructionLimit");
  c.scriptMemoryLimitBytes = static_cast<std::size_t>(mapper.number("memoryLimitKb") * 1024);
  c.scriptTimeLimit = std::chrono::milliseconds(mapper.number("timeLimitMs"));
  c.mapperProcesses = mapper.choice("isolation") == "process";
  Reader backlog = ch.child("backlog", where + " backlog");
  c.backlogLimit = static_cast<std::size_t>(backlog.number("limit"));
  c.busyAckWhenFull = backlog.choice("whenFull") == "busy";
  const RetryPolicy channelRetry = readRetry(ch.child("retry", where + " retry"), schemaRetry());

  std::set<std::string> names;
  for (int i = 0;; ++i) {
    const std::string key = "destination[" + std::to_string(i) + "]";
    Reader probe = ch.child(key, "");
    if (!probe.present()) break;
    DestinationConfig d;
    d.name = probe.text("name");
    const std::string at = where + " destination" + (d.name.empty() ? "" : " '" + d.name + "'");
    Reader dr = ch.child(key, at);
    if (d.name.empty()) dr.missing("needs a name");
    if (!names.insert(d.name).second) dr.missing("the name is used twice in this channel");
    d.type = dr.text("type");
    d.codec = dr.text("codec");
    d.settings = pluginSettings(nthChild(element, "destination", i));
    d.codecSettings = codecSettings(dr, nthChild(element, "destination", i), d.codec);
    d.retry = readRetry(dr.child("retry", at + " retry"), channelRetry);
    d.lanes = static_cast<int>(dr.number("lanes"));
    d.laneKey = dr.text("laneKey");
    if (d.laneKey != "patient") {
      if (auto path = hl7::Path::parse(d.laneKey); !path) {
        dr.problem("laneKey", "'" + d.laneKey + "' is neither \"patient\" nor an HL7 v2 path (" +
                                  path.error().text + ")");
      }
    }
    c.destinations.push_back(d);
  }
  if (c.destinations.empty()) ch.missing("needs at least one <destination>");
  Reader answers = ch.child("acknowledgements", where + " acknowledgements");
  c.acknowledgements.overdueAfter = std::chrono::seconds(answers.number("overdueSeconds"));
  c.acknowledgements.notify = answers.text("notify");
  if (!c.acknowledgements.notify.empty() && !names.count(c.acknowledgements.notify)) {
    answers.problem("notify",
                    "'" + c.acknowledgements.notify + "' is not a destination of this channel");
  }
  Reader orders = ch.child("orders", where + " orders");
  if (orders.present()) {
    OrderConfig& o = c.orders;
    o.enabled = true;
    o.catalogue = orders.text("catalogue");
    o.requesterLabs = orders.text("requesterLabs");
    if (!o.requesterLabs.empty() && o.catalogue.empty()) {
      orders.missing("has requesterLabs but no catalogue");
    }
    o.exceptions = orders.text("exceptions");
    o.matchWindow = std::chrono::hours(orders.number("matchWindowHours"));
    o.notify = orders.text("notify");
    for (const auto& [attr, value] :
         {std::pair{"exceptions", o.exceptions}, {"notify", o.notify}}) {
      if (!value.empty() && !names.count(value)) {
        orders.problem(attr, "'" + value + "' is not a destination of this channel");
      }
    }
    if (!o.catalogue.empty() && o.exceptions.empty()) {
      orders.missing("routes by a catalogue, so it needs an exceptions destination");
    }
    for (int i = 0;; ++i) {
      Reader lab = orders.child("lab[" + std::to_string(i) + "]",
                                where + " orders lab " + std::to_string(i + 1));
      if (!lab.present()) break;
      OrderLab l{lab.text("name"), lab.text("destination")};
      if (l.name.empty()) lab.missing("needs a name");
      if (!names.count(l.destination)) {
        lab.problem("destination", "'" + l.destination + "' is not a destination of this channel");
      }
      o.labs.push_back(std::move(l));
    }
  }
  Reader practices = ch.child("practices", where + " practices");
  if (practices.present()) {
    PracticeRoutingConfig& p = c.practices;
    p.enabled = true;
    p.directory = practices.text("directory");
    p.exceptions = practices.text("exceptions");
    if (p.directory.empty()) practices.missing("needs a directory");
    if (!names.count(p.exceptions)) {
      practices.problem("exceptions",
                        "'" + p.exceptions + "' is not a destination of this channel");
    }
    for (int i = 0;; ++i) {
      Reader via = practices.child("via[" + std::to_string(i) + "]",
                                   where + " practices via " + std::to_string(i + 1));
      if (!via.present()) break;
      PracticeVia v{via.choice("format"), via.choice("transport"), via.text("destination")};
      if (!names.count(v.destination)) {
        via.problem("destination", "'" + v.destination + "' is not a destination of this channel");
      }
      p.vias.push_back(std::move(v));
    }
  }
  for (int i = 0;; ++i) {
    const std::string key = "route[" + std::to_string(i) + "]";
    Reader route = ch.child(key, where + " route " + std::to_string(i + 1));
    if (!route.present()) break;
    RouteConfig r{route.text("destination"), route.text("messageType")};
    if (!names.count(r.destination)) {
      route.problem("destination", "'" + r.destination + "' is not a destination of this channel");
    }
    c.routes.push_back(std::move(r));
  }
  readSafety(ch.child("safety", where + " safety"), c, names);
  return c;
}

}  // namespace

std::vector<SchemaKey> schemaKeys() {
  std::vector<SchemaKey> out;
  for (const auto& [element, rule] : schema()) {
    for (const auto& [a, key] : rule.attributes) out.push_back({element, "@" + a, key.fallback});
    for (const auto& c : rule.children) out.push_back({element, c, ""});
  }
  return out;
}

Result<HubConfig> parseHubConfig(const std::string& xml, const std::string& sourceName) {
  ErrorContext ctx;
  ctx.file = sourceName;
  Poco::AutoPtr<Poco::XML::Document> doc;
  try {
    Poco::XML::DOMParser parser;
    doc = parser.parseString(xml);
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kInvalidValue, "not well-formed XML: " + e.displayText(), ctx);
  }
  const Poco::XML::Element* root = doc->documentElement();
  if (!root || root->nodeName() != "pathhub") {
    return fail(ErrorCode::kInvalidValue, "the root element must be <pathhub>", ctx);
  }
  std::vector<std::string> problems;
  checkSchema(root, problems);

  Poco::AutoPtr<Poco::Util::XMLConfiguration> cfg(new Poco::Util::XMLConfiguration(doc));
  const Reader top(*cfg, "", "pathhub", problems);
  HubConfig hub;
  Reader journal = top.child("journal", "journal");
  hub.journal.path = journal.text("path");
  hub.journal.dedupeWindow = std::chrono::seconds(journal.number("dedupeWindowSeconds"));
  hub.journal.retentionDays = static_cast<int>(journal.number("retentionDays"));
  readDatabase(journal, hub.journal);
  hub.cluster = readCluster(top.child("cluster", "cluster"), hub.journal);
  hub.log = readLog(top.child("log", "log"));
  hub.api = readApi(top.child("api", "api"));
  hub.record = readRecord(top.child("record", "record"));
  if (hub.record.enabled && hub.record.optOuts.empty()) {
    hub.warnings.push_back(
        "record: no opt-out list (<record optOuts=\"FILE\">): no patient's results are withheld"
        " from other organisations");
  }

  Reader pipeline = top.child("pipeline", "pipeline");
  const std::string endpoints = pipeline.text("endpoints");
  if (endpoints.rfind("inproc://", 0) != 0 && endpoints.rfind("ipc://", 0) != 0) {
    pipeline.problem("endpoints", "'" + endpoints + "' is not an inproc:// or ipc:// address");
  }
  hub.stopGrace = std::chrono::seconds(pipeline.number("stopGraceSeconds"));

  for (int i = 0;; ++i) {
    Reader plugins = top.child("plugins[" + std::to_string(i) + "]", "plugins");
    if (!plugins.present()) break;
    const std::string folder = plugins.text("folder");
    if (folder.empty()) plugins.missing("needs folder=\"...\"");
    hub.pluginFolders.push_back(folder);
  }

  std::set<std::string> channelNames;
  for (int i = 0;; ++i) {
    const std::string key = "channel[" + std::to_string(i) + "]";
    Reader probe = top.child(key, "");
    if (!probe.present()) break;
    const std::string name = probe.text("name");
    const std::string where = "channel" + (name.empty() ? "" : " '" + name + "'");
    Reader ch = top.child(key, where);
    if (name.empty()) ch.missing("needs a name");
    if (!channelNames.insert(name).second) ch.missing("the name is used by another channel");
    ChannelConfig c = readChannel(ch, where, nthChild(root, "channel", i));
    c.stageEndpoints = endpoints;
    hub.channels.push_back(std::move(c));
  }
  if (hub.channels.empty()) problems.push_back("pathhub: needs at least one <channel>");
  hub.alerts = readAlerts(top.child("alerts", "alerts"), hub.channels, hub.warnings);
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
    return fail(ErrorCode::kInvalidValue, text, ctx);
  }
  return hub;
}

Result<HubConfig> loadHubConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ErrorContext ctx;
    ctx.file = path;
    return fail(ErrorCode::kIoError, "cannot read the configuration file", ctx);
  }
  return parseHubConfig(std::string(std::istreambuf_iterator<char>(in), {}), path);
}

}  // namespace pathhub::config

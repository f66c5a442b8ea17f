// pathhubctl record (see record_command.h). The FHIR answers are read with the FHIR parser
// that keeps numbers as sent: a result of 5.20 is printed 5.20, never 5.2.
#include "record_command.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "fhir/json_access.h"
#include "fhir/json_parse.h"
#include "table.h"

namespace pathhub::ctl {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
namespace json = fhir::json;

constexpr const char* kNhsSystem = "https://fhir.nhs.uk/Id/nhs-number";

// The answer's body as JSON, or the reason it failed (printed), with the exit status.
Object::Ptr get(ApiClient& api, const std::string& method, const std::string& target, int& status,
                std::string* raw = nullptr) {
  auto response = api.call(method, target);
  if (!response) {
    std::cerr << "pathhubctl: " << response.error().text << "\n";
    status = 2;
    return nullptr;
  }
  auto parsed = fhir::parseJson(response->body);
  Object::Ptr body =
      parsed && parsed->type() == typeid(Object::Ptr) ? parsed->extract<Object::Ptr>() : nullptr;
  if (response->status >= 300) {
    std::string why = response->body;
    if (Object::Ptr issue = json::first(body, "issue")) why = json::text(issue, "diagnostics");
    if (Object::Ptr error = json::obj(body, "error")) why = json::text(error, "message");
    std::cerr << "pathhubctl: " << response->status << " " << why << "\n";
    status = 1;
    return nullptr;
  }
  if (!body) {
    std::cerr << "pathhubctl: the answer is not JSON\n";
    status = 1;
    return nullptr;
  }
  if (raw) *raw = response->body;
  return body;
}

std::string codeText(const Object::Ptr& concept_) {
  if (Object::Ptr coding = json::first(concept_, "coding")) {
    const std::string display = json::text(coding, "display");
    return display.empty() ? json::text(coding, "code") : display;
  }
  return json::text(concept_, "text");
}

// A result in a line: "Potassium 5.9 mmol/L H".
std::string resultText(const Object::Ptr& o) {
  std::string out = codeText(json::obj(o, "code"));
  if (Object::Ptr q = json::obj(o, "valueQuantity")) {
    out += " " + json::text(q, "comparator") + json::text(q, "value");
    if (const std::string unit = json::text(q, "unit"); !unit.empty()) out += " " + unit;
  } else if (o->has("valueString")) {
    out += " " + json::text(o, "valueString");
  } else if (Object::Ptr c = json::obj(o, "valueCodeableConcept")) {
    out += " " + codeText(c);
  }
  if (Object::Ptr flag = json::first(o, "interpretation")) {
    if (Object::Ptr coding = json::first(flag, "coding")) out += " " + json::text(coding, "code");
  }
  return out;
}

void printStatus(const Object::Ptr& s) {
  std::cout << "reports " << json::text(s, "reports") << ", results "
            << json::text(s, "observations") << ", patients " << json::text(s, "patients")
            << ", versions " << json::text(s, "versions") << "\n"
            << "still to record: " << json::text(s, "pendingMessages") << " message(s)\n"
            << "left out: " << json::text(s, "withoutNhsNumber")
            << " result report(s) without a valid NHS number, " << json::text(s, "messagesSkipped")
            << " message(s) holding no report, " << json::text(s, "olderVersionsLate")
            << " late copies of earlier versions (history only)\n"
            << "opt-out list: " << json::text(s, "optOuts") << " NHS number(s); purpose of use "
            << (json::text(s, "requirePurposeOfUse") == "true" ? "required" : "not required")
            << "\n";
}

int rebuild(ApiClient& api, const Options& options) {
  int status = 0;
  Object::Ptr s = get(api, "POST", "/api/v1/record/rebuild", status);
  if (!s) return status;
  const long long total = std::stoll(json::text(s, "pendingMessages"));
  long long left = total;
  while (left > 0) {
    std::cerr << "\rrecorded " << (total - left) << " of " << total << " message(s)" << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    s = get(api, "GET", "/api/v1/record", status);
    if (!s) return status;
    left = std::stoll(json::text(s, "pendingMessages"));
  }
  if (total > 0) std::cerr << "\rrecorded " << total << " of " << total << " message(s)\n";
  if (options.json) {
    std::string raw;
    if (get(api, "GET", "/api/v1/record", status, &raw)) std::cout << raw << "\n";
    return status;
  }
  printStatus(s);
  return status;
}

int patient(ApiClient& api, const Options& options, const std::string& nhsNumber,
            const std::map<std::string, std::string>& named) {
  auto purpose = named.find("purpose");
  if (purpose == named.end()) {
    std::cerr << "pathhubctl: record needs --purpose CODE (why you look: an HL7 v3 PurposeOfUse"
                 " code such as TREAT)\n";
    return 2;
  }
  std::string user = named.count("user") ? named.at("user") : "";
  if (user.empty() && std::getenv("USER")) user = std::getenv("USER");
  api.setHeader("X-Purpose-Of-Use", purpose->second);
  api.setHeader("X-User-Id", user);
  Poco::URI uri("/fhir/R4/DiagnosticReport");
  uri.addQueryParameter("patient.identifier", std::string(kNhsSystem) + "|" + nhsNumber);
  uri.addQueryParameter("_include", "DiagnosticReport:result");
  uri.addQueryParameter("_sort", "-date");
  uri.addQueryParameter("_count", "100");
  if (named.count("code")) uri.addQueryParameter("code", named.at("code"));
  if (named.count("from")) uri.addQueryParameter("date", "ge" + named.at("from"));
  if (named.count("to")) uri.addQueryParameter("date", "lt" + named.at("to"));
  Table table({"date", "lab", "test", "status", "version", "results"});
  std::string target = uri.toString();
  int status = 0;
  while (!target.empty()) {
    std::string raw;
    Object::Ptr page = get(api, "GET", target, status, &raw);
    if (!page) return status;
    if (options.json) std::cout << raw << "\n";
    std::map<std::string, Object::Ptr> results;
    std::vector<Object::Ptr> reports;
    Array::Ptr entries = json::arr(page, "entry");
    for (std::size_t i = 0; entries && i < entries->size(); ++i) {
      Object::Ptr r = entries->getObject(i)->getObject("resource");
      const std::string type = json::text(r, "resourceType");
      if (type == "DiagnosticReport") reports.push_back(r);
      if (type == "Observation") results["Observation/" + json::text(r, "id")] = r;
    }
    for (const auto& r : reports) {
      std::string when = json::text(r, "effectiveDateTime");
      if (when.empty()) when = json::text(r, "issued");
      Object::Ptr performer = json::first(r, "performer");
      std::string lab = json::text(json::obj(performer, "identifier"), "value");
      if (lab.empty()) lab = json::text(performer, "display");
      std::string lines;
      Array::Ptr refs = json::arr(r, "result");
      for (std::size_t i = 0; refs && i < refs->size(); ++i) {
        auto it = results.find(json::text(refs->getObject(i), "reference"));
        if (it != results.end()) lines += (lines.empty() ? "" : "; ") + resultText(it->second);
      }
      table.add({when, lab, codeText(json::obj(r, "code")), json::text(r, "status"),
                 json::text(json::obj(r, "meta"), "versionId"), lines});
    }
    target.clear();
    Array::Ptr links = json::arr(page, "link");
    for (std::size_t i = 0; links && i < links->size(); ++i) {
      Object::Ptr l = links->getObject(i);
      if (json::text(l, "relation") == "next") {
        Poco::URI next(json::text(l, "url"));
        target = next.getPathAndQuery();
      }
    }
  }
  if (!options.json) table.print(std::cout);
  return status;
}

}  // namespace

int recordCommand(ApiClient& api, const Options& options, const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::map<std::string, std::string> named;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) {
      positional.push_back(args[i]);
      continue;
    }
    const std::string name = args[i].substr(2);
    if (name != "purpose" && name != "user" && name != "code" && name != "from" && name != "to") {
      std::cerr << "pathhubctl: unknown option " << args[i] << "\n";
      return 2;
    }
    if (i + 1 >= args.size()) {
      std::cerr << "pathhubctl: " << args[i] << " needs a value\n";
      return 2;
    }
    named[name] = args[++i];
  }
  if (positional.size() != 1) {
    std::cerr << "pathhubctl: record needs an NHS number, status or rebuild\n";
    return 2;
  }
  if (positional[0] == "rebuild" || positional[0] == "status") {
    if (!named.empty()) {
      std::cerr << "pathhubctl: record " << positional[0] << " takes no options\n";
      return 2;
    }
    if (positional[0] == "rebuild") return rebuild(api, options);
    int status = 0;
    std::string raw;
    Object::Ptr s = get(api, "GET", "/api/v1/record", status, &raw);
    if (!s) return status;
    if (options.json) {
      std::cout << raw << "\n";
    } else {
      printStatus(s);
    }
    return status;
  }
  std::string nhsNumber;
  for (char c : positional[0]) {
    if (c != ' ' && c != '-') nhsNumber += c;
  }
  return patient(api, options, nhsNumber, named);
}

}  // namespace pathhub::ctl

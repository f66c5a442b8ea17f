// Offline checks of an outgoing pathology message Bundle (see bundle_check.h).
#include "fhir/bundle_check.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <set>

#include "fhir/fhir_systems.h"
#include "fhir/json_access.h"
#include "fhir/json_parse.h"
#include "hl7/types.h"

namespace pathhub::fhir {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
namespace json = fhir::json;

const std::set<std::string> kReportStatuses = {
    "registered", "partial",   "preliminary",      "final",  "amended", "corrected",
    "appended",   "cancelled", "entered-in-error", "unknown"};
const std::set<std::string> kObservationStatuses = {"registered",       "preliminary", "final",
                                                    "amended",          "corrected",   "cancelled",
                                                    "entered-in-error", "unknown"};

// Every object holding a "reference" string, at any depth.
void eachReference(const Poco::Dynamic::Var& v, const std::function<void(const std::string&)>& f) {
  if (v.type() == typeid(Object::Ptr)) {
    Object::Ptr o = v.extract<Object::Ptr>();
    if (!o) return;
    if (o->has("reference") && o->get("reference").isString()) {
      f(o->getValue<std::string>("reference"));
    }
    for (const auto& [key, value] : *o) eachReference(value, f);
  } else if (v.type() == typeid(Array::Ptr)) {
    Array::Ptr a = v.extract<Array::Ptr>();
    for (std::size_t i = 0; a && i < a->size(); ++i) eachReference(a->get(i), f);
  }
}

// A CodeableConcept that says something: a coding with a code, or text.
bool saysSomething(const Object::Ptr& concept_) {
  if (!concept_) return false;
  if (!json::text(concept_, "text").empty()) return true;
  if (Array::Ptr codings = json::arr(concept_, "coding")) {
    for (std::size_t i = 0; i < codings->size(); ++i) {
      if (!json::text(codings->getObject(i), "code").empty()) return true;
    }
  }
  return false;
}

class Checker {
 public:
  std::vector<std::string> run(std::string_view text) {
    auto root = parseJson(text);
    if (!root || root->type() != typeid(Object::Ptr)) {
      problem("the Bundle is not a JSON object" +
              (root ? std::string() : ": " + root.error().text));
      return problems_;
    }
    bundle_ = root->extract<Object::Ptr>();
    if (json::text(bundle_, "resourceType") != "Bundle") problem("the resource is not a Bundle");
    if (json::text(bundle_, "type") != "message") {
      problem("Bundle.type is '" + json::text(bundle_, "type") + "', not 'message'");
    }
    if (json::text(json::obj(bundle_, "identifier"), "value").empty()) {
      problem("Bundle.identifier has no value");
    }
    if (json::text(bundle_, "timestamp").empty()) problem("Bundle.timestamp is missing");
    Array::Ptr entries = json::arr(bundle_, "entry");
    if (!entries || entries->size() == 0) {
      problem("the Bundle has no entries");
      return problems_;
    }
    index(entries);
    checkHeader();
    checkReferences(entries);
    checkPatient();
    for (const auto& [where, resource] : resources_) checkResource(where, resource);
    return problems_;
  }

 private:
  struct Entry {
    std::string where, type;
    Object::Ptr resource;
  };

  void problem(const std::string& text) { problems_.push_back(text); }

  void index(const Array::Ptr& entries) {
    for (std::size_t i = 0; i < entries->size(); ++i) {
      Object::Ptr e = entries->getObject(i);
      Object::Ptr r = json::obj(e, "resource");
      const std::string type = json::text(r, "resourceType");
      const std::string where =
          "entry " + std::to_string(i + 1) + (type.empty() ? "" : " (" + type + ")");
      if (!r || type.empty()) {
        problem(where + ": no resource");
        continue;
      }
      const std::string fullUrl = json::text(e, "fullUrl");
      if (fullUrl.empty()) {
        problem(where + ": no fullUrl");
      } else if (!byUrl_.emplace(fullUrl, Entry{where, type, r}).second) {
        problem(where + ": fullUrl " + fullUrl + " is another entry's too");
      }
      if (const std::string id = json::text(r, "id"); !id.empty()) {
        byUrl_.emplace(type + "/" + id, Entry{where, type, r});
      }
      if (i == 0) first_ = Entry{where, type, r};
      if (type == "Patient") patients_.push_back(Entry{where, type, r});
      resources_.emplace_back(where, r);
    }
  }

  // The entry `reference` names, or nullptr when it names none of the bundle's.
  const Entry* resolve(const std::string& reference) const {
    const auto it = byUrl_.find(reference);
    return it == byUrl_.end() ? nullptr : &it->second;
  }

  void checkHeader() {
    if (first_.type != "MessageHeader") {
      problem("the first entry is " + (first_.type.empty() ? "empty" : "a " + first_.type) +
              ", not the MessageHeader");
      return;
    }
    const Object::Ptr h = first_.resource;
    const Object::Ptr event = json::obj(h, "eventCoding");
    if (json::text(event, "code").empty()) problem("MessageHeader.eventCoding has no code");
    // Who sent it: R4 requires MessageHeader.source with its endpoint.
    if (json::text(json::obj(h, "source"), "endpoint").empty()) {
      problem("MessageHeader.source has no endpoint");
    }
    Array::Ptr focus = json::arr(h, "focus");
    if (!focus || focus->size() == 0) {
      problem("MessageHeader.focus names no report");
      return;
    }
    for (std::size_t i = 0; i < focus->size(); ++i) {
      const std::string ref = json::text(focus->getObject(i), "reference");
      const Entry* target = resolve(ref);
      if (!target || target->type != "DiagnosticReport") {
        problem("MessageHeader.focus " + ref + " is not a DiagnosticReport of the bundle");
      }
    }
  }

  // Every reference into the bundle resolves. References to a contained resource (#id) or to
  // an absolute address outside it are not followed.
  void checkReferences(const Array::Ptr& entries) {
    for (std::size_t i = 0; i < entries->size(); ++i) {
      Object::Ptr r = json::obj(entries->getObject(i), "resource");
      if (!r) continue;
      const std::string where =
          "entry " + std::to_string(i + 1) + " (" + json::text(r, "resourceType") + ")";
      eachReference(Poco::Dynamic::Var(r), [&](const std::string& ref) {
        if (ref.empty() || ref[0] == '#') return;
        const bool internal = ref.rfind("urn:uuid:", 0) == 0 ||
                              (ref.find("://") == std::string::npos && ref.find('/') != ref.npos);
        if (internal && !resolve(ref))
          problem(where + ": reference " + ref + " is not in the bundle");
      });
    }
  }

  void checkPatient() {
    if (patients_.size() != 1) {
      problem("the bundle holds " + std::to_string(patients_.size()) +
              " Patients: a report is for one patient");
      return;
    }
    const Entry& p = patients_.front();
    Array::Ptr ids = json::arr(p.resource, "identifier");
    for (std::size_t i = 0; ids && i < ids->size(); ++i) {
      Object::Ptr id = ids->getObject(i);
      if (json::text(id, "system") != systems::kNhsNumber) continue;
      const std::string value = json::text(id, "value");
      if (!hl7::isValidNhsNumber(value)) {
        problem(p.where + ": NHS number '" + value +
                "' is not ten digits with a right check digit");
      }
    }
  }

  static bool hasValue(const Object::Ptr& r) {
    for (const auto& [key, value] : *r) {
      if (key.rfind("value", 0) == 0) return true;
    }
    return false;
  }

  // Each reference of `field` (one or an array) names an entry of one of `types`.
  void checkTargets(const std::string& where, const Object::Ptr& r, const std::string& field,
                    const std::set<std::string>& types) {
    Array::Ptr refs = json::arr(r, field);
    for (std::size_t i = 0; refs && i < refs->size(); ++i) {
      if (refs->get(i).type() != typeid(Object::Ptr)) continue;
      const std::string ref = json::text(refs->getObject(i), "reference");
      const Entry* target = resolve(ref);
      // An unresolved one is named by checkReferences.
      if (target && !types.count(target->type)) {
        problem(where + ": " + field + " " + ref + " is a " + target->type + ", which " + field +
                " cannot name");
      }
    }
  }

  // A quantity's unit: a coded unit needs its system (R4 qty-3), and a value is a number.
  void checkQuantity(const std::string& where, const Object::Ptr& q) {
    if (!q) return;
    if (!json::text(q, "code").empty() && json::text(q, "system").empty()) {
      problem(where + ": unit code '" + json::text(q, "code") + "' without its system");
    }
    if (q->has("value") && q->get("value").isString()) {
      problem(where + ": value '" + json::text(q, "value") + "' is text, not a number");
    }
  }

  static bool hasIdentifierValue(const Object::Ptr& r) {
    Array::Ptr ids = json::arr(r, "identifier");
    for (std::size_t i = 0; ids && i < ids->size(); ++i) {
      if (ids->get(i).type() != typeid(Object::Ptr)) continue;
      if (!json::text(ids->getObject(i), "value").empty()) return true;
    }
    return false;
  }

  void checkSubject(const std::string& where, const Object::Ptr& r) {
    const std::string ref = json::text(json::obj(r, "subject"), "reference");
    const Entry* target = resolve(ref);
    if (!target || target->type != "Patient") {
      problem(where + ": subject " + (ref.empty() ? "missing" : ref) +
              " is not the bundle's Patient");
    }
  }

  void checkResource(const std::string& where, const Object::Ptr& r) {
    const std::string type = json::text(r, "resourceType");
    if (type == "DiagnosticReport" || type == "Observation") {
      const std::string status = json::text(r, "status");
      const auto& known = type == "DiagnosticReport" ? kReportStatuses : kObservationStatuses;
      if (!known.count(status)) {
        problem(where + ": status " + (status.empty() ? "missing" : "'" + status + "' unknown"));
      }
      if (!saysSomething(json::obj(r, "code"))) problem(where + ": code says nothing");
      checkSubject(where, r);
    }
    if (type == "DiagnosticReport") {
      checkTargets(where, r, "result", {"Observation"});
      checkTargets(where, r, "specimen", {"Specimen"});
    }
    if (type == "Observation") {
      checkTargets(where, r, "specimen", {"Specimen"});
      checkTargets(where, r, "hasMember", {"Observation"});
      // A value and a reason for its absence contradict each other (R4 obs-6).
      if (r->has("dataAbsentReason") && hasValue(r)) {
        problem(where + ": a value and a dataAbsentReason both");
      }
      checkQuantity(where + " valueQuantity", json::obj(r, "valueQuantity"));
      Array::Ptr ranges = json::arr(r, "referenceRange");
      for (std::size_t i = 0; ranges && i < ranges->size(); ++i) {
        if (ranges->get(i).type() != typeid(Object::Ptr)) continue;
        Object::Ptr range = ranges->getObject(i);
        checkQuantity(where + " referenceRange low", json::obj(range, "low"));
        checkQuantity(where + " referenceRange high", json::obj(range, "high"));
      }
    }
    // The lab's report number: without it a practice cannot match a later correction or
    // cancellation to this report (the specification's report identifier is mandatory).
    if (type == "DiagnosticReport" && !hasIdentifierValue(r)) {
      problem(where +
              ": no identifier with a value (the lab's report number), so a correction "
              "could not be matched to it");
    }
    // An ODS code names an organisation only with its value.
    Array::Ptr ids = json::arr(r, "identifier");
    for (std::size_t i = 0; ids && i < ids->size(); ++i) {
      if (ids->get(i).type() != typeid(Object::Ptr)) continue;
      Object::Ptr id = ids->getObject(i);
      if (json::text(id, "system") == systems::kOds && json::text(id, "value").empty()) {
        problem(where + ": an ODS identifier without a value");
      }
    }
  }

  Object::Ptr bundle_;
  Entry first_;
  std::map<std::string, Entry> byUrl_;
  std::vector<Entry> patients_;
  std::vector<std::pair<std::string, Object::Ptr>> resources_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> checkPathologyMessage(std::string_view json) {
  return Checker().run(json);
}

}  // namespace pathhub::fhir

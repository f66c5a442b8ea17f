// A journal message as record versions (see record_builder.h).
#include "record/record_builder.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/SHA2Engine.h>

#include <map>
#include <sstream>

#include "convert/formats.h"
#include "fhir/bundle_writer.h"
#include "fhir/json_access.h"
#include "record/instants.h"

namespace pathhub::record {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
namespace json = fhir::json;

constexpr const char* kSep = "\x1f";

std::string compact(const Object::Ptr& o) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  return out.str();
}

// Every coding of a CodeableConcept (or an array of them) as "\n<system>|<code>\n" lines.
void addTokens(Object::Ptr concept_, std::string& out) {
  if (Array::Ptr codings = json::arr(concept_, "coding")) {
    for (std::size_t i = 0; i < codings->size(); ++i) {
      Object::Ptr c = codings->getObject(i);
      const std::string code = json::text(c, "code");
      if (code.empty()) continue;
      if (out.empty()) out = "\n";
      out += json::text(c, "system") + "|" + code + "\n";
    }
  }
}

std::string tokens(const Object::Ptr& resource, const std::string& key) {
  std::string out;
  if (Array::Ptr many = resource->getArray(key)) {
    for (std::size_t i = 0; i < many->size(); ++i) addTokens(many->getObject(i), out);
  } else {
    addTokens(json::obj(resource, key), out);
  }
  return out;
}

std::int64_t ms(const std::string& iso) { return iso.empty() ? 0 : epochMs(iso).value_or(0); }

// The references of `o` (at any depth) to the urn:uuid: fullUrls of the message Bundle.
void eachReference(Object::Ptr o, const std::function<void(Object::Ptr)>& f) {
  if (!o) return;
  if (o->has("reference")) f(o);
  for (const auto& [key, value] : *o) {
    if (value.type() == typeid(Object::Ptr)) {
      eachReference(value.extract<Object::Ptr>(), f);
    } else if (value.type() == typeid(Array::Ptr)) {
      Array::Ptr a = value.extract<Array::Ptr>();
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (a->get(i).type() == typeid(Object::Ptr)) eachReference(a->getObject(i), f);
      }
    }
  }
}

std::vector<std::string> references(const Object::Ptr& resource, const std::string& key) {
  std::vector<std::string> out;
  if (Array::Ptr a = json::arr(resource, key)) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (a->get(i).type() == typeid(Object::Ptr)) {
        out.push_back(json::text(a->getObject(i), "reference"));
      }
    }
  }
  return out;
}

// One model message's Bundle, read as the record needs it.
class BundleRecord {
 public:
  BundleRecord(const model::Message& message, Object::Ptr bundle, std::string organisation,
               std::int64_t messageId)
      : message_(message), organisation_(std::move(organisation)), messageId_(messageId) {
    Array::Ptr entries = bundle->getArray("entry");
    for (std::size_t i = 0; entries && i < entries->size(); ++i) {
      Object::Ptr e = entries->getObject(i);
      Object::Ptr r = e->getObject("resource");
      byUrl_[json::text(e, "fullUrl")] = r;
      const std::string type = json::text(r, "resourceType");
      if (type == "DiagnosticReport") reports_.push_back(r);
      if (type == "Patient") patient_ = r;
    }
  }

  bool complete() const { return patient_ && reports_.size() == message_.reports.size(); }

  // The message's `index`th report; `position` its place among every report of the journal
  // message (an HL7 v2 message of several patients is several model messages).
  journal::RecordVersion version(std::size_t index, int position) {
    const model::Report& model = message_.reports[index];
    Object::Ptr report = reports_[index];
    journal::RecordVersion v;
    v.reportIndex = position;
    v.nhsNumber = message_.patient.nhsNumber;
    v.organisation = organisation_;
    const std::string key = reportKey(model, position);
    v.reportId = logicalId(key);

    // The logical id of each resource this report keeps, by its fullUrl in the Bundle.
    std::map<std::string, std::string> ids;
    const std::string patientId = logicalId("patient" + std::string(kSep) + v.nhsNumber);
    for (const auto& [url, r] : byUrl_) {
      if (r == patient_) ids[url] = "Patient/" + patientId;
    }
    ids[urlOf(report)] = "DiagnosticReport/" + v.reportId;
    std::vector<Object::Ptr> observations;
    std::map<std::string, int> seen;
    std::vector<std::string> pending = references(report, "result");
    for (std::size_t i = 0; i < pending.size(); ++i) {
      Object::Ptr o = at(pending[i]);
      if (!o || ids.count(pending[i])) continue;
      std::string code;
      addTokens(json::obj(o, "code"), code);
      const std::string name = code + kSep + std::to_string(seen[code]++);
      ids[pending[i]] = "Observation/" + logicalId(key + kSep + "observation" + kSep + name);
      observations.push_back(o);
      for (const auto& member : references(o, "hasMember")) pending.push_back(member);
    }
    std::vector<Object::Ptr> specimens;
    auto addSpecimens = [&](const Object::Ptr& r) {
      for (const auto& url : references(r, "specimen")) {
        Object::Ptr s = at(url);
        if (!s || ids.count(url)) continue;
        Object::Ptr identifier = json::first(s, "identifier");
        const std::string number = json::text(identifier, "value");
        ids[url] = "Specimen/" +
                   logicalId(number.empty()
                                 ? key + kSep + "specimen" + kSep + std::to_string(specimens.size())
                                 : organisation_ + kSep + "specimen" + kSep + number);
        specimens.push_back(s);
      }
    };
    addSpecimens(report);
    for (const auto& o : observations) addSpecimens(o);

    auto keep = [&](Object::Ptr r) {
      r->set("id", ids[urlOf(r)].substr(ids[urlOf(r)].find('/') + 1));
      eachReference(r, [&](Object::Ptr ref) { rewrite(ref, ids); });
      return journal::RecordResource{r->getValue<std::string>("id"), compact(r)};
    };
    v.status = json::text(report, "status");
    v.codes = tokens(report, "code");
    v.categories = tokens(report, "category");
    v.issuedAtMs = ms(json::text(report, "issued"));
    v.effectiveAtMs = ms(json::text(report, "effectiveDateTime"));
    for (const auto& s : specimens) {
      if (!v.effectiveAtMs)
        v.effectiveAtMs = ms(json::text(json::obj(s, "collection"), "collectedDateTime"));
    }
    for (const auto& o : observations) {
      if (!v.effectiveAtMs) v.effectiveAtMs = ms(json::text(o, "effectiveDateTime"));
    }
    if (!v.effectiveAtMs) v.effectiveAtMs = v.issuedAtMs;
    for (const auto& o : observations) {
      journal::RecordObservation row;
      row.codes = tokens(o, "code");
      row.status = json::text(o, "status");
      row.effectiveAtMs = ms(json::text(o, "effectiveDateTime"));
      if (!row.effectiveAtMs) row.effectiveAtMs = v.effectiveAtMs;
      row.resource = keep(o);
      v.observations.push_back(std::move(row));
    }
    for (const auto& s : specimens) v.specimens.push_back(keep(s));
    bool everyResultWithdrawn = !v.observations.empty();
    for (const auto& o : v.observations) {
      everyResultWithdrawn = everyResultWithdrawn && o.status == "entered-in-error";
    }
    v.withdrawn = v.status == "entered-in-error" || everyResultWithdrawn;
    v.report = keep(report);
    v.patient = keep(patient_);
    return v;
  }

 private:
  // Who sent it, the lab's number (the filler's, else the placer's), the test and, for a
  // microbiology child report, its parent. Without either number: this report of this
  // message alone.
  std::string reportKey(const model::Report& r, int position) const {
    const std::string number = !r.fillerOrder.empty()   ? "F" + r.fillerOrder
                               : !r.placerOrder.empty() ? "P" + r.placerOrder
                                                        : "";
    std::string key = organisation_ + kSep + number + kSep + r.code.system + "|" + r.code.code +
                      kSep + r.parentFiller + kSep + r.parentCode + kSep + r.parentSubId + kSep +
                      r.parentValue;
    if (number.empty()) key += kSep + std::to_string(messageId_) + kSep + std::to_string(position);
    return key;
  }

  Object::Ptr at(const std::string& url) const {
    auto it = byUrl_.find(url);
    return it == byUrl_.end() ? nullptr : it->second;
  }

  std::string urlOf(const Object::Ptr& r) const {
    for (const auto& [url, resource] : byUrl_) {
      if (resource == r) return url;
    }
    return {};
  }

  // A reference to a resource the record keeps becomes "Type/id"; one to a resource it does
  // not (the lab's Organization, the requester, the ServiceRequest) becomes a logical
  // reference: its type, its identifier and its name, as FHIR allows without a target.
  void rewrite(Object::Ptr ref, const std::map<std::string, std::string>& ids) const {
    const std::string url = json::text(ref, "reference");
    if (url.rfind("urn:uuid:", 0) != 0) return;
    if (auto it = ids.find(url); it != ids.end()) {
      ref->set("reference", it->second);
      return;
    }
    ref->remove("reference");
    Object::Ptr target = at(url);
    if (!target) return;
    ref->set("type", json::text(target, "resourceType"));
    if (Object::Ptr identifier = json::first(target, "identifier")) {
      ref->set("identifier", identifier);
    }
    if (!ref->has("display")) {
      std::string name = json::text(target, "name");
      if (Object::Ptr human = json::first(target, "name")) {
        name = json::text(human, "family");
      }
      if (!name.empty() && name.front() != '[' && name.front() != '{') ref->set("display", name);
    }
    if (!ref->has("identifier") && !ref->has("display")) {
      ref->set("display", json::text(target, "resourceType"));
    }
  }

  const model::Message& message_;
  std::string organisation_;
  std::int64_t messageId_;
  std::map<std::string, Object::Ptr> byUrl_;
  std::vector<Object::Ptr> reports_;
  Object::Ptr patient_;
};

journal::RecordedMessage readRecord(const journal::RecordSource& source) {
  journal::RecordedMessage out;
  out.messageId = source.messageId;
  out.channel = source.channel;
  const auto format = convert::detectFormat(source.bytes);
  auto messages = convert::readMessages(format, source.bytes);
  if (!messages) {
    out.skipped = messages.error().text;
    return out;
  }
  int position = 0;
  for (auto& m : *messages) {
    if (m.patient.nhsNumber.empty()) {
      position += static_cast<int>(m.reports.size());
      out.withoutNhsNumber += static_cast<int>(m.reports.size());
      continue;
    }
    std::string organisation = m.header.sendingFacility;
    if (organisation.empty() && !m.reports.empty()) organisation = m.reports[0].performingLab;
    if (organisation.empty()) organisation = source.channel;
    BundleRecord bundle(m, fhir::writeBundle(m), organisation, source.messageId);
    if (!bundle.complete()) {
      position += static_cast<int>(m.reports.size());
      out.skipped = "its FHIR form did not hold one DiagnosticReport per report";
      continue;
    }
    for (std::size_t i = 0; i < m.reports.size(); ++i) {
      out.versions.push_back(bundle.version(i, position++));
    }
  }
  if (messages->empty()) out.skipped = "no report in it";
  return out;
}

}  // namespace

std::string logicalId(const std::string& key) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(key);
  return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

journal::RecordedMessage buildRecord(const journal::RecordSource& source) {
  try {
    return readRecord(source);
  } catch (const std::exception& e) {
    // What the converters do not expect is no reason to stop recording the rest.
    journal::RecordedMessage out;
    out.messageId = source.messageId;
    out.channel = source.channel;
    out.skipped = std::string("it could not be read for the record: ") + e.what();
    return out;
  }
}

}  // namespace pathhub::record

// FHIR message Bundle → model (see bundle_reader.h).
#include "fhir/bundle_reader.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "fhir/fhir_systems.h"
#include "fhir/fhir_xml.h"
#include "fhir/json_access.h"
#include "fhir/json_parse.h"
#include "hl7/types.h"
#include "model/digest.h"
#include "model/ranges.h"
#include "model/times.h"
#include "model/vocabulary.h"
#include "model/warnings.h"

namespace pathhub::fhir {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
namespace s = systems;
namespace w = model::warning;

// A bad bundle: thrown inside the reader, returned as an Error at its edge.
struct BadBundle {
  std::string pointer, what;
};

using json::arr;
using json::first;
using json::obj;
using json::text;

// A CodeableConcept: its first coding, the others as the same concept in other systems; a
// lab's own system (written in its namespace, fhir_systems.h) by the lab's name for it.
model::Coding coding(const Object::Ptr& cc, const std::string& localBase = {}) {
  model::Coding c;
  if (!cc) return c;
  if (Array::Ptr codings = arr(cc, "coding")) {
    for (std::size_t i = 0; i < codings->size(); ++i) {
      Object::Ptr one = codings->getObject(static_cast<unsigned>(i));
      model::Coding read{text(one, "code"),
                         text(one, "display"),
                         s::localCodeName(text(one, "system"), localBase),
                         {}};
      if (read.code.empty() && read.display.empty()) continue;
      if (c.code.empty() && c.display.empty()) {
        c = std::move(read);
      } else {
        c.alternates.push_back(std::move(read));
      }
    }
  }
  if (c.display.empty() && c.code.empty()) c.display = text(cc, "text");
  return c;
}

std::string firstCode(const Object::Ptr& cc) { return coding(cc).code; }

model::HumanName name(const Object::Ptr& n) {
  model::HumanName out;
  if (!n) return out;
  out.family = text(n, "family");
  if (Array::Ptr given = arr(n, "given")) {
    for (std::size_t i = 0; i < given->size(); ++i) out.given.push_back(given->get(i).toString());
  }
  if (Array::Ptr prefix = arr(n, "prefix"); prefix && prefix->size()) {
    out.prefix = prefix->get(0).toString();
  }
  return out;
}

// A Quantity; its unit as sent, else its UCUM code.
model::Quantity quantity(const Object::Ptr& q) {
  if (!q) return {};
  std::string unit = text(q, "unit");
  if (unit.empty()) unit = text(q, "code");
  return model::Quantity{text(q, "value"), text(q, "comparator"), unit};
}

class Reader {
 public:
  Reader(const Object::Ptr& bundle, const ReadOptions& options)
      : bundle_(bundle), options_(options) {}

  model::Message read() {
    if (!bundle_) throw BadBundle{"", "the document is not a JSON object"};
    const std::string type = text(bundle_, "resourceType");
    if (type != "Bundle") throw BadBundle{"/resourceType", "expected Bundle, found '" + type + "'"};
    Array::Ptr entries = arr(bundle_, "entry");
    if (!entries) throw BadBundle{"/entry", "a message Bundle needs entries"};
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const std::string at = "/entry/" + std::to_string(i);
      Object::Ptr entry = entries->getObject(static_cast<unsigned>(i));
      Object::Ptr resource = obj(entry, "resource");
      if (!resource || text(resource, "resourceType").empty()) {
        throw BadBundle{at + "/resource", "missing, or without a resourceType"};
      }
      const std::string url = text(entry, "fullUrl");
      if (!url.empty()) byUrl_[url] = {resource, at + "/resource"};
      // STU3 bundles also refer to resources as "Type/id".
      byUrl_[text(resource, "resourceType") + "/" + text(resource, "id")] = {resource,
                                                                             at + "/resource"};
      order_.push_back({resource, at + "/resource"});
    }
    header();
    patient_ = firstOf("Patient");
    if (patient_.resource) readPatient(patient_);
    // One patient per message: another Patient that is not the same person is ambiguous
    // identity, refused rather than merged.
    for (const Located& l : order_) {
      if (l.pointer == patient_.pointer || text(l.resource, "resourceType") != "Patient") continue;
      model::Message other;
      std::swap(other, out_);
      readPatient(l);
      std::swap(other, out_);
      if (!(other.patient == out_.patient)) {
        throw BadBundle{l.pointer,
                        model::warningText(w::kAmbiguousIdentity,
                                           "a second Patient, not the same person as " +
                                               patient_.pointer + ": refused rather than merged")};
      }
    }
    for (const Located& l : order_) {
      if (text(l.resource, "resourceType") == "Specimen") specimen(l);
    }
    for (const Located& l : reportsInFocus()) report(l);
    return std::move(out_);
  }

 private:
  struct Located {
    Object::Ptr resource;
    std::string pointer;
  };

  Located firstOf(const std::string& type) const {
    for (const Located& l : order_) {
      if (text(l.resource, "resourceType") == type) return l;
    }
    return {};
  }

  // The resource a Reference points at; `where` is the reference's own pointer.
  Located resolve(const Object::Ptr& ref, const std::string& where) const {
    const std::string target = text(ref, "reference");
    if (target.empty()) return {};
    auto it = byUrl_.find(target);
    if (it == byUrl_.end()) throw BadBundle{where, "no entry has fullUrl " + target};
    return it->second;
  }

  // An organisation's ODS code: a logical reference's identifier, or the resolved resource's.
  std::string ods(const Object::Ptr& ref, const std::string& where) const {
    if (!ref) return {};
    if (Object::Ptr id = obj(ref, "identifier")) return text(id, "value");
    Located org = resolve(ref, where);
    if (!org.resource) return {};
    if (Array::Ptr ids = arr(org.resource, "identifier")) {
      for (std::size_t i = 0; i < ids->size(); ++i) {
        Object::Ptr id = ids->getObject(static_cast<unsigned>(i));
        if (text(id, "system").find("ods") != std::string::npos) return text(id, "value");
      }
      if (ids->size()) return text(ids->getObject(0), "value");
    }
    return {};
  }

  void header() {
    Located h = firstOf("MessageHeader");
    if (!h.resource) throw BadBundle{"/entry", "a message Bundle needs a MessageHeader"};
    model::Header& out = out_.header;
    std::string code = text(obj(h.resource, "eventCoding"), "code");
    if (code.empty()) code = text(obj(h.resource, "event"), "code");  // STU3: event is a Coding
    out.event = code == "unsolicited-observations" || code == "371528001" || code == "ITK012M"
                    ? "ORU^R01"
                    : code;
    if (Object::Ptr id = obj(bundle_, "identifier"); id && text(id, "system") == s::kControlId) {
      out.messageId = text(id, "value");
    } else if (id) {
      out.messageId = text(id, "value");
    } else {
      out.messageId = text(h.resource, "id");
    }
    out.sentAt = time(text(bundle_, "timestamp"), "Bundle.timestamp");
    if (Object::Ptr source = obj(h.resource, "source")) {
      out.sendingApplication = text(source, "name");
    }
    out.sendingFacility = ods(obj(h.resource, "sender"), h.pointer + "/sender");
    if (Object::Ptr sender = obj(h.resource, "sender");
        sender && !text(sender, "reference").empty()) {
      senderPointer_ = resolve(sender, h.pointer + "/sender").pointer;
    }
    if (Object::Ptr destination = first(h.resource, "destination")) {
      out.receivingApplication = text(destination, "name");
      out.receivingFacility =
          ods(obj(destination, "receiver"), h.pointer + "/destination/0/receiver");
    }
    focus_ = arr(h.resource, "focus");
    headerPointer_ = h.pointer;
  }

  void readPatient(const Located& l) {
    model::Patient& p = out_.patient;
    const Object::Ptr& r = l.resource;
    if (Array::Ptr ids = arr(r, "identifier")) {
      for (std::size_t i = 0; i < ids->size(); ++i) {
        Object::Ptr id = ids->getObject(static_cast<unsigned>(i));
        if (text(id, "system") == s::kNhsNumber) {
          const std::string number = text(id, "value");
          if (!hl7::isValidNhsNumber(number)) {
            warn(w::kInvalidNhsNumber, "Patient.identifier '" + number +
                                           "' is an nhs-number that fails the modulus 11 check: "
                                           "kept as a local identifier");
            p.identifiers.push_back({number, "", ""});
            continue;
          }
          if (!p.nhsNumber.empty() && p.nhsNumber != number) {
            warn(w::kAmbiguousIdentity, "Patient has two NHS numbers (" + p.nhsNumber + ", " +
                                            number + "): the second is kept as a local identifier");
            p.identifiers.push_back({number, "", ""});
            continue;
          }
          p.nhsNumber = number;
          if (Object::Ptr ext = first(id, "extension")) {
            p.nhsNumberStatus = firstCode(obj(ext, "valueCodeableConcept"));
          }
          continue;
        }
        if (text(id, "value").empty()) continue;  // an identifier without a value says nothing
        p.identifiers.push_back(
            {text(id, "value"), text(obj(id, "assigner"), "display"), firstCode(obj(id, "type"))});
      }
    }
    p.name = name(first(r, "name"));
    p.sex = text(r, "gender");
    p.birthDate = text(r, "birthDate");
    if (!p.birthDate.empty() && !model::parseIso(p.birthDate)) {
      warn(w::kInvalidDate, "Patient.birthDate '" + p.birthDate + "' is not a date: not read");
      p.birthDate.clear();
    }
    if (Object::Ptr a = first(r, "address")) {
      if (Array::Ptr lines = arr(a, "line")) {
        for (std::size_t i = 0; i < lines->size(); ++i)
          p.address.lines.push_back(lines->get(i).toString());
      }
      p.address.city = text(a, "city");
      p.address.postcode = text(a, "postalCode");
    }
    p.gpPractice = ods(first(r, "generalPractitioner"), l.pointer + "/generalPractitioner/0");
  }

  void specimen(const Located& l) {
    model::Specimen sp;
    sp.id = text(obj(l.resource, "accessionIdentifier"), "value");
    sp.type = codeable(obj(l.resource, "type"));
    sp.receivedAt = time(text(l.resource, "receivedTime"), "Specimen.receivedTime");
    Object::Ptr collection = obj(l.resource, "collection");
    sp.collectedAt = time(text(collection, "collectedDateTime"), "Specimen.collectedDateTime");
    sp.fasting = firstCode(obj(collection, "fastingStatusCodeableConcept"));
    sp.comments = notes(l.resource);
    subjectIsThePatient(l);
    specimenIndex_[l.pointer] = out_.specimens.size();
    out_.specimens.push_back(std::move(sp));
  }

  std::vector<Located> reportsInFocus() const {
    std::vector<Located> out;
    for (std::size_t i = 0; focus_ && i < focus_->size(); ++i) {
      Located l = resolve(focus_->getObject(static_cast<unsigned>(i)),
                          headerPointer_ + "/focus/" + std::to_string(i));
      if (l.resource && text(l.resource, "resourceType") == "DiagnosticReport") out.push_back(l);
    }
    if (out.empty()) {
      for (const Located& l : order_) {
        if (text(l.resource, "resourceType") == "DiagnosticReport") out.push_back(l);
      }
    }
    return out;
  }

  // The identifier typed `type` (v2-0203 PLAC/FILL), else the first.
  static std::string identifierOfType(const Object::Ptr& r, const std::string& type) {
    Array::Ptr ids = arr(r, "identifier");
    for (std::size_t i = 0; ids && i < ids->size(); ++i) {
      Object::Ptr id = ids->getObject(static_cast<unsigned>(i));
      if (firstCode(obj(id, "type")) == type) return text(id, "value");
    }
    return ids && ids->size() ? text(ids->getObject(0), "value") : "";
  }

  void requester(model::Report& rep, const Object::Ptr& ref, const std::string& where) {
    Located who = resolve(ref, where);
    if (!who.resource) return;
    if (text(who.resource, "resourceType") == "PractitionerRole") {
      Object::Ptr organisation = obj(who.resource, "organization");
      rep.requesterOrganisation = ods(organisation, who.pointer + "/organization");
      rep.requesterOrganisationName = text(organisation, "display");
      who = resolve(obj(who.resource, "practitioner"), who.pointer + "/practitioner");
      if (!who.resource) return;
    }
    if (text(who.resource, "resourceType") == "Organization") {
      rep.requesterOrganisation = ods(ref, where);
      return;
    }
    if (Object::Ptr id = first(who.resource, "identifier")) {
      rep.requester.id = text(id, "value");
      const std::string system = text(id, "system");
      rep.requester.idAuthority = system == s::kGmc   ? "GMC"
                                  : system == s::kGmp ? "GMP"
                                                      : text(obj(id, "assigner"), "display");
    }
    rep.requester.name = name(first(who.resource, "name"));
  }

  void report(const Located& l) {
    model::Report rep;
    const Object::Ptr& r = l.resource;
    rep.fillerOrder = identifierOfType(r, "FILL");
    if (Array::Ptr extensions = arr(r, "extension")) {
      for (std::size_t i = 0; i < extensions->size(); ++i) {
        Object::Ptr ext = extensions->getObject(static_cast<unsigned>(i));
        if (text(ext, "url") != s::kParentResult) continue;
        Array::Ptr parts = arr(ext, "extension");
        for (std::size_t j = 0; parts && j < parts->size(); ++j) {
          Object::Ptr part = parts->getObject(static_cast<unsigned>(j));
          const std::string name = text(part, "url"), value = text(part, "valueString");
          if (name == "filler") rep.parentFiller = value;
          if (name == "code") rep.parentCode = value;
          if (name == "subId") rep.parentSubId = value;
          if (name == "value") rep.parentValue = value;
        }
      }
    }
    rep.status = status(text(r, "status"), model::isReportStatus, l.pointer);
    rep.code = codeable(obj(r, "code"));
    if (rep.code.code.empty() && rep.code.alternates.empty() &&
        rep.code.display == "Pathology report") {
      rep.code = {};  // what the writer gives a report that came without a code
    }
    rep.issuedAt = time(text(r, "issued"), "DiagnosticReport.issued");
    rep.conclusion = text(r, "conclusion");
    subjectIsThePatient(l);
    if (Object::Ptr performer = first(r, "performer")) {
      Located lab = resolve(performer, l.pointer + "/performer/0");
      if (lab.resource && text(lab.resource, "resourceType") == "Organization" &&
          lab.pointer != senderPointer_) {
        rep.performingLab = text(lab.resource, "name");
      }
    }
    if (Object::Ptr based = first(r, "basedOn")) {
      Located order = resolve(based, l.pointer + "/basedOn/0");
      if (order.resource) {
        rep.placerOrder = identifierOfType(order.resource, "PLAC");
        rep.priority = text(order.resource, "priority");
        if (Object::Ptr note = first(order.resource, "note"))
          rep.clinicalDetails = text(note, "text");
        if (Object::Ptr who = obj(order.resource, "requester")) {
          requester(rep, who, order.pointer + "/requester");
        }
        if (rep.code.empty()) rep.code = codeable(obj(order.resource, "code"));
      }
    }
    if (Array::Ptr specimens = arr(r, "specimen")) {
      for (std::size_t i = 0; i < specimens->size(); ++i) {
        const std::string where = l.pointer + "/specimen/" + std::to_string(i);
        Located sp = resolve(specimens->getObject(static_cast<unsigned>(i)), where);
        auto it = specimenIndex_.find(sp.pointer);
        if (it != specimenIndex_.end()) rep.specimens.push_back(it->second);
      }
    }
    if (Array::Ptr results = arr(r, "result")) {
      for (std::size_t i = 0; i < results->size(); ++i) {
        const std::string where = l.pointer + "/result/" + std::to_string(i);
        observation(rep, resolve(results->getObject(static_cast<unsigned>(i)), where), where, 0);
      }
    }
    if (Array::Ptr forms = arr(r, "presentedForm")) {
      for (std::size_t i = 0; i < forms->size(); ++i) {
        Object::Ptr a = forms->getObject(static_cast<unsigned>(i));
        rep.documents.push_back(
            {text(a, "contentType"), text(a, "data"), text(a, "title"), text(a, "url")});
      }
    }
    out_.reports.push_back(std::move(rep));
  }

  void observation(model::Report& rep, const Located& l, const std::string& where, int depth) {
    if (!l.resource) return;
    if (text(l.resource, "resourceType") != "Observation") {
      throw BadBundle{where,
                      "refers to a " + text(l.resource, "resourceType") + ", not an Observation"};
    }
    if (depth > 8) throw BadBundle{where, "Observation groups nest deeper than 8"};
    // A report may list a group's members as well as the group: each is read once.
    if (!visited_.insert(l.pointer).second) return;
    const Object::Ptr& r = l.resource;
    const model::Coding code = codeable(obj(r, "code"));
    if (code.code == s::kResultCommentsCode && code.system == s::kSnomed) {
      rep.comments.push_back(text(r, "valueString"));
      return;
    }
    model::Observation o;
    o.code = code;
    if (Array::Ptr ids = arr(r, "identifier")) {
      for (std::size_t i = 0; i < ids->size(); ++i) {
        Object::Ptr id = ids->getObject(static_cast<unsigned>(i));
        if (text(id, "system") == s::kSubId) o.subId = text(id, "value");
      }
    }
    o.status = status(text(r, "status"), model::isResultStatus, l.pointer);
    o.observedAt = time(text(r, "effectiveDateTime"), "Observation.effectiveDateTime");
    subjectIsThePatient(l);
    if (Object::Ptr specimen = obj(r, "specimen")) {
      Located sp = resolve(specimen, l.pointer + "/specimen");
      auto it = specimenIndex_.find(sp.pointer);
      if (it != specimenIndex_.end()) o.specimens.push_back(it->second);
    }
    if (Object::Ptr performer = first(r, "performer")) o.performer = text(performer, "display");
    value(o, r);
    if (Array::Ptr flags = arr(r, "interpretation")) {
      for (std::size_t i = 0; i < flags->size(); ++i) {
        const std::string flag = firstCode(flags->getObject(static_cast<unsigned>(i)));
        if (!flag.empty()) o.interpretation.push_back(flag);
      }
    }
    o.comments = notes(r);
    o.method = text(obj(r, "method"), "text");
    if (o.method.empty()) o.method = coding(obj(r, "method")).display;
    if (Array::Ptr ranges = arr(r, "referenceRange")) {
      for (std::size_t i = 0; i < ranges->size(); ++i) {
        Object::Ptr range = ranges->getObject(static_cast<unsigned>(i));
        model::Range rr;
        rr.low = quantity(obj(range, "low"));
        rr.high = quantity(obj(range, "high"));
        rr.text = text(range, "text");
        o.referenceRanges.push_back(std::move(rr));
      }
    }
    const std::size_t self = rep.results.size();
    rep.results.push_back(std::move(o));
    // A group (a panel, an isolate with its sensitivities): its members follow it, and it
    // records where they are. R4 lists them in hasMember, STU3 in related has-member entries.
    auto member = [&](const Object::Ptr& ref, const std::string& at) {
      const std::size_t before = rep.results.size();
      observation(rep, resolve(ref, at), at, depth + 1);
      if (rep.results.size() > before) rep.results[self].members.push_back(before);
    };
    if (Array::Ptr members = arr(r, "hasMember")) {
      for (std::size_t i = 0; i < members->size(); ++i) {
        member(members->getObject(static_cast<unsigned>(i)),
               l.pointer + "/hasMember/" + std::to_string(i));
      }
    }
    if (Array::Ptr related = arr(r, "related")) {
      for (std::size_t i = 0; i < related->size(); ++i) {
        Object::Ptr link = related->getObject(static_cast<unsigned>(i));
        if (text(link, "type") != "has-member") continue;
        member(obj(link, "target"), l.pointer + "/related/" + std::to_string(i) + "/target");
      }
    }
  }

  void value(model::Observation& o, const Object::Ptr& r) {
    model::Value& v = o.value;
    if (Object::Ptr q = obj(r, "valueQuantity")) {
      v.kind = model::Value::Kind::kQuantity;
      v.quantity = quantity(q);
      o.unit = v.quantity.unit;
    } else if (Object::Ptr c = obj(r, "valueCodeableConcept")) {
      v.kind = model::Value::Kind::kCoded;
      v.coded = codeable(c);
    } else if (r->has("valueString")) {
      v.kind = model::Value::Kind::kText;
      v.text = text(r, "valueString");
    } else if (r->has("valueDateTime")) {
      v.text = time(text(r, "valueDateTime"), "Observation.valueDateTime");
      if (!v.text.empty()) v.kind = model::Value::Kind::kDateTime;
    } else if (Object::Ptr range = obj(r, "valueRange")) {
      v.kind = model::Value::Kind::kRange;
      v.range.low = quantity(obj(range, "low"));
      v.range.high = quantity(obj(range, "high"));
      o.unit = v.range.low.unit.empty() ? v.range.high.unit : v.range.low.unit;
    } else if (Object::Ptr ratio = obj(r, "valueRatio")) {
      v.kind = model::Value::Kind::kRatio;
      v.quantity = quantity(obj(ratio, "numerator"));
      v.denominator = quantity(obj(ratio, "denominator"));
    } else if (r->has("valueInteger") || r->has("valueBoolean")) {
      v.kind = model::Value::Kind::kText;
      v.text = text(r, r->has("valueInteger") ? "valueInteger" : "valueBoolean");
    }
  }

  void warn(std::string_view name, const std::string& what) { model::warn(out_, name, what); }
  model::Coding codeable(const Object::Ptr& cc) const {
    return coding(cc, options_.localCodeSystems);
  }

  // A FHIR time in the local zone when it came without one (FHIR requires one).
  std::string time(const std::string& value, const std::string& where) {
    if (value.empty()) return {};
    if (!model::parseIso(value)) {
      warn(w::kInvalidDate, where + " '" + value + "' is not a date/time: not read");
      return {};
    }
    bool applied = false, ambiguous = false;
    std::string out = model::withZone(value, model::LocalZone::london(), applied, ambiguous);
    if (applied) {
      warn(w::kZoneAssumed, where + " '" + value + "' has no zone: read as Europe/London");
    }
    return out;
  }

  std::string status(const std::string& word, bool (*known)(const std::string&),
                     const std::string& where) {
    if (word.empty()) return "unknown";
    if (known(word)) return word;
    warn(w::kUnmappableStatus,
         where + "/status '" + word + "' is not a FHIR status: read as unknown");
    return "unknown";
  }

  static std::vector<std::string> notes(const Object::Ptr& r) {
    std::vector<std::string> out;
    if (Array::Ptr list = arr(r, "note")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::string t = text(list->getObject(static_cast<unsigned>(i)), "text");
        if (!t.empty()) out.push_back(std::move(t));
      }
    }
    return out;
  }

  // A resource about someone else than the message's patient is refused (ambiguous identity).
  void subjectIsThePatient(const Located& l) {
    Object::Ptr subject = obj(l.resource, "subject");
    if (!subject || !patient_.resource) return;
    Located who = resolve(subject, l.pointer + "/subject");
    if (who.resource && who.pointer != patient_.pointer &&
        text(who.resource, "resourceType") == "Patient") {
      throw BadBundle{
          l.pointer + "/subject",
          model::warningText(w::kAmbiguousIdentity,
                             "is about " + who.pointer + ", not the message's patient " +
                                 patient_.pointer + ": refused rather than merged")};
    }
  }

  Located patient_;
  std::string senderPointer_;
  Object::Ptr bundle_;
  const ReadOptions& options_;
  std::map<std::string, Located> byUrl_;
  std::vector<Located> order_;
  std::map<std::string, std::size_t> specimenIndex_;  // by the Specimen's pointer
  std::set<std::string> visited_;                     // Observations read, by pointer
  Array::Ptr focus_;
  std::string headerPointer_;
  model::Message out_;
};

}  // namespace

Result<model::Message> readBundle(const Poco::JSON::Object::Ptr& bundle,
                                  const ReadOptions& options) {
  try {
    return Reader(bundle, options).read();
  } catch (const BadBundle& bad) {
    return fail(
        ErrorCode::kInvalidValue,
        "FHIR Bundle " + (bad.pointer.empty() ? std::string("/") : bad.pointer) + ": " + bad.what);
  } catch (const Poco::Exception& e) {
    // A value of the wrong JSON type where an object or array was expected.
    return fail(ErrorCode::kInvalidValue, "FHIR Bundle: " + e.displayText());
  }
}

Result<model::Message> readBundleJson(const std::string& json, const ReadOptions& options) {
  // Numbers kept as their text, key order kept (json_parse.h).
  auto parsed = parseJson(json);
  if (!parsed) return tl::unexpected(parsed.error());
  if (parsed->type() != typeid(Object::Ptr)) {
    return fail(ErrorCode::kInvalidValue, "FHIR Bundle /: the document is not a JSON object");
  }
  auto read = readBundle(parsed->extract<Object::Ptr>(), options);
  if (read) read->digest = model::Digest().add(json).hex();
  return read;
}

}  // namespace pathhub::fhir

namespace pathhub::fhir {

namespace {

// A JSON pointer into the Bundle as the XPath of the same place in its XML form:
// "/entry/1/resource/result/0" → "/Bundle/entry[2]/resource/*/result[1]" (array positions
// count from 1; a resource's element is named by its type, unknown here, so "*").
std::string xpathOf(std::string_view pointer) {
  if (pointer == "/resourceType") return "/*";  // the root element's name is the type
  std::string out = "/Bundle";
  std::size_t at = 1;
  while (at <= pointer.size() && !pointer.empty()) {
    const std::size_t slash = std::min(pointer.find('/', at), pointer.size());
    const std::string_view part = pointer.substr(at, slash - at);
    const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    if (index) {
      out += "[" + std::to_string(std::stoul(std::string(part)) + 1) + "]";
    } else if (!part.empty()) {
      out += "/" + std::string(part);
    }
    if (part == "resource") out += "/*";
    at = slash + 1;
  }
  return out;
}

}  // namespace

Result<model::Message> readBundleXml(std::string_view xml, const ReadOptions& options) {
  auto json = xmlToJson(xml);
  if (!json) return tl::unexpected(json.error());
  auto read = readBundle(*json, options);
  if (read) {
    read->digest = model::Digest().add(xml).hex();
    return read;
  }
  // The reader names the place as a JSON pointer; for XML input, name it as an XPath.
  Error e = read.error();
  const std::string prefix = "FHIR Bundle ";
  if (e.text.rfind(prefix, 0) == 0) {
    const std::size_t colon = e.text.find(": ", prefix.size());
    if (colon != std::string::npos && e.text[prefix.size()] == '/') {
      e.text = "FHIR XML " + xpathOf(e.text.substr(prefix.size(), colon - prefix.size())) +
               e.text.substr(colon);
    }
  }
  return tl::unexpected(e);
}

}  // namespace pathhub::fhir

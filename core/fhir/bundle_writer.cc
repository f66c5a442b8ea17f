// Model → FHIR R4 message Bundle (see bundle_writer.h).
#include "fhir/bundle_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>

#include "fhir/fhir_systems.h"
#include "fhir/fhir_xml.h"
#include "fhir/json_decimal.h"
#include "model/ucum.h"

namespace pathhub::fhir {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
namespace s = systems;

Object::Ptr object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void setIf(Object::Ptr o, const std::string& key, const std::string& value) {
  if (!value.empty()) o->set(key, value);
}

Object::Ptr reference(const std::string& fullUrl) {
  Object::Ptr r = object();
  r->set("reference", fullUrl);
  return r;
}

Array::Ptr one(const Poco::Dynamic::Var& v) {
  Array::Ptr a = new Array;
  a->add(v);
  return a;
}

Object::Ptr codeableConcept(const model::Coding& c) {
  Object::Ptr cc = object();
  if (!c.code.empty() || !c.system.empty()) {
    Object::Ptr coding = object();
    setIf(coding, "system", c.system);
    setIf(coding, "code", c.code);
    setIf(coding, "display", c.display);
    cc->set("coding", one(coding));
  }
  if (c.code.empty()) setIf(cc, "text", c.display);
  return cc;
}

Object::Ptr codeOnly(const std::string& system, const std::string& code,
                     const std::string& display = {}) {
  return codeableConcept({code, display, system});
}

Object::Ptr identifier(const std::string& system, const std::string& value) {
  Object::Ptr i = object();
  setIf(i, "system", system);
  i->set("value", value);
  return i;
}

Object::Ptr odsReference(const std::string& code) {
  Object::Ptr r = object();
  r->set("identifier", identifier(s::kOds, code));
  return r;
}

Array::Ptr humanName(const model::HumanName& n) {
  Object::Ptr name = object();
  setIf(name, "family", n.family);
  if (!n.given.empty()) {
    Array::Ptr given = new Array;
    for (const auto& g : n.given) given->add(g);
    name->set("given", given);
  }
  if (!n.prefix.empty()) name->set("prefix", one(n.prefix));
  return one(name);
}

// The unit as sent stays in `unit`; its UCUM code, when the table knows it, goes in `code`.
Object::Ptr quantity(const model::Quantity& q, std::vector<std::string>* warnings = nullptr) {
  Object::Ptr o = object();
  if (!q.value.empty()) o->set("value", JsonDecimal{q.value});
  setIf(o, "comparator", q.comparator);
  setIf(o, "unit", q.unit);
  if (auto code = model::ucumCode(q.unit)) {
    o->set("system", s::kUcum);
    o->set("code", *code);
  } else if (!q.unit.empty() && warnings) {
    warnings->push_back("FHIR: the unit '" + q.unit + "' is not in the UCUM table: sent as text");
  }
  return o;
}

bool isJsonNumber(const std::string& text) {
  if (text.empty()) return false;
  std::size_t i = text[0] == '-' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      digits = true;
    } else if (text[i] == '.' && !dot && digits) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits && text.back() != '.' && !(text.size() > 1 && text[0] == '0' && text[1] != '.');
}

class Writer {
 public:
  explicit Writer(model::Message& m) : m_(m) {}

  Object::Ptr write() {
    bundle_ = object();
    entries_ = new Array;
    bundle_->set("resourceType", "Bundle");
    bundle_->set("id", uuid("bundle"));
    bundle_->set("meta", metaProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle"));
    bundle_->set("identifier", identifier(s::kControlId, m_.header.messageId));
    bundle_->set("type", "message");
    setIf(bundle_, "timestamp", m_.header.sentAt);
    Object::Ptr header = add("MessageHeader", "header");
    const std::string sender = organisation("sender", m_.header.sendingFacility);
    const std::string receiver = organisation("receiver", m_.header.receivingFacility);
    const std::string patient = patientResource();
    for (std::size_t i = 0; i < m_.specimens.size(); ++i) specimen(i, patient);
    Array::Ptr focus = new Array;
    for (std::size_t i = 0; i < m_.reports.size(); ++i) {
      focus->add(reference(report(i, patient, sender)));
    }
    messageHeader(header, sender, receiver, focus);
    if (!m_.header.event.empty() && m_.header.event != "ORU^R01") {
      m_.warnings.push_back("FHIR: the HL7 v2 event " + m_.header.event +
                            " is sent as unsolicited-observations");
    }
    if (m_.header.version.size()) {
      m_.warnings.push_back("FHIR: the HL7 v2 version (" + m_.header.version + ") is not carried");
    }
    bundle_->set("entry", entries_);
    return bundle_;
  }

 private:
  std::string uuid(const std::string& key) const {
    static const Poco::UUID kNamespace("6ba7b811-9dad-11d1-80b4-00c04fd430c8");  // RFC 4122 URL
    return Poco::UUIDGenerator::defaultGenerator()
        .createFromName(kNamespace, "pathhub:" + m_.header.messageId + ":" + key)
        .toString();
  }
  static Object::Ptr metaProfile(const std::string& profile) {
    Object::Ptr meta = object();
    meta->set("profile", one(profile));
    return meta;
  }
  // A new entry; returns the resource to fill in.
  Object::Ptr add(const std::string& type, const std::string& key, std::string* fullUrl = nullptr) {
    const std::string id = uuid(key);
    Object::Ptr resource = object();
    resource->set("resourceType", type);
    resource->set("id", id);
    Object::Ptr entry = object();
    entry->set("fullUrl", "urn:uuid:" + id);
    entry->set("resource", resource);
    entries_->add(entry);
    if (fullUrl) *fullUrl = "urn:uuid:" + id;
    return resource;
  }

  std::string organisation(const std::string& key, const std::string& ods) {
    if (ods.empty()) return {};
    std::string url;
    Object::Ptr o = add("Organization", key, &url);
    o->set("identifier", one(identifier(s::kOds, ods)));
    return url;
  }

  void messageHeader(Object::Ptr h, const std::string& sender, const std::string& receiver,
                     Array::Ptr focus) {
    Object::Ptr event = object();
    event->set("system", s::kMessageEvent);
    event->set("code", "unsolicited-observations");
    h->set("eventCoding", event);
    Object::Ptr destination = object();
    setIf(destination, "name", m_.header.receivingApplication);
    destination->set("endpoint",
                     m_.header.receivingFacility.empty() ? "unknown" : m_.header.receivingFacility);
    if (!receiver.empty()) destination->set("receiver", reference(receiver));
    h->set("destination", one(destination));
    if (!sender.empty()) h->set("sender", reference(sender));
    Object::Ptr source = object();
    setIf(source, "name", m_.header.sendingApplication);
    source->set("endpoint",
                m_.header.sendingFacility.empty() ? "unknown" : m_.header.sendingFacility);
    h->set("source", source);
    h->set("focus", focus);
  }

  std::string patientResource() {
    const model::Patient& p = m_.patient;
    std::string url;
    Object::Ptr r = add("Patient", "patient", &url);
    r->set("meta", metaProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"));
    Array::Ptr ids = new Array;
    if (!p.nhsNumber.empty()) {
      Object::Ptr nhs = identifier(s::kNhsNumber, p.nhsNumber);
      if (!p.nhsNumberStatus.empty()) {
        Object::Ptr ext = object();
        ext->set("url", s::kNhsNumberStatusExtension);
        ext->set("valueCodeableConcept", codeOnly(s::kNhsNumberStatus, p.nhsNumberStatus));
        nhs->set("extension", one(ext));
      }
      ids->add(nhs);
    }
    for (const model::Identifier& i : p.identifiers) {
      Object::Ptr id = identifier("", i.value);
      if (!i.type.empty()) id->set("type", codeOnly(s::kV2IdentifierType, i.type));
      if (!i.authority.empty()) {
        Object::Ptr assigner = object();
        assigner->set("display", i.authority);
        id->set("assigner", assigner);
      }
      ids->add(id);
    }
    if (ids->size()) r->set("identifier", ids);
    if (!p.name.family.empty() || !p.name.given.empty()) r->set("name", humanName(p.name));
    setIf(r, "gender", p.sex);
    setIf(r, "birthDate", p.birthDate);
    const model::Address& a = p.address;
    if (!a.lines.empty() || !a.city.empty() || !a.postcode.empty()) {
      Object::Ptr address = object();
      if (!a.lines.empty()) {
        Array::Ptr lines = new Array;
        for (const auto& l : a.lines) lines->add(l);
        address->set("line", lines);
      }
      setIf(address, "city", a.city);
      setIf(address, "postalCode", a.postcode);
      r->set("address", one(address));
    }
    if (!p.gpPractice.empty()) r->set("generalPractitioner", one(odsReference(p.gpPractice)));
    return url;
  }

  void specimen(std::size_t index, const std::string& patient) {
    const model::Specimen& sp = m_.specimens[index];
    std::string url;
    Object::Ptr r = add("Specimen", "specimen:" + std::to_string(index), &url);
    specimenUrls_.push_back(url);
    if (!sp.id.empty()) r->set("accessionIdentifier", identifier("", sp.id));
    if (!sp.type.empty()) r->set("type", codeableConcept(sp.type));
    r->set("subject", reference(patient));
    setIf(r, "receivedTime", sp.receivedAt);
    if (!sp.collectedAt.empty()) {
      Object::Ptr collection = object();
      collection->set("collectedDateTime", sp.collectedAt);
      r->set("collection", collection);
    }
    if (!sp.fasting.empty()) {
      m_.warnings.push_back("FHIR: the specimen's fasting status is not carried yet");
    }
  }

  std::string requester(const model::Report& rep, std::size_t index) {
    const model::Practitioner& p = rep.requester;
    std::string practitioner;
    if (!p.id.empty() || !p.name.family.empty()) {
      Object::Ptr r = add("Practitioner", "requester:" + std::to_string(index), &practitioner);
      if (!p.id.empty()) {
        std::string system = p.idAuthority == "GMC"   ? s::kGmc
                             : p.idAuthority == "GMP" ? s::kGmp
                                                      : "";
        Object::Ptr id = identifier(system, p.id);
        if (system.empty() && !p.idAuthority.empty()) {
          Object::Ptr assigner = object();
          assigner->set("display", p.idAuthority);
          id->set("assigner", assigner);
        }
        r->set("identifier", one(id));
      }
      if (!p.name.family.empty() || !p.name.given.empty()) r->set("name", humanName(p.name));
    }
    if (rep.requesterOrganisation.empty()) return practitioner;
    std::string role;
    Object::Ptr r = add("PractitionerRole", "requester-role:" + std::to_string(index), &role);
    if (!practitioner.empty()) r->set("practitioner", reference(practitioner));
    r->set("organization", odsReference(rep.requesterOrganisation));
    return role;
  }

  std::string report(std::size_t index, const std::string& patient, const std::string& sender) {
    const model::Report& rep = m_.reports[index];
    const std::string n = std::to_string(index);
    const std::string requesterUrl = requester(rep, index);
    std::string orderUrl;
    Object::Ptr order = add("ServiceRequest", "order:" + n, &orderUrl);
    if (!rep.placerOrder.empty()) {
      Object::Ptr id = identifier("", rep.placerOrder);
      id->set("type", codeOnly(s::kV2IdentifierType, "PLAC"));
      order->set("identifier", one(id));
    }
    order->set("status", "active");
    order->set("intent", "order");
    if (!rep.code.empty()) order->set("code", codeableConcept(rep.code));
    order->set("subject", reference(patient));
    if (!rep.priority.empty()) order->set("priority", rep.priority);
    if (!requesterUrl.empty()) order->set("requester", reference(requesterUrl));
    if (!rep.clinicalDetails.empty()) {
      Object::Ptr note = object();
      note->set("text", rep.clinicalDetails);
      order->set("note", one(note));
    }

    std::string url;
    Object::Ptr r = add("DiagnosticReport", "report:" + n, &url);
    r->set("meta",
           metaProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-DiagnosticReport-Lab"));
    if (!rep.fillerOrder.empty()) {
      Object::Ptr id = identifier("", rep.fillerOrder);
      id->set("type", codeOnly(s::kV2IdentifierType, "FILL"));
      r->set("identifier", one(id));
    }
    r->set("basedOn", one(reference(orderUrl)));
    r->set("status", rep.status.empty() ? "unknown" : rep.status);
    r->set("category", one(codeOnly(s::kV2ServiceSection, "LAB", "Laboratory")));
    r->set("code",
           rep.code.empty() ? codeOnly("", "", "Pathology report") : codeableConcept(rep.code));
    r->set("subject", reference(patient));
    setIf(r, "issued", rep.issuedAt);
    if (!sender.empty()) r->set("performer", one(reference(sender)));
    if (!rep.specimens.empty()) {
      Array::Ptr specimens = new Array;
      for (std::size_t i : rep.specimens) {
        if (i < specimenUrls_.size()) specimens->add(reference(specimenUrls_[i]));
      }
      r->set("specimen", specimens);
    }
    Array::Ptr results = new Array;
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
      results->add(reference(observation(rep.results[i], patient, n + ":" + std::to_string(i))));
    }
    for (std::size_t i = 0; i < rep.comments.size(); ++i) {
      model::Observation comment;
      comment.code = {s::kResultCommentsCode, "Result comments", s::kSnomed};
      comment.value.kind = model::Value::Kind::kText;
      comment.value.text = rep.comments[i];
      comment.status = rep.status;
      results->add(reference(observation(comment, patient, n + ":comment:" + std::to_string(i))));
    }
    if (results->size()) r->set("result", results);
    setIf(r, "conclusion", rep.conclusion);
    if (!rep.documents.empty()) {
      Array::Ptr forms = new Array;
      for (const model::Document& d : rep.documents) {
        Object::Ptr a = object();
        a->set("contentType", d.contentType);
        a->set("data", d.base64);
        setIf(a, "title", d.title);
        forms->add(a);
      }
      r->set("presentedForm", forms);
    }
    if (!rep.parentFiller.empty() || !rep.parentSubId.empty()) {
      m_.warnings.push_back("FHIR: report " + n + "'s parent result link (" + rep.parentFiller +
                            " " + rep.parentSubId + ") is not carried yet");
    }
    return url;
  }

  std::string observation(const model::Observation& o, const std::string& patient,
                          const std::string& key) {
    std::string url;
    Object::Ptr r = add("Observation", "observation:" + key, &url);
    r->set("meta",
           metaProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-Lab"));
    if (!o.subId.empty()) r->set("identifier", one(identifier(s::kSubId, o.subId)));
    r->set("status", o.status.empty() ? "unknown" : o.status);
    r->set("category", one(codeOnly(s::kObservationCategory, "laboratory", "Laboratory")));
    r->set("code", codeableConcept(o.code));
    r->set("subject", reference(patient));
    setIf(r, "effectiveDateTime", o.observedAt);
    if (!o.performer.empty()) {
      Object::Ptr performer = object();
      performer->set("display", o.performer);
      r->set("performer", one(performer));
    }
    const model::Value& v = o.value;
    switch (v.kind) {
      case model::Value::Kind::kNone:
        break;
      case model::Value::Kind::kQuantity:
        if (isJsonNumber(v.quantity.value)) {
          r->set("valueQuantity", quantity(v.quantity, &m_.warnings));
        } else {
          r->set("valueString", v.quantity.comparator + v.quantity.value);
          m_.warnings.push_back("FHIR: '" + v.quantity.value + "' is not a decimal: sent as text");
        }
        break;
      case model::Value::Kind::kCoded:
        r->set("valueCodeableConcept", codeableConcept(v.coded));
        break;
      case model::Value::Kind::kText:
        r->set("valueString", v.text);
        break;
      case model::Value::Kind::kDateTime:
        r->set("valueDateTime", v.text);
        break;
      case model::Value::Kind::kRange: {
        Object::Ptr range = object();
        if (!v.range.low.value.empty()) range->set("low", quantity(v.range.low));
        if (!v.range.high.value.empty()) range->set("high", quantity(v.range.high));
        r->set("valueRange", range);
        break;
      }
      case model::Value::Kind::kRatio: {
        Object::Ptr ratio = object();
        ratio->set("numerator", quantity(v.quantity));
        ratio->set("denominator", quantity(v.denominator));
        r->set("valueRatio", ratio);
        break;
      }
    }
    if (!o.unit.empty() && v.kind != model::Value::Kind::kQuantity &&
        v.kind != model::Value::Kind::kRange) {
      // The unit of a text or coded result has no element of its own.
      m_.warnings.push_back("FHIR: the unit '" + o.unit +
                            "' of a non-numeric result is not carried");
    }
    if (!o.interpretation.empty()) {
      Array::Ptr flags = new Array;
      for (const auto& f : o.interpretation) flags->add(codeOnly(s::kInterpretation, f));
      r->set("interpretation", flags);
    }
    if (!o.comments.empty()) {
      Array::Ptr notes = new Array;
      for (const auto& c : o.comments) {
        Object::Ptr note = object();
        note->set("text", c);
        notes->add(note);
      }
      r->set("note", notes);
    }
    if (!o.method.empty()) {
      Object::Ptr method = object();
      method->set("text", o.method);
      r->set("method", method);
    }
    if (!o.referenceRanges.empty()) {
      Array::Ptr ranges = new Array;
      for (const model::Range& rr : o.referenceRanges) {
        Object::Ptr range = object();
        if (!rr.low.value.empty() && isJsonNumber(rr.low.value)) {
          range->set("low", quantity({rr.low.value, "", o.unit}));
        }
        if (!rr.high.value.empty() && isJsonNumber(rr.high.value)) {
          range->set("high", quantity({rr.high.value, "", o.unit}));
        }
        setIf(range, "text", rr.text);
        ranges->add(range);
      }
      r->set("referenceRange", ranges);
    }
    return url;
  }

  model::Message& m_;
  Object::Ptr bundle_;
  Array::Ptr entries_;
  std::vector<std::string> specimenUrls_;
};

}  // namespace

Poco::JSON::Object::Ptr writeBundle(model::Message& message) { return Writer(message).write(); }

std::string writeBundleJson(model::Message& message, bool pretty) {
  std::ostringstream out;
  writeBundle(message)->stringify(out, pretty ? 2 : 0);
  return out.str();
}

std::string writeBundleXml(model::Message& message, bool pretty) {
  return jsonToXml(writeBundle(message), pretty);
}

}  // namespace pathhub::fhir

// Model → FHIR R4 message Bundle (see bundle_writer.h). The Bundle is written in one pass,
// in document order, to a JsonSink: straight to JSON text, or to Poco objects for the XML
// form. Every fullUrl is derived from the message id and the resource's role, so references
// can be written before the resources they point at.
#include "fhir/bundle_writer.h"

#include <cstdint>
#include <map>

#include "fhir/fhir_systems.h"
#include "fhir/fhir_xml.h"
#include "fhir/json_sink.h"
#include "model/ucum.h"

namespace pathhub::fhir {
namespace {

namespace s = systems;

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
  const std::size_t first = text[0] == '-' ? 1 : 0;
  const bool leadingZero = text.size() > first + 1 && text[first] == '0' && text[first + 1] != '.';
  return digits && text.back() != '.' && !leadingZero;
}

class Writer {
 public:
  Writer(model::Message& m, JsonSink& out) : m_(m), out_(out) {}

  void write() {
    const bool hasSender = !m_.header.sendingFacility.empty();
    const bool hasReceiver = !m_.header.receivingFacility.empty();
    out_.beginObject("");
    out_.text("resourceType", "Bundle");
    out_.text("id", uuid("bundle"));
    meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle");
    identifier("identifier", s::kControlId, m_.header.messageId);
    out_.text("type", "message");
    textIf("timestamp", m_.header.sentAt);
    out_.beginArray("entry");
    messageHeader(hasSender, hasReceiver);
    if (hasSender) organisation("sender", m_.header.sendingFacility);
    if (hasReceiver) organisation("receiver", m_.header.receivingFacility);
    patient();
    for (std::size_t i = 0; i < m_.specimens.size(); ++i) specimen(i);
    for (std::size_t i = 0; i < m_.reports.size(); ++i) report(i, hasSender);
    out_.endArray();
    out_.endObject();
    if (!m_.header.event.empty() && m_.header.event != "ORU^R01") {
      m_.warnings.push_back("FHIR: the HL7 v2 event " + m_.header.event +
                            " is sent as unsolicited-observations");
    }
    if (!m_.header.version.empty()) {
      m_.warnings.push_back("FHIR: the HL7 v2 version (" + m_.header.version + ") is not carried");
    }
  }

 private:
  // --- ids and the shapes every resource uses ---

  // A name-based UUID for the resource `key` of this message, the same on every run: 128 bits
  // of two FNV-1a hashes of "pathhub:<message id>:<key>", marked as an RFC 9562 version 8
  // (implementation-defined) UUID. Each is made once per Bundle.
  const std::string& uuid(const std::string& key) {
    auto it = uuids_.find(key);
    if (it != uuids_.end()) return it->second;
    const std::string name = "pathhub:" + m_.header.messageId + ":" + key;
    auto fnv = [&name](std::uint64_t h) {
      for (unsigned char c : name) {
        h ^= c;
        h *= 1099511628211ULL;
      }
      return h;
    };
    std::uint64_t hi = fnv(14695981039346656037ULL);
    std::uint64_t lo = fnv(0x84222325cbf29ce4ULL ^ hi);
    hi = (hi & ~0xF000ULL) | 0x8000ULL;        // version 8
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // the RFC variant
    static const char kHex[] = "0123456789abcdef";
    std::string out(36, '-');
    std::size_t at = 0;
    for (int i = 0; i < 32; ++i) {
      if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
      const std::uint64_t word = i < 16 ? hi : lo;
      out[at++] = kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
    }
    return uuids_[key] = std::move(out);
  }
  std::string url(const std::string& key) { return "urn:uuid:" + uuid(key); }

  void textIf(std::string_view key, const std::string& value) {
    if (!value.empty()) out_.text(key, value);
  }
  void meta(const char* profile) {
    out_.beginObject("meta");
    out_.beginArray("profile");
    out_.text("", profile);
    out_.endArray();
    out_.endObject();
  }
  void reference(std::string_view key, const std::string& target) {
    out_.beginObject(key);
    out_.text("reference", target);
    out_.endObject();
  }
  void references(std::string_view key, const std::vector<std::string>& targets) {
    out_.beginArray(key);
    for (const auto& t : targets) reference("", t);
    out_.endArray();
  }
  void identifier(std::string_view key, const std::string& system, const std::string& value) {
    out_.beginObject(key);
    textIf("system", system);
    out_.text("value", value);
    out_.endObject();
  }
  void odsReference(std::string_view key, const std::string& code) {
    out_.beginObject(key);
    identifier("identifier", s::kOds, code);
    out_.endObject();
  }
  void codeableConcept(std::string_view key, const model::Coding& c) {
    out_.beginObject(key);
    if (!c.code.empty() || !c.system.empty()) {
      out_.beginArray("coding");
      out_.beginObject("");
      textIf("system", c.system);
      textIf("code", c.code);
      textIf("display", c.display);
      out_.endObject();
      out_.endArray();
    }
    if (c.code.empty()) textIf("text", c.display);
    out_.endObject();
  }
  void code(std::string_view key, const char* system, const std::string& value,
            const std::string& display = {}) {
    codeableConcept(key, {value, display, system});
  }
  void humanName(const model::HumanName& n) {
    out_.beginArray("name");
    out_.beginObject("");
    textIf("family", n.family);
    if (!n.given.empty()) {
      out_.beginArray("given");
      for (const auto& g : n.given) out_.text("", g);
      out_.endArray();
    }
    if (!n.prefix.empty()) {
      out_.beginArray("prefix");
      out_.text("", n.prefix);
      out_.endArray();
    }
    out_.endObject();
    out_.endArray();
  }
  // The unit as sent stays in `unit`; its UCUM code, when the table knows it, goes in `code`.
  void quantity(std::string_view key, const model::Quantity& q, bool warnUnit) {
    out_.beginObject(key);
    if (isJsonNumber(q.value)) {
      out_.number("value", q.value);
    } else if (!q.value.empty()) {
      m_.warnings.push_back("FHIR: '" + q.value + "' is not a decimal: left out of a quantity");
    }
    textIf("comparator", q.comparator);
    textIf("unit", q.unit);
    if (auto ucum = model::ucumCode(q.unit)) {
      out_.text("system", s::kUcum);
      out_.text("code", *ucum);
    } else if (!q.unit.empty() && warnUnit) {
      m_.warnings.push_back("FHIR: the unit '" + q.unit +
                            "' is not in the UCUM table: sent as text");
    }
    out_.endObject();
  }
  // An entry: fullUrl, then the resource with its type and id; `body` writes the rest.
  template <typename Body>
  void entry(const char* type, const std::string& key, Body body) {
    out_.beginObject("");
    out_.text("fullUrl", url(key));
    out_.beginObject("resource");
    out_.text("resourceType", type);
    out_.text("id", uuid(key));
    body();
    out_.endObject();
    out_.endObject();
  }

  // --- the resources, in the order they are written ---

  void messageHeader(bool hasSender, bool hasReceiver) {
    entry("MessageHeader", "header", [&] {
      out_.beginObject("eventCoding");
      out_.text("system", s::kMessageEvent);
      out_.text("code", "unsolicited-observations");
      out_.endObject();
      out_.beginArray("destination");
      out_.beginObject("");
      textIf("name", m_.header.receivingApplication);
      out_.text("endpoint", hasReceiver ? m_.header.receivingFacility : "unknown");
      if (hasReceiver) reference("receiver", url("receiver"));
      out_.endObject();
      out_.endArray();
      if (hasSender) reference("sender", url("sender"));
      out_.beginObject("source");
      textIf("name", m_.header.sendingApplication);
      out_.text("endpoint", hasSender ? m_.header.sendingFacility : "unknown");
      out_.endObject();
      std::vector<std::string> focus;
      for (std::size_t i = 0; i < m_.reports.size(); ++i)
        focus.push_back(url("report:" + std::to_string(i)));
      references("focus", focus);
    });
  }

  void organisation(const std::string& key, const std::string& ods) {
    entry("Organization", key, [&] {
      out_.beginArray("identifier");
      identifier("", s::kOds, ods);
      out_.endArray();
    });
  }

  void patient() {
    const model::Patient& p = m_.patient;
    entry("Patient", "patient", [&] {
      meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient");
      if (!p.nhsNumber.empty() || !p.identifiers.empty()) {
        out_.beginArray("identifier");
        if (!p.nhsNumber.empty()) {
          out_.beginObject("");
          out_.text("system", s::kNhsNumber);
          out_.text("value", p.nhsNumber);
          if (!p.nhsNumberStatus.empty()) {
            out_.beginArray("extension");
            out_.beginObject("");
            out_.text("url", s::kNhsNumberStatusExtension);
            code("valueCodeableConcept", s::kNhsNumberStatus, p.nhsNumberStatus);
            out_.endObject();
            out_.endArray();
          }
          out_.endObject();
        }
        for (const model::Identifier& i : p.identifiers) {
          out_.beginObject("");
          out_.text("value", i.value);
          if (!i.type.empty()) code("type", s::kV2IdentifierType, i.type);
          if (!i.authority.empty()) {
            out_.beginObject("assigner");
            out_.text("display", i.authority);
            out_.endObject();
          }
          out_.endObject();
        }
        out_.endArray();
      }
      if (!p.name.family.empty() || !p.name.given.empty()) humanName(p.name);
      textIf("gender", p.sex);
      textIf("birthDate", p.birthDate);
      const model::Address& a = p.address;
      if (!a.lines.empty() || !a.city.empty() || !a.postcode.empty()) {
        out_.beginArray("address");
        out_.beginObject("");
        if (!a.lines.empty()) {
          out_.beginArray("line");
          for (const auto& l : a.lines) out_.text("", l);
          out_.endArray();
        }
        textIf("city", a.city);
        textIf("postalCode", a.postcode);
        out_.endObject();
        out_.endArray();
      }
      if (!p.gpPractice.empty()) {
        out_.beginArray("generalPractitioner");
        odsReference("", p.gpPractice);
        out_.endArray();
      }
    });
  }

  void specimen(std::size_t index) {
    const model::Specimen& sp = m_.specimens[index];
    entry("Specimen", "specimen:" + std::to_string(index), [&] {
      if (!sp.id.empty()) identifier("accessionIdentifier", "", sp.id);
      if (!sp.type.empty()) codeableConcept("type", sp.type);
      reference("subject", url("patient"));
      textIf("receivedTime", sp.receivedAt);
      if (!sp.collectedAt.empty()) {
        out_.beginObject("collection");
        out_.text("collectedDateTime", sp.collectedAt);
        out_.endObject();
      }
    });
    if (!sp.fasting.empty()) {
      m_.warnings.push_back("FHIR: the specimen's fasting status is not carried yet");
    }
  }

  // The requester: a Practitioner, wrapped in a PractitionerRole when the organisation is
  // known; returns what ServiceRequest.requester points at ("" for nobody).
  std::string requester(const model::Report& rep, const std::string& n) {
    const model::Practitioner& p = rep.requester;
    std::string practitioner;
    if (!p.id.empty() || !p.name.family.empty()) {
      practitioner = url("requester:" + n);
      entry("Practitioner", "requester:" + n, [&] {
        if (!p.id.empty()) {
          const char* system = p.idAuthority == "GMC"   ? s::kGmc
                               : p.idAuthority == "GMP" ? s::kGmp
                                                        : "";
          out_.beginArray("identifier");
          out_.beginObject("");
          textIf("system", system);
          out_.text("value", p.id);
          if (!*system && !p.idAuthority.empty()) {
            out_.beginObject("assigner");
            out_.text("display", p.idAuthority);
            out_.endObject();
          }
          out_.endObject();
          out_.endArray();
        }
        if (!p.name.family.empty() || !p.name.given.empty()) humanName(p.name);
      });
    }
    if (rep.requesterOrganisation.empty()) return practitioner;
    entry("PractitionerRole", "requester-role:" + n, [&] {
      if (!practitioner.empty()) reference("practitioner", practitioner);
      odsReference("organization", rep.requesterOrganisation);
    });
    return url("requester-role:" + n);
  }

  void report(std::size_t index, bool hasSender) {
    model::Report& rep = m_.reports[index];
    const std::string n = std::to_string(index);
    const std::string requesterUrl = requester(rep, n);
    entry("ServiceRequest", "order:" + n, [&] {
      if (!rep.placerOrder.empty()) {
        out_.beginArray("identifier");
        out_.beginObject("");
        code("type", s::kV2IdentifierType, "PLAC");
        out_.text("value", rep.placerOrder);
        out_.endObject();
        out_.endArray();
      }
      out_.text("status", "active");
      out_.text("intent", "order");
      if (!rep.code.empty()) codeableConcept("code", rep.code);
      reference("subject", url("patient"));
      textIf("priority", rep.priority);
      if (!requesterUrl.empty()) reference("requester", requesterUrl);
      if (!rep.clinicalDetails.empty()) {
        out_.beginArray("note");
        out_.beginObject("");
        out_.text("text", rep.clinicalDetails);
        out_.endObject();
        out_.endArray();
      }
    });
    // The report's comments travel as "Result comments" Observations.
    std::vector<model::Observation> comments;
    for (const std::string& c : rep.comments) {
      model::Observation comment;
      comment.code = {s::kResultCommentsCode, "Result comments", s::kSnomed};
      comment.value.kind = model::Value::Kind::kText;
      comment.value.text = c;
      comment.status = rep.status;
      comments.push_back(std::move(comment));
    }
    // The report lists its results but not the members of a group: the group lists those.
    std::vector<bool> isMember(rep.results.size(), false);
    for (const model::Observation& o : rep.results) {
      for (std::size_t m : o.members) {
        if (m < isMember.size()) isMember[m] = true;
      }
    }
    std::vector<std::string> results;
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
      if (!isMember[i]) results.push_back(url("observation:" + n + ":" + std::to_string(i)));
    }
    for (std::size_t i = 0; i < comments.size(); ++i) {
      results.push_back(url("observation:" + n + ":comment:" + std::to_string(i)));
    }
    entry("DiagnosticReport", "report:" + n, [&] {
      meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-DiagnosticReport-Lab");
      if (hasParent(rep)) {
        out_.beginArray("extension");
        out_.beginObject("");
        out_.text("url", s::kParentResult);
        out_.beginArray("extension");
        for (const auto& [name, value] :
             {std::pair<const char*, const std::string&>{"filler", rep.parentFiller},
              {"code", rep.parentCode},
              {"subId", rep.parentSubId},
              {"value", rep.parentValue}}) {
          if (value.empty()) continue;
          out_.beginObject("");
          out_.text("url", name);
          out_.text("valueString", value);
          out_.endObject();
        }
        out_.endArray();
        out_.endObject();
        out_.endArray();
      }
      if (!rep.fillerOrder.empty()) {
        out_.beginArray("identifier");
        out_.beginObject("");
        code("type", s::kV2IdentifierType, "FILL");
        out_.text("value", rep.fillerOrder);
        out_.endObject();
        out_.endArray();
      }
      references("basedOn", {url("order:" + n)});
      out_.text("status", rep.status.empty() ? "unknown" : rep.status);
      out_.beginArray("category");
      code("", s::kV2ServiceSection, "LAB", "Laboratory");
      out_.endArray();
      codeableConcept("code",
                      rep.code.empty() ? model::Coding{"", "Pathology report", ""} : rep.code);
      reference("subject", url("patient"));
      textIf("issued", rep.issuedAt);
      if (hasSender) references("performer", {url("sender")});
      if (!rep.specimens.empty()) {
        std::vector<std::string> specimens;
        for (std::size_t i : rep.specimens) {
          if (i < m_.specimens.size()) specimens.push_back(url("specimen:" + std::to_string(i)));
        }
        references("specimen", specimens);
      }
      if (!results.empty()) references("result", results);
      textIf("conclusion", rep.conclusion);
      if (!rep.documents.empty()) {
        out_.beginArray("presentedForm");
        for (const model::Document& d : rep.documents) {
          out_.beginObject("");
          textIf("contentType", d.contentType);
          textIf("data", d.base64);
          textIf("url", d.url);
          textIf("title", d.title);
          out_.endObject();
        }
        out_.endArray();
      }
    });
    // Each sensitivity is derived from the isolate it was measured on, when that can be found.
    std::string parent;
    if (hasParent(rep)) {
      parent = parentObservation(index);
      if (parent.empty()) {
        m_.warnings.push_back("FHIR: report " + n + "'s parent result (" + rep.parentFiller + " " +
                              rep.parentCode + " " + rep.parentSubId +
                              ") is not among the results before it: kept, but not linked");
      }
    }
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
      std::vector<std::string> members;
      for (std::size_t m : rep.results[i].members) {
        if (m < rep.results.size())
          members.push_back(url("observation:" + n + ":" + std::to_string(m)));
      }
      observation(rep.results[i], n + ":" + std::to_string(i), members, parent);
    }
    for (std::size_t i = 0; i < comments.size(); ++i) {
      observation(comments[i], n + ":comment:" + std::to_string(i), {}, "");
    }
  }

  // Whether OBR-26.3's text names this value: a coded value's display or code, or the text.
  static bool describes(const model::Value& v, const std::string& text) {
    return v.coded.display == text || v.coded.code == text || v.text == text;
  }

  static bool hasParent(const model::Report& r) {
    return !r.parentFiller.empty() || !r.parentCode.empty() || !r.parentSubId.empty() ||
           !r.parentValue.empty();
  }

  // The url of the result report `index` hangs from: in an earlier report with the parent's
  // filler number (any, when none is given), the first result with its code, sub-id and value
  // text (each: any, when not given). "" when there is none.
  std::string parentObservation(std::size_t index) {
    const model::Report& child = m_.reports[index];
    for (std::size_t r = 0; r < index; ++r) {
      const model::Report& candidate = m_.reports[r];
      if (!child.parentFiller.empty() && candidate.fillerOrder != child.parentFiller) continue;
      for (std::size_t i = 0; i < candidate.results.size(); ++i) {
        const model::Observation& o = candidate.results[i];
        if (!child.parentCode.empty() && o.code.code != child.parentCode) continue;
        if (!child.parentSubId.empty() && o.subId != child.parentSubId) continue;
        if (!child.parentValue.empty() && !describes(o.value, child.parentValue)) continue;
        return url("observation:" + std::to_string(r) + ":" + std::to_string(i));
      }
    }
    return {};
  }

  void observation(const model::Observation& o, const std::string& key,
                   const std::vector<std::string>& members, const std::string& derivedFrom) {
    entry("Observation", "observation:" + key, [&] {
      meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-Lab");
      if (!o.subId.empty()) {
        out_.beginArray("identifier");
        identifier("", s::kSubId, o.subId);
        out_.endArray();
      }
      out_.text("status", o.status.empty() ? "unknown" : o.status);
      out_.beginArray("category");
      code("", s::kObservationCategory, "laboratory", "Laboratory");
      out_.endArray();
      codeableConcept("code", o.code);
      reference("subject", url("patient"));
      textIf("effectiveDateTime", o.observedAt);
      if (!o.performer.empty()) {
        out_.beginArray("performer");
        out_.beginObject("");
        out_.text("display", o.performer);
        out_.endObject();
        out_.endArray();
      }
      value(o);
      if (!o.interpretation.empty()) {
        out_.beginArray("interpretation");
        for (const auto& f : o.interpretation) code("", s::kInterpretation, f);
        out_.endArray();
      }
      if (!o.comments.empty()) {
        out_.beginArray("note");
        for (const auto& c : o.comments) {
          out_.beginObject("");
          out_.text("text", c);
          out_.endObject();
        }
        out_.endArray();
      }
      if (!o.method.empty()) {
        out_.beginObject("method");
        out_.text("text", o.method);
        out_.endObject();
      }
      if (!members.empty()) references("hasMember", members);
      if (!derivedFrom.empty()) references("derivedFrom", {derivedFrom});
      if (!o.referenceRanges.empty()) {
        out_.beginArray("referenceRange");
        for (const model::Range& rr : o.referenceRanges) {
          out_.beginObject("");
          if (isJsonNumber(rr.low.value)) quantity("low", {rr.low.value, "", o.unit}, false);
          if (isJsonNumber(rr.high.value)) quantity("high", {rr.high.value, "", o.unit}, false);
          textIf("text", rr.text);
          out_.endObject();
        }
        out_.endArray();
      }
    });
  }

  void value(const model::Observation& o) {
    const model::Value& v = o.value;
    using Kind = model::Value::Kind;
    switch (v.kind) {
      case Kind::kNone:
        break;
      case Kind::kQuantity:
        if (isJsonNumber(v.quantity.value)) {
          quantity("valueQuantity", v.quantity, true);
        } else {
          out_.text("valueString", v.quantity.comparator + v.quantity.value);
          m_.warnings.push_back("FHIR: '" + v.quantity.value + "' is not a decimal: sent as text");
        }
        break;
      case Kind::kCoded:
        codeableConcept("valueCodeableConcept", v.coded);
        break;
      case Kind::kText:
        out_.text("valueString", v.text);
        break;
      case Kind::kDateTime:
        out_.text("valueDateTime", v.text);
        break;
      case Kind::kRange:
        out_.beginObject("valueRange");
        if (!v.range.low.value.empty()) quantity("low", v.range.low, false);
        if (!v.range.high.value.empty()) quantity("high", v.range.high, false);
        out_.endObject();
        break;
      case Kind::kRatio:
        out_.beginObject("valueRatio");
        quantity("numerator", v.quantity, false);
        quantity("denominator", v.denominator, false);
        out_.endObject();
        break;
    }
    if (!o.unit.empty() && v.kind != Kind::kQuantity && v.kind != Kind::kRange) {
      // The unit of a text or coded result has no element of its own.
      m_.warnings.push_back("FHIR: the unit '" + o.unit +
                            "' of a non-numeric result is not carried");
    }
  }

  model::Message& m_;
  JsonSink& out_;
  std::map<std::string, std::string> uuids_;
};

}  // namespace

Poco::JSON::Object::Ptr writeBundle(model::Message& message) {
  PocoObjectSink sink;
  Writer(message, sink).write();
  return sink.root();
}

std::string writeBundleJson(model::Message& message, bool pretty) {
  JsonTextSink sink(pretty);
  Writer(message, sink).write();
  return sink.take();
}

std::string writeBundleXml(model::Message& message, bool pretty) {
  return jsonToXml(writeBundle(message), pretty);
}

}  // namespace pathhub::fhir

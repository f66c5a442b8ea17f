// Model → FHIR R4 message Bundle (see bundle_writer.h). The Bundle is written in one pass,
// in document order, to a JsonSink: straight to JSON text, or to Poco objects for the XML
// form. Every fullUrl is derived from the message id and the resource's role, so references
// can be written before the resources they point at.
#include "fhir/bundle_writer.h"

#include <cstdint>
#include <map>
#include <optional>

#include "fhir/fhir_systems.h"
#include "fhir/fhir_xml.h"
#include "fhir/json_sink.h"
#include "hl7/ack.h"
#include "hl7/types.h"
#include "model/digest.h"
#include "model/ranges.h"
#include "model/times.h"
#include "model/ucum.h"
#include "model/vocabulary.h"
#include "model/warnings.h"

namespace pathhub::fhir {
namespace {

namespace s = systems;
namespace w = model::warning;

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
  // `request`: the message is an order, written as the NHS England pathology request message
  // (laboratory-order: ServiceRequests with their answers as supporting information).
  Writer(model::Message& m, JsonSink& out, const WriteOptions& options, bool request = false)
      : m_(m), out_(out), options_(options), request_(request) {}

  void write() {
    const bool hasSender = !m_.header.sendingFacility.empty();
    const bool hasReceiver = !m_.header.receivingFacility.empty();
    out_.beginObject("");
    out_.text("resourceType", "Bundle");
    out_.text("id", uuid("bundle"));
    meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle");
    if (!m_.header.messageId.empty()) {
      identifier("identifier", s::kControlId, m_.header.messageId);
    }
    out_.text("type", "message");
    // When the message was made (MSH-7, a source Bundle's timestamp); without one, when this
    // Bundle is assembled, which is what Bundle.timestamp means (and a message needs one).
    if (!instant("timestamp", m_.header.sentAt, "Bundle.timestamp")) {
      // The hub's clock as HL7 gives it (hl7/ack.h), read as the same instant in ISO form.
      out_.text("timestamp", hl7::parseDateTime(hl7::currentHl7Timestamp())->toIso8601());
    }
    out_.beginArray("entry");
    messageHeader(hasSender, hasReceiver);
    if (hasSender) organisation("sender", m_.header.sendingFacility);
    if (hasReceiver) organisation("receiver", m_.header.receivingFacility);
    patient();
    for (std::size_t i = 0; i < m_.specimens.size(); ++i) specimen(i);
    for (std::size_t i = 0; i < m_.reports.size(); ++i) {
      if (request_) {
        requested(i);
      } else {
        report(i, hasSender);
      }
    }
    out_.endArray();
    out_.endObject();
    if (!request_ && !m_.header.event.empty() && m_.header.event != "ORU^R01") {
      warn(w::kApproximated,
           "FHIR: the HL7 v2 event " + m_.header.event + " is sent as unsolicited-observations");
    }
    if (!m_.header.version.empty()) {
      warn(w::kNotCarried, "FHIR: the HL7 v2 version (" + m_.header.version + ") is not carried");
    }
  }

 private:
  // --- ids and the shapes every resource uses ---

  // A name-based UUID for the resource `key` of this message, the same on every run: the
  // 128-bit digest (model/digest.h) of "pathhub:<content digest>:<message id>:<key>", marked
  // as an RFC 9562 version 8 (implementation-defined) UUID. The content digest (of the bytes
  // the message was read from) keeps apart messages that reuse a control id ("1" in bare
  // EDIFACT messages). Each is made once per Bundle.
  const std::string& uuid(const std::string& key) {
    auto it = uuids_.find(key);
    if (it != uuids_.end()) return it->second;
    if (!prefix_) {
      prefix_.emplace();
      prefix_->add("pathhub:").add(m_.digest).add(":").add(m_.header.messageId).add(":");
    }
    model::Digest digest = *prefix_;  // the message's part is hashed once
    digest.add(key);
    std::uint64_t hi = digest.high();
    std::uint64_t lo = digest.low();
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

  static bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  }
  void textIf(std::string_view key, const std::string& value) {
    if (!blank(value)) out_.text(key, value);
  }
  // A FHIR dateTime: a date, or a time of day with seconds and zone. A value that is neither
  // is not written (invalid-date).
  void dateTime(std::string_view key, const std::string& value, const std::string& where) {
    if (value.empty()) return;
    auto t = model::parseIso(value);
    if (!t || (t->hasTime() && !t->offsetMinutes)) {
      warn(w::kInvalidDate,
           "FHIR: " + where + " '" + value + "' is not a FHIR dateTime: not written");
      return;
    }
    // What the readers give is already in this form: written as it is.
    if (!t->hasTime() || t->precision == model::IsoTime::Precision::kSecond) {
      out_.text(key, value);
    } else {
      out_.text(key, t->textWithSeconds());
    }
  }
  // A FHIR instant: a time of day with seconds and zone, nothing less.
  // Writes `value` as an instant; false when it is empty or is none (which is warned of).
  bool instant(std::string_view key, const std::string& value, const std::string& where) {
    if (value.empty()) return false;
    auto t = model::parseIso(value);
    if (!t || !t->hasTime() || !t->offsetMinutes) {
      warn(w::kNotCarried, "FHIR: " + where + " '" + value +
                               "' is not an instant (a time of day with a zone): not written");
      return false;
    }
    if (t->precision == model::IsoTime::Precision::kSecond) {
      out_.text(key, value);
    } else {
      out_.text(key, t->textWithSeconds());
    }
    return true;
  }
  void warn(std::string_view name, const std::string& text) { model::warn(m_, name, text); }
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
  // Every coding of the concept, standard terminologies (SNOMED CT, LOINC) first; a local
  // system's name becomes a URI in the lab's namespace (systemUri). Nothing for an empty one.
  void codeableConcept(std::string_view key, const model::Coding& c) {
    if (c.alternates.empty() && !c.code.empty()) {  // most concepts: one coding
      out_.beginObject(key);
      out_.beginArray("coding");
      out_.beginObject("");
      textIf("system", systemUri(c.system));
      out_.text("code", model::trimmed(c.code));
      textIf("display", c.display);
      out_.endObject();
      out_.endArray();
      out_.endObject();
      return;
    }
    std::vector<const model::Coding*> codings;
    for (const model::Coding* one : all(c)) {
      if (!model::trimmed(one->code).empty()) codings.push_back(one);
    }
    std::stable_sort(codings.begin(), codings.end(), [](const auto* a, const auto* b) {
      return model::isStandardTerminology(a->system) && !model::isStandardTerminology(b->system);
    });
    const std::string text = c.code.empty() ? model::trimmed(c.display) : "";
    if (codings.empty() && text.empty()) return;
    out_.beginObject(key);
    if (!codings.empty()) {
      out_.beginArray("coding");
      for (const model::Coding* one : codings) {
        out_.beginObject("");
        textIf("system", systemUri(one->system));
        out_.text("code", model::trimmed(one->code));
        textIf("display", one->display);
        out_.endObject();
      }
      out_.endArray();
    }
    textIf("text", text);
    out_.endObject();
  }
  static std::vector<const model::Coding*> all(const model::Coding& c) {
    std::vector<const model::Coding*> out = {&c};
    for (const auto& a : c.alternates) out.push_back(&a);
    return out;
  }
  // A coding system as a URI: a URI stays; a lab's own name ("WinPath", "L", "99ABC") goes
  // into the sending lab's namespace (systems::localCodeSystem), never written raw.
  const std::string& systemUri(const std::string& system) {
    if (system.empty() || isUri(system)) return system;
    auto it = systemUris_.find(system);
    if (it != systemUris_.end()) return it->second;
    const std::string name = model::trimmed(system);
    std::string uri =
        name.empty() || isUri(name)
            ? name
            : systems::localCodeSystem(m_.header.sendingFacility, name, options_.localCodeSystems);
    return systemUris_[system] = std::move(uri);
  }
  static bool isUri(const std::string& s) {
    const auto colon = s.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    for (std::size_t i = 0; i < colon; ++i) {
      const char c = s[i];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return std::isalpha(static_cast<unsigned char>(s[0])) &&
           s.find_first_of(" \t\r\n") == std::string::npos;
  }
  // A CodeableConcept of one coding in a system pathhub names (a URI).
  void code(std::string_view key, const char* system, std::string_view value,
            std::string_view display = {}) {
    out_.beginObject(key);
    out_.beginArray("coding");
    out_.beginObject("");
    out_.text("system", system);
    out_.text("code", value);
    if (!display.empty()) out_.text("display", display);
    out_.endObject();
    out_.endArray();
    out_.endObject();
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
      warn(w::kNotCarried, "FHIR: '" + q.value + "' is not a decimal: left out of a quantity");
    }
    textIf("comparator", q.comparator);
    textIf("unit", q.unit);
    if (auto ucum = model::ucumCode(q.unit)) {
      out_.text("system", s::kUcum);
      out_.text("code", *ucum);
    } else if (!q.unit.empty() && warnUnit) {
      warn(w::kNotCarried,
           "FHIR: the unit '" + q.unit + "' is not in the UCUM table: sent as text");
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
      out_.text("code", request_ ? "laboratory-order" : "unsolicited-observations");
      out_.endObject();
      out_.beginArray("destination");
      out_.beginObject("");
      textIf("name", m_.header.receivingApplication);
      out_.text("endpoint", systems::endpoint(m_.header.receivingFacility));
      if (hasReceiver) reference("receiver", url("receiver"));
      out_.endObject();
      out_.endArray();
      if (hasSender) reference("sender", url("sender"));
      out_.beginObject("source");
      textIf("name", m_.header.sendingApplication);
      out_.text("endpoint", systems::endpoint(m_.header.sendingFacility));
      out_.endObject();
      std::vector<std::string> focus;
      for (std::size_t i = 0; i < m_.reports.size(); ++i)
        focus.push_back(url((request_ ? "order:" : "report:") + std::to_string(i)));
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
          if (model::trimmed(i.value).empty()) continue;
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
      if (!p.birthDate.empty()) {
        const auto date = model::parseIso(p.birthDate);
        if (date && !date->hasTime()) {
          out_.text("birthDate", p.birthDate);
        } else {
          warn(w::kInvalidDate,
               "FHIR: the birth date '" + p.birthDate + "' is not a date: not written");
        }
      }
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
      codeableConcept("type", sp.type);
      reference("subject", url("patient"));
      dateTime("receivedTime", sp.receivedAt, "Specimen.receivedTime");
      if (!sp.collectedAt.empty() || !sp.fasting.empty()) {
        out_.beginObject("collection");
        dateTime("collectedDateTime", sp.collectedAt, "Specimen.collection.collectedDateTime");
        if (!sp.fasting.empty()) {
          code("fastingStatusCodeableConcept", s::kFastingStatus, sp.fasting);
        }
        out_.endObject();
      }
      notes(sp.comments);
    });
  }

  void notes(const std::vector<std::string>& texts) {
    bool any = false;
    for (const auto& t : texts) any = any || !model::trimmed(t).empty();
    if (!any) return;
    out_.beginArray("note");
    for (const auto& t : texts) {
      if (model::trimmed(t).empty()) continue;
      out_.beginObject("");
      out_.text("text", t);
      out_.endObject();
    }
    out_.endArray();
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
    if (rep.requesterOrganisation.empty() && rep.requesterOrganisationName.empty()) {
      return practitioner;
    }
    entry("PractitionerRole", "requester-role:" + n, [&] {
      if (!practitioner.empty()) reference("practitioner", practitioner);
      out_.beginObject("organization");
      if (!rep.requesterOrganisation.empty()) {
        identifier("identifier", s::kOds, rep.requesterOrganisation);
      }
      textIf("display", rep.requesterOrganisationName);
      out_.endObject();
    });
    return url("requester-role:" + n);
  }

  // An order's requested test: its ServiceRequest (status from the order control, the
  // questions' answers as supportingInfo, its specimens) and the answers as Observations.
  void requested(std::size_t index) {
    model::Report& rep = m_.reports[index];
    const std::string n = std::to_string(index);
    const std::string requesterUrl = requester(rep, n);
    std::vector<std::string> answers;
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
      answers.push_back(url("observation:" + n + ":" + std::to_string(i)));
    }
    entry("ServiceRequest", "order:" + n, [&] {
      meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest");
      if (!rep.placerOrder.empty()) {
        out_.beginArray("identifier");
        out_.beginObject("");
        code("type", s::kV2IdentifierType, "PLAC");
        out_.text("value", rep.placerOrder);
        out_.endObject();
        out_.endArray();
      }
      out_.text("status", requestStatus(rep.status, n));
      out_.text("intent", "order");
      out_.beginArray("category");
      code("", s::kSnomed, "108252007", "Laboratory procedure");
      out_.endArray();
      textIf("priority", rep.priority);
      if (rep.code.empty()) {
        warn(w::kNotCarried, "FHIR: requested test " + n + " has no code: sent as text");
        codeableConcept("code", {"", "Uncoded test", "", {}});
      } else {
        codeableConcept("code", rep.code);
      }
      reference("subject", url("patient"));
      dateTime("authoredOn", rep.issuedAt, "ServiceRequest.authoredOn");
      if (!requesterUrl.empty()) reference("requester", requesterUrl);
      if (!answers.empty()) references("supportingInfo", answers);
      std::vector<std::string> specimens;
      for (std::size_t i : rep.specimens) {
        if (i < m_.specimens.size()) specimens.push_back(url("specimen:" + std::to_string(i)));
      }
      if (!specimens.empty()) references("specimen", specimens);
      std::vector<std::string> texts;
      if (!rep.clinicalDetails.empty()) texts.push_back(rep.clinicalDetails);
      for (const auto& c : rep.comments) texts.push_back(c);
      notes(texts);
    });
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
      observation(rep.results[i], n + ":" + std::to_string(i), {}, "", rep.specimens);
    }
  }

  std::string requestStatus(const std::string& status, const std::string& n) {
    if (status == "active" || status == "revoked" || status == "on-hold" || status == "completed" ||
        status == "draft" || status == "entered-in-error") {
      return status;
    }
    if (!status.empty() && status != "unknown") {
      warn(w::kUnmappableStatus,
           "FHIR: requested test " + n + " status '" + status + "' is not a request status");
    }
    return "unknown";
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
      notes({rep.clinicalDetails});
    });
    // The report's comments travel as "Result comments" Observations.
    std::vector<model::Observation> comments;
    for (const std::string& c : rep.comments) {
      if (model::trimmed(c).empty()) continue;
      model::Observation comment;
      comment.code = {s::kResultCommentsCode, "Result comments", s::kSnomed, {}};
      comment.value.kind = model::Value::Kind::kText;
      comment.value.text = c;
      comment.status = observationStatus(rep.status);
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
      out_.text("status", fhirStatus(rep.status, model::isReportStatus, "report " + n));
      out_.beginArray("category");
      code("", s::kV2ServiceSection, "LAB", "Laboratory");
      out_.endArray();
      codeableConcept("code",
                      rep.code.empty() ? model::Coding{"", "Pathology report", "", {}} : rep.code);
      reference("subject", url("patient"));
      instant("issued", rep.issuedAt, "DiagnosticReport.issued");
      if (!rep.performingLab.empty()) {
        references("performer", {url("performer:" + n)});
      } else if (hasSender) {
        references("performer", {url("sender")});
      }
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
          if (isBase64(d.base64)) {
            textIf("data", d.base64);
          } else if (!d.base64.empty()) {
            warn(w::kNotCarried,
                 "FHIR: a document (" + d.title + ") whose data is not base64 was not written");
          }
          textIf("url", d.url);
          textIf("title", d.title);
          out_.endObject();
        }
        out_.endArray();
      }
    });
    if (!rep.performingLab.empty()) {
      entry("Organization", "performer:" + n, [&] { out_.text("name", rep.performingLab); });
    }
    // Each sensitivity is derived from the isolate it was measured on, when that can be found.
    std::string parent;
    if (hasParent(rep)) {
      parent = parentObservation(index);
      if (parent.empty()) {
        warn(w::kNotCarried, "FHIR: report " + n + "'s parent result (" + rep.parentFiller + " " +
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
      observation(rep.results[i], n + ":" + std::to_string(i), members, parent, rep.specimens);
    }
    for (std::size_t i = 0; i < comments.size(); ++i) {
      observation(comments[i], n + ":comment:" + std::to_string(i), {}, "", {});
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

  static bool isBase64(const std::string& data) {
    if (data.empty() || data.size() % 4 != 0) return false;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(data[i]);
      if (c == '=') {
        if (i + 2 < data.size()) return false;
        ++padding;
      } else if (padding || !(std::isalnum(c) || c == '+' || c == '/')) {
        return false;
      }
    }
    return true;
  }

  // The status FHIR has for the model's word (`known`: DiagnosticReport's or Observation's
  // set); a word it does not have is refused (unmappable-status) and sent as unknown.
  std::string fhirStatus(const std::string& status, bool (*known)(const std::string&),
                         const std::string& where) {
    if (status.empty()) return "unknown";
    if (known(status)) return status;
    warn(w::kUnmappableStatus,
         "FHIR: " + where + " status '" + status + "' is not a FHIR status: sent as unknown");
    return "unknown";
  }
  // A report's status as an Observation's (for its comments): Observation has no partial or
  // appended.
  static std::string observationStatus(const std::string& status) {
    if (status == "partial") return "preliminary";
    if (status == "appended") return "amended";
    return status.empty() ? "unknown" : status;
  }

  // HL7 table 0078 flags are v3 ObservationInterpretation codes; OR and PA (UK only, from
  // NHS003) have no system there: written with their meaning, as the NHS lab-results adaptor
  // writes them.
  void interpretation(const std::vector<std::string>& flags, const std::string& what) {
    bool any = false;
    for (const auto& f : flags) any = any || !f.empty();
    if (!any) return;
    out_.beginArray("interpretation");
    for (const auto& f : flags) {
      if (f.empty()) continue;
      out_.beginObject("");
      out_.beginArray("coding");
      out_.beginObject("");
      if (const char* display = ukOnlyFlag(f)) {
        out_.text("code", f);
        out_.text("display", display);
      } else {
        if (!isV3Interpretation(f)) {
          warn(w::kNotCarried,
               "FHIR: the flag '" + f + "' of " + what +
                   " is not an ObservationInterpretation code: sent without a system");
        } else {
          out_.text("system", s::kInterpretation);
        }
        out_.text("code", f);
      }
      out_.endObject();
      out_.endArray();
      out_.endObject();
    }
    out_.endArray();
  }
  static const char* ukOnlyFlag(const std::string& f) {
    if (f == "OR") return "Outside reference range";
    if (f == "PA") return "Potentially abnormal";
    return nullptr;
  }
  static bool isV3Interpretation(const std::string& f) {
    static const char* const kCodes[] = {
        "<",   ">",   "A",     "AA",    "AC",  "B",  "CAR", "Carrier", "D",   "DET", "E",  "EX",
        "EXP", "H",   "HH",    "HU",    "HX",  "I",  "IE",  "IND",     "L",   "LL",  "LU", "LX",
        "MS",  "N",   "NCL",   "ND",    "NEG", "NR", "NS",  "OBX",     "POS", "QCF", "R",  "RR",
        "S",   "SDD", "SYN-R", "SYN-S", "TOX", "U",  "UNE", "VS",      "W",   "WR"};
    for (const char* c : kCodes) {
      if (f == c) return true;
    }
    return false;
  }

  void observation(const model::Observation& o, const std::string& key,
                   const std::vector<std::string>& members, const std::string& derivedFrom,
                   const std::vector<std::size_t>& reportSpecimens) {
    entry("Observation", "observation:" + key, [&] {
      meta("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-Lab");
      if (!o.subId.empty()) {
        out_.beginArray("identifier");
        identifier("", s::kSubId, o.subId);
        out_.endArray();
      }
      out_.text("status", fhirStatus(o.status, model::isResultStatus, "result " + o.code.code));
      out_.beginArray("category");
      code("", s::kObservationCategory, "laboratory", "Laboratory");
      out_.endArray();
      if (o.code.empty()) {
        warn(w::kNotCarried, "FHIR: a result without a code is sent as 'Uncoded result'");
        codeableConcept("code", {"", "Uncoded result", "", {}});
      } else {
        codeableConcept("code", o.code);
      }
      reference("subject", url("patient"));
      dateTime("effectiveDateTime", o.observedAt, "Observation.effectiveDateTime");
      if (!o.performer.empty()) {
        out_.beginArray("performer");
        out_.beginObject("");
        out_.text("display", o.performer);
        out_.endObject();
        out_.endArray();
      }
      value(o);
      interpretation(o.interpretation, o.code.code);
      notes(o.comments);
      if (!o.method.empty()) {
        out_.beginObject("method");
        out_.text("text", o.method);
        out_.endObject();
      }
      // Observation.specimen is one: the result's own, else its report's only one.
      const auto& mine = o.specimens.empty() ? reportSpecimens : o.specimens;
      if (!mine.empty() && mine.front() < m_.specimens.size() &&
          (!o.specimens.empty() || reportSpecimens.size() == 1)) {
        reference("specimen", url("specimen:" + std::to_string(mine.front())));
        if (o.specimens.size() > 1) {
          warn(w::kNotCarried, "FHIR: " + o.code.code + " names " +
                                   std::to_string(o.specimens.size()) +
                                   " specimens; Observation.specimen holds one, the first");
        }
      }
      if (!members.empty()) references("hasMember", members);
      if (!derivedFrom.empty()) references("derivedFrom", {derivedFrom});
      // Each range in its own unit (a folate range in nmol/L beside a result in ng/mL).
      bool anyRange = false;
      for (const model::Range& rr : o.referenceRanges) {
        anyRange = anyRange || isJsonNumber(rr.low.value) || isJsonNumber(rr.high.value) ||
                   !model::trimmed(rr.text).empty();
      }
      if (anyRange) {
        out_.beginArray("referenceRange");
        for (const model::Range& rr : o.referenceRanges) {
          const bool low = isJsonNumber(rr.low.value), high = isJsonNumber(rr.high.value);
          if (!low && !high && model::trimmed(rr.text).empty()) continue;
          out_.beginObject("");
          if (low) quantity("low", rr.low, false);
          if (high) quantity("high", rr.high, false);
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
        } else if (!v.quantity.value.empty()) {
          out_.text("valueString", v.quantity.comparator + v.quantity.value);
          warn(w::kValueAsText, "FHIR: '" + v.quantity.value + "' is not a decimal: sent as text");
        }
        break;
      case Kind::kCoded:
        codeableConcept("valueCodeableConcept", v.coded);
        break;
      case Kind::kText:
        textIf("valueString", v.text);
        break;
      case Kind::kDateTime:
        dateTime("valueDateTime", v.text, "Observation.valueDateTime");
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
      warn(w::kNotCarried,
           "FHIR: the unit '" + o.unit + "' of a non-numeric result is not carried");
    }
  }

  model::Message& m_;
  JsonSink& out_;
  const WriteOptions& options_;
  const bool request_;
  std::map<std::string, std::string> uuids_;
  std::optional<model::Digest> prefix_;
  std::map<std::string, std::string> systemUris_;  // a lab's system names as URIs
};

}  // namespace

Poco::JSON::Object::Ptr writeBundle(model::Message& message, const WriteOptions& options) {
  PocoObjectSink sink;
  Writer(message, sink, options).write();
  return sink.root();
}

std::string writeBundleJson(model::Message& message, bool pretty, const WriteOptions& options) {
  JsonTextSink sink(pretty);
  Writer(message, sink, options).write();
  return sink.take();
}

std::string writeBundleXml(model::Message& message, bool pretty, const WriteOptions& options) {
  return jsonToXml(writeBundle(message, options), pretty);
}

std::string writeRequestBundleJson(model::Message& order, bool pretty,
                                   const WriteOptions& options) {
  JsonTextSink sink(pretty);
  Writer(order, sink, options, true).write();
  return sink.take();
}

std::string writeRequestBundleXml(model::Message& order, bool pretty, const WriteOptions& options) {
  PocoObjectSink sink;
  Writer(order, sink, options, true).write();
  return jsonToXml(sink.root(), pretty);
}

}  // namespace pathhub::fhir

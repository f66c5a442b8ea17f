// FHIR laboratory orders as OML^O21 (see order_reader.h).
#include "fhir/order_reader.h"

#include "fhir/bundle_entries.h"
#include "fhir/fhir_systems.h"
#include "fhir/json_access.h"
#include "hl7/message.h"
#include "model/v2_writer.h"
#include "model/vocabulary.h"

namespace pathhub::fhir {
namespace {

using json::arr;
using json::first;
using json::obj;
using json::text;
using Poco::JSON::Object;
namespace s = systems;

// "2022-01-29T10:24:00+00:00" → "20220129102400+0000" (HL7 TS).
std::string hl7Time(const std::string& iso) { return model::isoToHl7(iso); }

}  // namespace

bool isOrderBundle(const Object::Ptr& bundle) {
  if (!bundle || text(bundle, "resourceType") != "Bundle") return false;
  bool request = false, report = false;
  for (const Object::Ptr& r : bundleEntries(bundle).all) {
    const std::string type = text(r, "resourceType");
    if (type == "MessageHeader") {
      const std::string event = text(obj(r, "eventCoding"), "code");
      if (event == "laboratory-order" || event == "servicerequest-request") return true;
    }
    request = request || type == "ServiceRequest";
    report = report || type == "DiagnosticReport";
  }
  return request && !report;
}

Result<std::string> orderBundleToOml(const Object::Ptr& bundle) {
  const BundleEntries all = bundleEntries(bundle);
  Object::Ptr header, patient;
  std::vector<Object::Ptr> requests;
  for (const Object::Ptr& r : all.all) {
    const std::string type = text(r, "resourceType");
    if (type == "MessageHeader") header = r;
    if (type == "Patient" && !patient) patient = r;
    if (type == "ServiceRequest") requests.push_back(r);
  }
  if (requests.empty()) return fail(ErrorCode::kInvalidValue, "/entry: no ServiceRequest");
  const Object::Ptr sender = header ? all.resolve(obj(header, "sender")) : nullptr;
  const Object::Ptr receiver =
      header ? all.resolve(obj(first(header, "destination"), "receiver")) : nullptr;
  const std::string senderOds = identifierOf(sender, s::kOds);
  auto started = hl7::Message::parse("MSH|^~\\&|\r");
  if (!started) return tl::unexpected(started.error());
  hl7::Message& m = *started;
  auto set = [&m](const std::string& path, const std::string& value) {
    if (value.empty()) return;
    (void)m.set(path, value);
  };
  set("MSH-3", text(sender, "name"));
  set("MSH-4", senderOds);
  set("MSH-5", text(receiver, "name"));
  set("MSH-6", identifierOf(receiver, s::kOds));
  set("MSH-7", hl7Time(text(bundle, "timestamp")));
  set("MSH-9.1", "OML");
  set("MSH-9.2", "O21");
  set("MSH-9.3", "OML_O21");
  std::string control = text(obj(bundle, "identifier"), "value");
  if (control.empty() && header) control = text(header, "id");
  if (control.empty()) {
    return fail(ErrorCode::kInvalidValue, "/identifier: the Bundle has no identifier");
  }
  set("MSH-10", control);
  set("MSH-11", "P");
  set("MSH-12", "2.5");
  (void)m.appendSegment("PID");
  if (patient) {
    set("PID-3.1", identifierOf(patient, s::kNhsNumber));
    if (!identifierOf(patient, s::kNhsNumber).empty()) {
      set("PID-3.4", "NHS");
      set("PID-3.5", "NH");
    }
    Object::Ptr name = first(patient, "name");
    set("PID-5.1", text(name, "family"));
    if (auto given = arr(name, "given"); given && given->size()) {
      set("PID-5.2", given->getElement<std::string>(0));
    }
    set("PID-7", hl7Time(text(patient, "birthDate")));
    const std::string gender = text(patient, "gender");
    set("PID-8", gender == "male" ? "M" : gender == "female" ? "F" : gender.empty() ? "" : "U");
  }
  int n = 0;
  for (const Object::Ptr& r : requests) {
    ++n;
    const std::string status = text(r, "status");
    const bool cancel =
        status == "revoked" || status == "entered-in-error" || status == "completed";
    const std::string placer = identifierOf(r, "");
    if (placer.empty()) {
      return fail(ErrorCode::kInvalidValue,
                  "ServiceRequest " + std::to_string(n) + " /identifier: no placer identifier");
    }
    (void)m.appendSegment("ORC");
    const std::string orc = "ORC[" + std::to_string(n) + "]-";
    set(orc + "1", cancel ? "CA" : "NW");
    set(orc + "2", placer);
    set(orc + "9", hl7Time(text(r, "authoredOn")));
    if (Object::Ptr who = all.resolve(obj(r, "requester"))) {
      Object::Ptr name = first(who, "name");
      set(orc + "12.1", identifierOf(who, ""));
      set(orc + "12.2", text(name, "family"));
      if (auto given = arr(name, "given"); given && given->size()) {
        set(orc + "12.3", given->getElement<std::string>(0));
      }
    }
    set(orc + "21.1", text(sender, "name"));
    set(orc + "21.3", senderOds);
    (void)m.appendSegment("OBR");
    const std::string obr = "OBR[" + std::to_string(n) + "]-";
    set(obr + "1", std::to_string(n));
    set(obr + "2", placer);
    Object::Ptr code = first(obj(r, "code"), "coding");
    if (!code) {
      return fail(ErrorCode::kInvalidValue,
                  "ServiceRequest " + std::to_string(n) + " /code/coding: no test code");
    }
    set(obr + "4.1", text(code, "code"));
    set(obr + "4.2", text(code, "display"));
    set(obr + "4.3", model::systemToV2(text(code, "system")));
  }
  return m.encode();
}

}  // namespace pathhub::fhir

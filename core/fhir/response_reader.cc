// FHIR response messages as HL7 v2 ACKs (see response_reader.h).
#include "fhir/response_reader.h"

#include "fhir/bundle_entries.h"
#include "fhir/fhir_systems.h"
#include "hl7/message.h"
#include "model/v2_writer.h"

namespace pathhub::fhir {
namespace {

using json::arr;
using json::first;
using json::obj;
using json::text;
using Poco::JSON::Object;

Object::Ptr header(const Object::Ptr& bundle) {
  if (!bundle || text(bundle, "resourceType") != "Bundle") return nullptr;
  return bundleEntries(bundle).firstOf("MessageHeader");
}

}  // namespace

std::string outcomeIssues(const Object::Ptr& outcome) {
  std::string out;
  auto list = arr(outcome, "issue");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    Object::Ptr issue = list->getObject(static_cast<unsigned>(i));
    std::string what = text(issue, "diagnostics");
    Object::Ptr details = obj(issue, "details");
    if (what.empty()) what = text(details, "text");
    if (what.empty()) what = text(first(details, "coding"), "display");
    if (what.empty()) what = text(first(details, "coding"), "code");
    std::string one = text(issue, "severity");
    if (!what.empty()) one += (one.empty() ? "" : ": ") + what;
    if (const std::string code = text(issue, "code"); !code.empty()) one += " (" + code + ")";
    if (!one.empty()) out += (out.empty() ? "" : "; ") + one;
  }
  return out;
}

bool isResponseBundle(const Object::Ptr& bundle) {
  Object::Ptr h = header(bundle);
  return h && obj(h, "response");
}

std::string messageHeaderId(const Object::Ptr& bundle) { return text(header(bundle), "id"); }

Result<std::string> responseBundleToAck(const Object::Ptr& bundle) {
  const BundleEntries all = bundleEntries(bundle);
  Object::Ptr h = all.firstOf("MessageHeader");
  Object::Ptr response = obj(h, "response");
  if (!response) {
    return fail(ErrorCode::kInvalidValue, "/entry: no MessageHeader with a response");
  }
  const std::string answered = text(response, "identifier");
  if (answered.empty()) {
    return fail(ErrorCode::kInvalidValue,
                "MessageHeader /response/identifier: the answer names no message");
  }
  const std::string code = text(response, "code");
  const char* msa = code == "ok"                ? "AA"
                    : code == "transient-error" ? "AE"
                    : code == "fatal-error"     ? "AR"
                                                : nullptr;
  if (!msa) {
    return fail(ErrorCode::kInvalidValue, "MessageHeader /response/code: '" + code +
                                              "' is none of ok, transient-error, fatal-error");
  }
  const std::string own = text(h, "id");
  if (own.empty()) {
    return fail(ErrorCode::kInvalidValue, "MessageHeader /id: the answer has no id of its own");
  }
  std::string detail = outcomeIssues(all.resolve(obj(response, "details")));
  // An answer that is not "ok" always says so, even when it gives no reason.
  if (detail.empty() && code != "ok") detail = code;
  const Object::Ptr sender = all.resolve(obj(h, "sender"));
  const Object::Ptr receiver = all.resolve(obj(first(h, "destination"), "receiver"));
  auto started = hl7::Message::parse("MSH|^~\\&|\r");
  if (!started) return tl::unexpected(started.error());
  hl7::Message& m = *started;
  auto set = [&m](const std::string& path, const std::string& value) {
    if (!value.empty()) (void)m.set(path, value);
  };
  set("MSH-3", text(obj(h, "source"), "name"));
  set("MSH-4", identifierOf(sender, systems::kOds));
  set("MSH-5", text(first(h, "destination"), "name"));
  set("MSH-6", identifierOf(receiver, systems::kOds));
  set("MSH-7", model::isoToHl7(text(bundle, "timestamp")));
  set("MSH-9.1", "ACK");
  set("MSH-10", own);
  set("MSH-11", "P");
  set("MSH-12", "2.5");
  (void)m.appendSegment("MSA");
  set("MSA-1", msa);
  set("MSA-2", answered);
  set("MSA-3", detail);
  if (code != "ok") {
    (void)m.appendSegment("ERR");
    set("ERR-4", code == "fatal-error" ? "E" : "W");
    set("ERR-8", detail);
  }
  return m.encode();
}

}  // namespace pathhub::fhir

// A GP system's FHIR response message (see fhir_response.h).
#include "fhir_response.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace pathhub::testing {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Object::Ptr entry(const std::string& fullUrl, const Object::Ptr& resource) {
  Object::Ptr e = new Object;
  e->set("fullUrl", fullUrl);
  e->set("resource", resource);
  return e;
}

}  // namespace

std::string fhirResponseJson(const FhirResponse& r) {
  Object::Ptr header = new Object;
  header->set("resourceType", "MessageHeader");
  header->set("id", r.ownId);
  Object::Ptr event = new Object;
  event->set("system", "https://fhir.nhs.uk/CodeSystem/message-event");
  event->set("code", "pathology-response");
  header->set("eventCoding", event);
  Object::Ptr sender = new Object;
  sender->set("reference", "urn:uuid:0b9e8c44-27d5-4c8f-a1f3-6e2d7c9b5a10");
  header->set("sender", sender);
  Object::Ptr source = new Object;
  source->set("name", "GP SYSTEM");
  source->set("endpoint", "https://gp.example.nhs.uk/fhir");
  header->set("source", source);
  Object::Ptr response = new Object;
  response->set("identifier", r.answered);
  response->set("code", r.code);
  Array::Ptr entries = new Array;
  entries->add(entry("urn:uuid:" + r.ownId, header));
  if (!r.reason.empty()) {
    Object::Ptr details = new Object;
    details->set("reference", "urn:uuid:6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
    response->set("details", details);
    Object::Ptr outcome = new Object;
    outcome->set("resourceType", "OperationOutcome");
    outcome->set("id", "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
    Object::Ptr issue = new Object;
    issue->set("severity", "error");
    issue->set("code", "processing");
    issue->set("diagnostics", r.reason);
    Array::Ptr issues = new Array;
    issues->add(issue);
    outcome->set("issue", issues);
    entries->add(entry("urn:uuid:6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", outcome));
  }
  header->set("response", response);
  Object::Ptr practice = new Object;
  practice->set("resourceType", "Organization");
  practice->set("id", "0b9e8c44-27d5-4c8f-a1f3-6e2d7c9b5a10");
  Object::Ptr ods = new Object;
  ods->set("system", "https://fhir.nhs.uk/Id/ods-organization-code");
  ods->set("value", r.practiceOds);
  Array::Ptr ids = new Array;
  ids->add(ods);
  practice->set("identifier", ids);
  entries->add(entry("urn:uuid:0b9e8c44-27d5-4c8f-a1f3-6e2d7c9b5a10", practice));
  Object::Ptr bundle = new Object;
  bundle->set("resourceType", "Bundle");
  bundle->set("id", r.ownId);
  bundle->set("type", "message");
  bundle->set("timestamp", "2026-12-03T10:15:00+00:00");
  bundle->set("entry", entries);
  std::ostringstream out;
  bundle->stringify(out);
  return out.str();
}

}  // namespace pathhub::testing

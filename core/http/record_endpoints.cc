// The network's pathology record over FHIR R4 (core/record/README.md), read-only:
//   GET /fhir/R4/metadata                                  the CapabilityStatement (open)
//   GET /fhir/R4/Patient?identifier=…                      the patient, by NHS number
//   GET /fhir/R4/DiagnosticReport?patient.identifier=…     a patient's reports (searchset)
//   GET /fhir/R4/Observation?patient.identifier=…&code=…   a test's trend
//   GET /fhir/R4/{type}/{id}                               one resource in force
//   GET /fhir/R4/{type}/{id}/_history[/{version}]          its versions
// and for operators:
//   GET  /api/v1/record                                    what the record holds (no patient data)
//   POST /api/v1/record/rebuild                            record the journal again
// Governance: clinical role and above; a purpose of use and the user's identity on every
// request (X-Purpose-Of-Use, X-User-Id) unless <record requirePurposeOfUse="false">; an
// opted-out patient's results only to the organisation that sent them; every search and read
// audited — NHS number, purpose, user, the ids returned — before the answer leaves. Errors are
// OperationOutcomes (api_server.cc answers every /fhir/ error so).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <set>
#include <sstream>

#include "fhir/json_parse.h"
#include "http/api_endpoints.h"
#include "record/fhir_search.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kFhirJson = "application/fhir+json";

Reply fhirReply(const Object& resource, int status = 200) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(resource, out);
  return Reply{status, kFhirJson, out.str()};
}

record::RecordService& recordOf(ApiContext& context) {
  record::RecordService* r = context.hub().record();
  if (!r) throw ApiError(404, "not_found", "the record is not enabled (<record enabled>)");
  return *r;
}

// Who asks, and why: refused (and audited) when the rule requires them and they are missing.
struct Access {
  std::string purpose, user;
  std::string detail() const { return "purpose=" + purpose + " user=" + user; }
};

Access govern(ApiContext& context, const ApiRequest& r) {
  Access a{r.header("x-purpose-of-use"), r.header("x-user-id")};
  if (!recordOf(context).requirePurposeOfUse()) return a;
  std::string why;
  if (a.purpose.empty()) {
    why = "every record request must state its purpose of use (X-Purpose-Of-Use, e.g. TREAT)";
  } else if (!record::isPurposeOfUse(a.purpose)) {
    why = "X-Purpose-Of-Use '" + a.purpose + "' is not an HL7 v3 PurposeOfUse code";
  } else if (a.user.empty()) {
    why = "every record request must name the user it is made for (X-User-Id)";
  }
  if (!why.empty()) {
    context.audit(r, "record_refused", r.method + " " + r.path, why + "; " + a.detail());
    throw ApiError(403, "forbidden", why);
  }
  return a;
}

std::string baseUrl(const ApiRequest& r) {
  std::string host = r.header("host");
  if (host.empty()) host = "localhost";
  return std::string(r.secure ? "https://" : "http://") + host + "/fhir/R4";
}

// The stored resource with its version and when it was last changed.
Object::Ptr withMeta(const std::string& json, int version, std::int64_t updatedAtMs) {
  auto parsed = fhir::parseJson(json);
  if (!parsed) throw ApiError(500, "internal_error", "a stored resource is not JSON");
  Object::Ptr resource = parsed->extract<Object::Ptr>();
  Object::Ptr meta = resource->has("meta") ? resource->getObject("meta")
                                           : Object::Ptr(new Object(Poco::JSON_PRESERVE_KEY_ORDER));
  meta->set("versionId", std::to_string(version));
  meta->set("lastUpdated", isoTime(updatedAtMs));
  resource->set("meta", meta);
  return resource;
}

Object::Ptr entry(const std::string& base, const std::string& type, const Object::Ptr& resource,
                  const std::string& mode) {
  Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  e->set("fullUrl", base + "/" + type + "/" + resource->getValue<std::string>("id"));
  e->set("resource", resource);
  if (!mode.empty()) {
    Object::Ptr search = new Object;
    search->set("mode", mode);
    e->set("search", search);
  }
  return e;
}

Object bundle(const std::string& type) {
  Object b(Poco::JSON_PRESERVE_KEY_ORDER);
  b.set("resourceType", "Bundle");
  b.set("id", Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
  Object::Ptr meta = new Object;
  meta->set("lastUpdated", isoTime(journal::nowMs()));
  b.set("meta", meta);
  b.set("type", type);
  return b;
}

Object::Ptr link(const std::string& relation, const std::string& url) {
  Object::Ptr l = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  l->set("relation", relation);
  l->set("url", url);
  return l;
}

// The search's own URL with `_offset` at `offset`: the paging links.
std::string pageUrl(const std::string& base, const ApiRequest& r, const std::string& type,
                    int offset) {
  Poco::URI uri(base + "/" + type);
  for (const auto& [name, value] : r.query) {
    if (name != "_offset") uri.addQueryParameter(name, value);
  }
  if (offset > 0) uri.addQueryParameter("_offset", std::to_string(offset));
  return uri.toString();
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

// Whether an opted-out patient's results are withheld from this caller: every organisation but
// the one that sent them (the caller's token names its organisation).
std::optional<std::string> onlyOrganisation(ApiContext& context, const ApiRequest& r,
                                            const std::string& nhsNumber) {
  if (!recordOf(context).optedOut(nhsNumber)) return std::nullopt;
  return r.caller.organisation;
}

// Whether an opted-out patient's own resource is shown to `only`: when that organisation sent
// them reports in force.
bool sentBy(ApiContext& context, const std::string& nhsNumber, const std::string& only) {
  auto senders = context.journal().recordOrganisations(nhsNumber);
  if (!senders) throw ApiError::from(senders.error());
  return std::count(senders->begin(), senders->end(), only) > 0;
}

Reply search(ApiContext& context, const ApiRequest& r) {
  const std::string type = r.pathParams.at("type");
  recordOf(context);
  record::Search s;
  try {
    s = record::parseSearch(type, r.query);
  } catch (const record::SearchError& e) {
    throw ApiError::badParameter(e.parameter(),
                                 std::string(e.what()).substr(e.parameter().size() + 2));
  }
  const Access access = govern(context, r);
  journal::Journal& journal = context.journal();
  const std::string base = baseUrl(r);
  s.query.onlyOrganisation = onlyOrganisation(context, r, s.query.nhsNumber);
  Object out = bundle("searchset");
  Array::Ptr entries = new Array;
  std::vector<std::string> returned;
  std::int64_t total = 0;
  if (type == "Patient") {
    auto patient = journal.recordPatient(s.query.nhsNumber);
    if (!patient) throw ApiError::from(patient.error());
    if (patient->has_value() && (!s.query.onlyOrganisation ||
                                 sentBy(context, s.query.nhsNumber, *s.query.onlyOrganisation))) {
      const auto& p = **patient;
      entries->add(entry(base, "Patient", withMeta(p.json, p.version, p.updatedAtMs), "match"));
      returned.push_back("Patient/" + p.id);
      total = 1;
    }
  } else {
    auto page = type == "DiagnosticReport" ? journal.searchReports(s.query)
                                           : journal.searchObservations(s.query);
    if (!page) throw ApiError::from(page.error());
    total = page->total;
    std::vector<std::string> reports;
    for (const auto& row : page->rows) {
      entries->add(entry(base, type, withMeta(row.json, row.version, row.updatedAtMs), "match"));
      returned.push_back(type + "/" + row.id);
      reports.push_back(row.id);
    }
    auto include = [&](const std::string& kind, const std::string& as) {
      auto parts = journal.reportParts(kind, reports);
      if (!parts) throw ApiError::from(parts.error());
      for (const auto& row : *parts) {
        entries->add(entry(base, as, withMeta(row.json, row.version, row.updatedAtMs), "include"));
        returned.push_back(as + "/" + row.id);
      }
    };
    if (s.includeResults) include("observations", "Observation");
    if (s.includeSpecimens) include("specimens", "Specimen");
    Array::Ptr links = new Array;
    links->add(link("self", pageUrl(base, r, type, s.query.offset)));
    if (s.query.count > 0 && s.query.offset + s.query.count < total) {
      links->add(link("next", pageUrl(base, r, type, s.query.offset + s.query.count)));
    }
    if (s.query.offset > 0) {
      links->add(
          link("previous", pageUrl(base, r, type, std::max(0, s.query.offset - s.query.count))));
    }
    out.set("link", links);
  }
  out.set("total", total);
  if (entries->size() > 0) out.set("entry", entries);
  // Written before the answer leaves: no audit row, no answer.
  context.audit(r, "record_search", s.query.nhsNumber,
                access.detail() + " type=" + type + " query=" + r.queryString +
                    (s.query.onlyOrganisation ? " withheld=opted-out" : "") +
                    " returned=" + joined(returned));
  return fhirReply(out);
}

// A resource in force, after governance; 404 when it is not, or is withheld.
journal::RecordRow readable(ApiContext& context, const ApiRequest& r, const Access& access) {
  const std::string type = r.pathParams.at("type");
  const std::string id = r.pathParams.at("id");
  static const std::set<std::string> kTypes = {"Patient", "DiagnosticReport", "Observation",
                                               "Specimen"};
  if (!kTypes.count(type)) throw ApiError::notFound("the record holds no " + type + " resources");
  auto row = context.journal().recordResource(type, id);
  if (!row) throw ApiError::from(row.error());
  if (!*row) {
    context.audit(r, "record_read", "", access.detail() + " " + type + "/" + id + " not found");
    throw ApiError::notFound(type + "/" + id + " is not in the record");
  }
  // Whose it is decides who may see it: a row that does not say is never shown.
  if ((*row)->nhsNumber.empty()) {
    throw ApiError(500, "internal_error", type + "/" + id + " does not say whose it is");
  }
  const auto only = onlyOrganisation(context, r, (*row)->nhsNumber);
  const bool withheld = only && (type == "Patient" ? !sentBy(context, (*row)->nhsNumber, *only)
                                                   : (*row)->organisation != *only);
  if (withheld) {
    context.audit(r, "record_read", (*row)->nhsNumber,
                  access.detail() + " " + type + "/" + id + " withheld=opted-out");
    throw ApiError::notFound(type + "/" + id + " is not in the record");
  }
  return **row;
}

Reply read(ApiContext& context, const ApiRequest& r) {
  recordOf(context);
  const Access access = govern(context, r);
  const auto row = readable(context, r, access);
  const std::string type = r.pathParams.at("type");
  context.audit(r, "record_read", row.nhsNumber,
                access.detail() + " returned=" + type + "/" + row.id);
  return fhirReply(*withMeta(row.json, row.version, row.updatedAtMs));
}

// Every version of the resource: a report's are its own; a result's or specimen's are those
// of the report it belongs to (they change with it); a patient's, the demographics in force.
Reply history(ApiContext& context, const ApiRequest& r) {
  recordOf(context);
  const Access access = govern(context, r);
  const auto row = readable(context, r, access);
  const std::string type = r.pathParams.at("type");
  const std::string base = baseUrl(r);
  const std::string wanted = r.pathParams.count("version") ? r.pathParams.at("version") : "";
  std::vector<Object::Ptr> versions;  // oldest first
  if (type == "Patient") {
    versions.push_back(withMeta(row.json, row.version, row.updatedAtMs));
  } else {
    auto all = context.journal().reportVersions(row.reportId);
    if (!all) throw ApiError::from(all.error());
    for (const auto& v : *all) {
      auto parsed = fhir::parseJson(v.content);
      if (!parsed) throw ApiError(500, "internal_error", "a stored version is not JSON");
      Object::Ptr content = parsed->extract<Object::Ptr>();
      std::vector<Object::Ptr> candidates;
      if (type == "DiagnosticReport") candidates.push_back(content->getObject("report"));
      const std::string list = type == "Observation" ? "observations" : "specimens";
      if (type != "DiagnosticReport") {
        Array::Ptr items = content->getArray(list);
        for (std::size_t i = 0; items && i < items->size(); ++i) {
          candidates.push_back(items->getObject(i));
        }
      }
      for (Object::Ptr c : candidates) {
        if (c->getValue<std::string>("id") != row.id) continue;
        Object::Ptr meta = c->has("meta") ? c->getObject("meta")
                                          : Object::Ptr(new Object(Poco::JSON_PRESERVE_KEY_ORDER));
        meta->set("versionId", std::to_string(v.version));
        meta->set("lastUpdated", isoTime(v.recordedAtMs));
        c->set("meta", meta);
        versions.push_back(c);
      }
    }
  }
  std::vector<std::string> returned;
  if (!wanted.empty()) {
    for (const auto& v : versions) {
      if (v->getObject("meta")->getValue<std::string>("versionId") != wanted) continue;
      context.audit(r, "record_read", row.nhsNumber,
                    access.detail() + " returned=" + type + "/" + row.id + "/_history/" + wanted);
      return fhirReply(*v);
    }
    context.audit(
        r, "record_read", row.nhsNumber,
        access.detail() + " " + type + "/" + row.id + "/_history/" + wanted + " not found");
    throw ApiError::notFound(type + "/" + row.id + " has no version " + wanted);
  }
  Object out = bundle("history");
  out.set("total", static_cast<int>(versions.size()));
  Array::Ptr entries = new Array;
  // Newest first, as FHIR's history lists them.
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    Object::Ptr e = entry(base, type, *it, "");
    Object::Ptr request = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const bool first = it == std::prev(versions.rend());
    request->set("method", first ? "POST" : "PUT");
    request->set("url", first ? type : type + "/" + row.id);
    e->set("request", request);
    Object::Ptr response = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    response->set("status", first ? "201 Created" : "200 OK");
    e->set("response", response);
    entries->add(e);
    returned.push_back(type + "/" + row.id + "/_history/" +
                       (*it)->getObject("meta")->getValue<std::string>("versionId"));
  }
  if (entries->size() > 0) out.set("entry", entries);
  context.audit(r, "record_read", row.nhsNumber, access.detail() + " returned=" + joined(returned));
  return fhirReply(out);
}

Reply capabilityStatement(const ApiRequest& r) {
  Object cs(Poco::JSON_PRESERVE_KEY_ORDER);
  cs.set("resourceType", "CapabilityStatement");
  cs.set("status", "active");
  cs.set("date", isoTime(journal::nowMs()).substr(0, 10));
  cs.set("publisher", "pathhub");
  cs.set("kind", "instance");
  Object::Ptr software = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  software->set("name", "pathhub");
  cs.set("software", software);
  Object::Ptr implementation = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  implementation->set("description",
                      "the network's pathology record: every result report the hub"
                      " carried, by NHS number, read-only");
  implementation->set("url", baseUrl(r));
  cs.set("implementation", implementation);
  cs.set("fhirVersion", "4.0.1");
  Array::Ptr formats = new Array;
  formats->add("json");
  cs.set("format", formats);
  Object::Ptr rest = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  rest->set("mode", "server");
  rest->set("documentation",
            "Bearer token of the clinical role or above; every request states X-Purpose-Of-Use"
            " (HL7 v3 PurposeOfUse) and X-User-Id, and is audited. Patients who opted out are"
            " shown only to the organisation that sent their results.");
  Array::Ptr resources = new Array;
  auto param = [](const std::string& name, const std::string& type) {
    Object::Ptr p = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p->set("name", name);
    p->set("type", type);
    return p;
  };
  auto resource = [&](const std::string& type,
                      const std::vector<std::pair<std::string, std::string>>& params,
                      const std::vector<std::string>& includes) {
    Object::Ptr res = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    res->set("type", type);
    Array::Ptr interactions = new Array;
    for (const char* code : {"read", "vread", "history-instance", "search-type"}) {
      if (type == "Specimen" && std::string(code) == "search-type") continue;
      Object::Ptr i = new Object;
      i->set("code", code);
      interactions->add(i);
    }
    res->set("interaction", interactions);
    res->set("versioning", "versioned");
    res->set("readHistory", true);
    if (!includes.empty()) {
      Array::Ptr inc = new Array;
      for (const auto& i : includes) inc->add(i);
      res->set("searchInclude", inc);
    }
    if (!params.empty()) {
      Array::Ptr ps = new Array;
      for (const auto& [name, t] : params) ps->add(param(name, t));
      res->set("searchParam", ps);
    }
    resources->add(res);
  };
  resource("Patient", {{"identifier", "token"}}, {});
  resource("DiagnosticReport",
           {{"patient.identifier", "token"},
            {"subject:identifier", "token"},
            {"date", "date"},
            {"category", "token"},
            {"code", "token"},
            {"status", "token"}},
           {"DiagnosticReport:result", "DiagnosticReport:specimen"});
  resource("Observation",
           {{"patient.identifier", "token"},
            {"subject:identifier", "token"},
            {"date", "date"},
            {"code", "token"},
            {"status", "token"}},
           {});
  resource("Specimen", {}, {});
  rest->set("resource", resources);
  Array::Ptr rests = new Array;
  rests->add(rest);
  cs.set("rest", rests);
  return fhirReply(cs);
}

Reply status(ApiContext& context) {
  record::RecordService& service = recordOf(context);
  auto s = context.journal().recordStatus();
  if (!s) throw ApiError::from(s.error());
  Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("reports", s->reports);
  out.set("observations", s->observations);
  out.set("patients", s->patients);
  out.set("versions", s->versions);
  out.set("pendingMessages", s->pendingMessages);
  out.set("withoutNhsNumber", s->withoutNhsNumber);
  out.set("messagesSkipped", s->messagesSkipped);
  out.set("olderVersionsLate", s->olderVersionsLate);
  out.set("optOuts", static_cast<std::int64_t>(service.optOutCount()));
  out.set("requirePurposeOfUse", service.requirePurposeOfUse());
  return Reply::json(out);
}

}  // namespace

Reply operationOutcome(int status, const std::string& code, const std::string& message) {
  // The FHIR issue type for the answer's status (IssueType).
  std::string issue = "exception";
  if (status == 400) issue = "invalid";
  if (status == 401) issue = "login";
  if (status == 403) issue = "forbidden";
  if (status == 404) issue = "not-found";
  if (status == 405) issue = "not-supported";
  if (status == 413) issue = "too-long";
  if (status == 503) issue = "transient";
  Object outcome(Poco::JSON_PRESERVE_KEY_ORDER);
  outcome.set("resourceType", "OperationOutcome");
  Object::Ptr i = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  i->set("severity", "error");
  i->set("code", issue);
  Object::Ptr details = new Object;
  details->set("text", code);
  i->set("details", details);
  if (!message.empty()) i->set("diagnostics", message);
  Array::Ptr issues = new Array;
  issues->add(i);
  outcome.set("issue", issues);
  return fhirReply(outcome, status);
}

void addRecordEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/fhir/R4/metadata", std::nullopt,
              [](const ApiRequest& r) { return capabilityStatement(r); }});
  router.add({"GET", "/fhir/R4/{type}", Role::kClinical,
              [&context](const ApiRequest& r) { return search(context, r); }});
  router.add({"GET", "/fhir/R4/{type}/{id}", Role::kClinical,
              [&context](const ApiRequest& r) { return read(context, r); }});
  router.add({"GET", "/fhir/R4/{type}/{id}/_history", Role::kClinical,
              [&context](const ApiRequest& r) { return history(context, r); }});
  router.add({"GET", "/fhir/R4/{type}/{id}/_history/{version}", Role::kClinical,
              [&context](const ApiRequest& r) { return history(context, r); }});
  router.add({"GET", "/api/v1/record", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({});
                return status(context);
              }});
  router.add({"POST", "/api/v1/record/rebuild", Role::kAdmin, [&context](const ApiRequest& r) {
                r.allowOnly({});
                record::RecordService& service = recordOf(context);
                context.audit(r, "rebuild_record", "", "");
                if (auto ok = service.rebuild(); !ok) throw ApiError::from(ok.error());
                return status(context);
              }});
}

}  // namespace pathhub::http

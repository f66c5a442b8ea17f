// Routing by the requesting practice (see practice_router.h).
#include "routing/practice_router.h"

#include "hl7/types.h"
#include "model/v2_reader.h"
#include "model/warnings.h"

namespace pathhub::routing {
namespace {

// The assigning authority of an XCN field (.9), in each segment called `name`.
void authorities(const hl7::Message& m, std::string_view name, int field,
                 std::vector<std::string>& out) {
  for (std::size_t seg : m.segmentIndexes(name)) {
    const hl7::Clinician c = hl7::parseXcn(m.getRaw(seg, hl7::Path::at("", field)), m.delimiters());
    if (!c.assigningAuthority.namespaceId.empty()) out.push_back(c.assigningAuthority.namespaceId);
  }
}

}  // namespace

Result<PracticeRouter> PracticeRouter::make(const config::PracticeRoutingConfig& config,
                                            const std::string& where) {
  auto directory = PracticeDirectory::load(config.directory);
  if (!directory) {
    return fail(ErrorCode::kInvalidValue, where + " practices: " + directory.error().text);
  }
  std::string missing;
  for (const auto& [ods, p] : directory->practices()) {
    bool found = false;
    for (const auto& v : config.vias) found |= v.format == p.format && v.transport == p.transport;
    if (!found) {
      missing += "\n" + where + " practices: practice " + ods + " takes " + p.format + " by " +
                 p.transport + ", and no <via> carries that";
    }
  }
  if (!missing.empty()) return fail(ErrorCode::kInvalidValue, missing.substr(1));
  PracticeRouter out;
  out.config_ = config;
  out.directory_ = std::move(*directory);
  return out;
}

std::vector<std::string> PracticeRouter::candidates(const hl7::Message& m,
                                                    const model::Message* model) {
  std::vector<std::string> out;
  if (model) {
    for (const auto& r : model->reports) {
      if (!r.requesterOrganisation.empty()) out.push_back(r.requesterOrganisation);
    }
  }
  authorities(m, "OBR", 16, out);
  authorities(m, "ORC", 12, out);
  authorities(m, "PV1", 8, out);
  for (std::size_t seg : m.segmentIndexes("PD1")) {
    for (int c : {10, 3, 1}) {
      if (auto v = m.get(seg, hl7::Path::at("", 3, c)); !v.empty()) {
        out.push_back(v);
        break;
      }
    }
  }
  // The receiving facility: where a FHIR Bundle's MessageHeader.destination arrives.
  if (auto v = m.get("MSH-6.1"); v && !v->empty()) out.push_back(*v);
  return out;
}

RoutingDecision PracticeRouter::route(const hl7::Message& message,
                                      const std::string& chosenPractice) const {
  RoutingDecision out;
  // Results of several patients are not one practice's (hazard H1/H8): never routed as one,
  // whoever chose the practice.
  auto model = model::readV2(message);
  if (!model && model::warningName(model.error().text) == model::warning::kAmbiguousIdentity) {
    out.destination = config_.exceptions;
    out.exception = true;
    out.attributes["exception"] = model.error().text;
    return out;
  }
  std::vector<std::string> named = chosenPractice.empty()
                                       ? candidates(message, model ? &*model : nullptr)
                                       : std::vector<std::string>{chosenPractice};
  for (const std::string& ods : named) {
    const Practice* p = directory_.find(ods);
    if (!p) continue;
    for (const auto& v : config_.vias) {
      if (v.format != p->format || v.transport != p->transport) continue;
      out.destination = v.destination;
      out.attributes = {{"practice", p->ods},
                        {"to", p->address},
                        {"format", p->format},
                        {"acknowledgement", p->acknowledged ? "yes" : "no"}};
      if (!p->workflow.empty()) out.attributes["workflow"] = p->workflow;
      return out;
    }
  }
  out.destination = config_.exceptions;
  out.exception = true;
  if (named.empty()) {
    out.attributes["exception"] = "the message names no requesting practice";
  } else {
    out.attributes["practice"] = named.front();
    out.attributes["exception"] = "practice " + named.front() +
                                  " is not in the practice directory" +
                                  (chosenPractice.empty() ? "" : " (chosen by the mapping script)");
  }
  return out;
}

}  // namespace pathhub::routing

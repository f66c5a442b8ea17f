// Routing results by the requesting practice. The practice is the first of these found in the
// directory: the mapping script's choice (ctx:set_practice), then what the message names —
// ORC-21 (the ordering facility; EDIFACT's NAD+MR and FHIR's requester arrive here through
// their codecs), the assigning authority of OBR-16 / ORC-12 (the ordering provider), of PV1-8
// (the referring doctor), PD1-3 (the patient's registered practice) and MSH-6 (the receiving
// facility, where a FHIR MessageHeader.destination arrives). The practice's
// format and transport pick the channel's destination (<via>); its address, workflow and
// whether it acknowledges go with the delivery as attributes. A message naming no practice,
// or none the directory knows, goes to the exceptions destination with the reason, never
// dropped.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "hl7/message.h"
#include "model/pathology.h"
#include "pathhub/error.h"
#include "routing/practice_directory.h"

namespace pathhub::routing {

struct RoutingDecision {
  std::string destination;
  std::map<std::string, std::string> attributes;  // practice, to, workflow, acknowledgement…
  bool exception = false;                         // attributes["exception"] says why
};

class PracticeRouter {
 public:
  // Loads the directory and checks that every format and transport it uses has a <via>.
  static Result<PracticeRouter> make(const config::PracticeRoutingConfig& config,
                                     const std::string& where);

  RoutingDecision route(const hl7::Message& message, const std::string& chosenPractice) const;

  const PracticeDirectory& directory() const { return directory_; }

 private:
  // The candidates in order, empty ones left out; `model` is the message read as a report,
  // when it reads.
  static std::vector<std::string> candidates(const hl7::Message& message,
                                             const model::Message* model);

  config::PracticeRoutingConfig config_;
  PracticeDirectory directory_;
};

}  // namespace pathhub::routing

// The practice directory: for each GP practice (ODS code), the format it takes its results in
// (NHS003 EDIFACT, FHIR R4, HL7 v2), the transport and address they travel by (a MESH mailbox
// and workflow, an HTTP endpoint, an MLLP peer, a folder), and whether it answers with an
// acknowledgement. Read from a CSV file (config/practices.csv; config/README.md describes the
// columns); every problem is reported with its file and line.
#pragma once

#include <map>
#include <string>

#include "pathhub/error.h"

namespace pathhub::routing {

struct Practice {
  std::string ods, name;
  std::string format;     // nhs003, fhir, hl7v2
  std::string transport;  // mesh, http, mllp, file
  std::string address;    // MESH mailbox id, URL, host:port or folder, as the transport reads it
  std::string workflow;   // MESH workflow id ("" for other transports)
  bool acknowledged = false;  // the practice answers (NHSACK, application ACK)
};

class PracticeDirectory {
 public:
  // The CSV text; `source` names it in errors ("config/practices.csv").
  static Result<PracticeDirectory> parse(const std::string& csv, const std::string& source);
  static Result<PracticeDirectory> load(const std::string& path);

  const Practice* find(const std::string& ods) const;
  // Adds a practice; false when its ODS code is there already.
  bool add(const Practice& practice);
  const std::map<std::string, Practice>& practices() const { return practices_; }

 private:
  std::map<std::string, Practice> practices_;  // by upper-case ODS code
};

}  // namespace pathhub::routing

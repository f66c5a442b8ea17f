// The network's pathology record (core/record) as the journal keeps it: every result report a
// channel carried, as FHIR R4 resources by NHS number, each report's versions in the order they
// were recorded and, per report, the one in force. The journal stores and searches what
// core/record builds; it knows nothing of FHIR beyond the text it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pathhub::journal {

// A resource as stored: its logical id and its JSON (without meta.versionId: the version is
// the row's).
struct RecordResource {
  std::string id;
  std::string json;
};

// A result (Observation) of a report version, with what searches filter on. `codes`: every
// coding as "\n<system>|<code>\n" lines ("\nhttp://loinc.org|2823-3\n…").
struct RecordObservation {
  RecordResource resource;
  std::string codes;
  std::int64_t effectiveAtMs = 0;  // 0: no time
  std::string status;
};

// One version of one report, as a received message said it.
struct RecordVersion {
  std::string reportId;  // logical: the same for every version of the report
  int reportIndex = 0;   // which report of its message
  std::string nhsNumber;
  std::string organisation;  // who sent it (the sending facility's ODS code)
  std::string status;        // DiagnosticReport.status
  // Withdrawn from searches: the report is entered-in-error, or every result of it is (HL7
  // v2 says so with OBX-11 W or D on each, having no report status for it).
  bool withdrawn = false;
  std::string codes;               // as RecordObservation::codes
  std::string categories;          // likewise
  std::int64_t effectiveAtMs = 0;  // specimen collected, else observed, else issued; 0: none
  std::int64_t issuedAtMs = 0;     // 0: not said
  RecordResource report;
  std::vector<RecordObservation> observations;
  std::vector<RecordResource> specimens;
  RecordResource patient;
};

// What one journal message added to the record.
struct RecordedMessage {
  std::int64_t messageId = 0;
  std::string channel;
  std::vector<RecordVersion> versions;
  // Its result reports that are not in the record: no valid NHS number.
  int withoutNhsNumber = 0;
  // Why it holds no report at all (not a result, or not readable): "" when it does.
  std::string skipped;
};

// A message to add to the record: mapped, not yet recorded.
struct RecordSource {
  std::int64_t messageId = 0;
  std::string channel;
  std::string bytes;  // as mapped (as received when the mapping left it unchanged)
};

// A search of one patient's record (core/record/fhir_search.h reads it from the URL).
struct RecordQuery {
  std::string nhsNumber;
  // Only reports sent by this organisation (an opted-out patient, asked about by another
  // organisation: core/record/opt_outs.h); nullopt: every organisation.
  std::optional<std::string> onlyOrganisation;
  struct DateBound {
    std::string op;  // "ge", "gt", "le", "lt"
    std::int64_t ms = 0;
  };
  std::vector<DateBound> dates;                 // all of them hold
  std::vector<std::vector<std::string>> codes;  // each group: any of its tokens (AND of ORs)
  std::vector<std::vector<std::string>> categories;
  std::vector<std::vector<std::string>> statuses;
  bool newestFirst = true;
  int count = 50;
  int offset = 0;
};

// A current resource, with its version and where it came from.
struct RecordRow {
  std::string id;
  std::string reportId;  // the report it belongs to (a report's own id for a report)
  int version = 0;
  std::int64_t updatedAtMs = 0;
  std::string organisation;
  std::string status;
  std::string json;
  std::string nhsNumber = {};
};

struct RecordPage {
  std::int64_t total = 0;
  std::vector<RecordRow> rows;
};

// One recorded version of a report: its resources as that version said them.
struct RecordVersionRow {
  int version = 0;
  std::int64_t recordedAtMs = 0;
  std::int64_t messageId = 0;
  std::string organisation;
  std::string nhsNumber;
  bool inForce = false;
  std::string content;  // {"report":…, "observations":[…], "specimens":[…], "patient":…}
};

struct RecordStatus {
  std::int64_t reports = 0, observations = 0, patients = 0, versions = 0;
  std::int64_t pendingMessages = 0;    // mapped, not yet recorded
  std::int64_t withoutNhsNumber = 0;   // result reports left out: no valid NHS number
  std::int64_t messagesSkipped = 0;    // recorded messages holding no report
  std::int64_t olderVersionsLate = 0;  // versions that arrived after a newer one (history only)
};

}  // namespace pathhub::journal

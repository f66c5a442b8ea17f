// The three languages of pathology messages, read into and written from the canonical model
// in one place: HL7 v2, FHIR R4 message Bundles (JSON or XML) and EDIFACT NHS003 MEDRPT.
// Used by the format codec plugins (plugins/format_fhir, plugins/format_edifact) and by
// `hl7inspect --to`.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/pathology.h"
#include "pathhub/error.h"

namespace pathhub::convert {

enum class Format { kHl7v2, kFhirJson, kFhirXml, kEdifact };

// "hl7v2", "fhir-json", "fhir-xml", "edifact".
std::optional<Format> parseFormat(std::string_view name);
std::string_view formatName(Format format);
// The format of `bytes` from their first bytes ('{', '<', UNA/UNB/UNH, else HL7 v2).
Format detectFormat(std::string_view bytes);

// The Bundle (any resource) of FHIR JSON or XML text; null when it does not read as one.
Poco::JSON::Object::Ptr bundleObject(Format format, std::string_view bytes);

struct ReadOptions {
  bool tolerateEdifactCounts = false;  // see edifact::ParseOptions
  // The zone of HL7 v2 times sent without one (model/times.h: Europe/London, UTC, +01:00);
  // each time read so is recorded as a zone-assumed warning. EDIFACT is UK local time always.
  std::string localZone = "Europe/London";
  // FHIR: the namespace the labs' own coding systems are written in (fhir/bundle_writer.h);
  // "" for pathhub's default (urn:pathhub:code-system:<facility>:<name>).
  std::string localCodeSystems;
};

struct WriteOptions {
  std::string localCodeSystems;  // as ReadOptions
};

// Every report in `bytes` (an HL7 v2 file may hold several messages, an EDIFACT interchange
// several MEDRPT messages; a Bundle is one; an HL7 v2 message with the results of several
// patients is one per patient). What lenient reading let through is in each message's
// warnings, named (model/warnings.h). Orders are refused: convertAll turns FHIR orders into
// OML; an HL7 v2 order is not a report.
Result<std::vector<model::Message>> readMessages(Format format, std::string_view bytes,
                                                 const ReadOptions& options = {});
// One message in `format` (HL7 v2 as ER7 with \r separators). What the format cannot carry
// is added to message.warnings; a FHIR Bundle is checked with warnIfUnfit.
Result<std::string> writeMessage(Format format, model::Message& message,
                                 const WriteOptions& options = {});
// A report Bundle about to go out, checked as a GP system relies on it
// (fhir/bundle_check.h): each problem becomes an invalid-bundle warning of `message`, which a
// channel's <safety> blocks by default (the delivery is held, the message goes to exceptions
// with the problems as its reason).
void warnIfUnfit(model::Message& message, const std::string& json);

// Every report of `bytes` read as `from` and written as `to`, with its warnings. Orders: a
// FHIR laboratory order becomes an OML^O21; an HL7 v2 order (ORM, OML) becomes the NHS England
// pathology request message (ServiceRequests, the answers as supporting information); to
// EDIFACT an order is refused (NHS003 carries reports only).
struct Converted {
  std::string bytes;
  std::vector<std::string> warnings;
};
Result<std::vector<Converted>> convertAll(Format from, Format to, std::string_view bytes,
                                          const ReadOptions& options = {},
                                          const WriteOptions& writing = {});

}  // namespace pathhub::convert

// The canonical pathology model: one vendor-neutral shape for a laboratory report message,
// whatever language it arrived in (HL7 v2 ORU^R01 today; FHIR R4 and EDIFACT NHS003 are the
// other two the conversions meet here). Every field's origin and destination in each language
// is a row of the table in core/model/README.md.
//
// Values are kept as text exactly as received (a result "5.20" stays "5.20", a time keeps its
// precision) so that a conversion there and back loses nothing; times are ISO 8601
// ("2019-05-14T10:25:00+01:00", or as much of it as was sent). Where a target language cannot
// carry something the converter adds a warning to `Message::warnings` instead of dropping it
// silently.
#pragma once

#include <string>
#include <vector>

namespace pathhub::model {

// A code with the system it comes from: "http://snomed.info/sct", "http://loinc.org",
// "http://unitsofmeasure.org", or a local system as named by the sender ("WinPath"), made a
// URI in the lab's namespace only where a language needs one (core/fhir). `alternates` are the
// same concept in other systems (HL7 v2's alternate triplet, a FHIR CodeableConcept's further
// codings): every one is carried, standard terminologies written first.
struct Coding {
  std::string code;
  std::string display;
  std::string system;
  std::vector<Coding> alternates;
  bool empty() const { return code.empty() && display.empty() && alternates.empty(); }
  bool operator==(const Coding&) const = default;
};

struct Identifier {
  std::string value;
  std::string authority;  // who issued it: "NHS", a trust's code, an ODS code
  std::string type;       // HL7 table 0203: NH (NHS number), MR (hospital number), …
  bool operator==(const Identifier&) const = default;
};

struct HumanName {
  std::string family;
  std::vector<std::string> given;
  std::string prefix;  // "Mr", "Dr"
  bool operator==(const HumanName&) const = default;
};

struct Address {
  std::vector<std::string> lines;
  std::string city;
  std::string postcode;
  bool operator==(const Address&) const = default;
};

struct Patient {
  std::string nhsNumber;
  // NHS number verification status (NHS Data Dictionary 01 verified … 08 trace needed); ""
  // when not sent.
  std::string nhsNumberStatus;
  std::vector<Identifier> identifiers;  // the others (hospital numbers), with their authorities
  HumanName name;
  std::string birthDate;  // ISO 8601 date
  std::string sex;        // male, female, other, unknown ("" when not sent)
  Address address;
  std::string gpPractice;  // the registered practice's ODS code
  bool operator==(const Patient&) const = default;
};

// A clinician: the requester, or whoever verified a result.
struct Practitioner {
  std::string id;           // GMC number, GP G-code, or a local id
  std::string idAuthority;  // "GMC", "GP", a local system
  HumanName name;
  bool operator==(const Practitioner&) const = default;
};

struct Specimen {
  std::string id;  // the lab's specimen number (accession)
  Coding type;     // "blood", SNOMED CT 119297000, …
  std::string collectedAt;
  std::string receivedAt;
  std::string fasting;  // HL7 table 0916: F fasting, NF not fasting, NG not given; "" unknown
  std::vector<std::string> comments;  // about the sample (EDIFACT FTX in S16, Specimen.note)
  bool operator==(const Specimen&) const = default;
};

struct Quantity {
  std::string value;       // decimal text as sent
  std::string comparator;  // "", "<", "<=", ">", ">="
  std::string unit;        // as sent
  bool operator==(const Quantity&) const = default;
};

struct Range {
  Quantity low, high;  // either may be empty
  std::string text;    // as sent when it is not a plain low-high ("<5", "see comment")
  bool operator==(const Range&) const = default;
};

// A result's value: exactly one kind.
struct Value {
  enum class Kind { kNone, kQuantity, kCoded, kText, kRange, kRatio, kDateTime };
  Kind kind = Kind::kNone;
  Quantity quantity;     // kQuantity; kRatio: numerator
  Quantity denominator;  // kRatio
  Coding coded;          // kCoded
  std::string text;      // kText (formatted text keeps its line breaks as \n); kDateTime
  Range range;           // kRange
  bool operator==(const Value&) const = default;
};

// A report document (a PDF): embedded as its content type and base64 data, whole (however many
// OBX it arrived split over), or held elsewhere and pointed at (OBX-2 RP: `url`, no data).
struct Document {
  std::string contentType;  // "application/pdf"
  std::string base64;
  std::string title;
  std::string url;  // RP: where the sender keeps it (RP.2's URI prefix and RP.1)
  bool operator==(const Document&) const = default;
};

// One result: an OBX (v2), an Observation (FHIR), an S04 group (EDIFACT).
struct Observation {
  Coding code;
  std::string subId;  // OBX-4: ties results of one isolate or one group together
  Value value;
  std::string unit;  // units of a quantity or range as sent (kept apart for text results)
  std::vector<Range> referenceRanges;
  std::vector<std::string> interpretation;  // HL7 table 0078 flags: H, L, HH, LL, A, N, …
  std::string status;  // registered, preliminary, final, amended, corrected, cancelled,
                       // entered-in-error
  std::string method;
  std::string observedAt;
  std::string performer;  // the lab that did it when not the report's
  std::vector<std::string> comments;
  // The specimens it was measured on (indexes into Message::specimens) when the message says
  // which; otherwise its report's.
  std::vector<std::size_t> specimens;
  // A group (a panel such as an FBC, an isolate with its sensitivities): the indexes, in its
  // report's results, of its members, which follow it. Empty for a plain result.
  std::vector<std::size_t> members;
  bool operator==(const Observation&) const = default;
};

// One report: an OBR with its results (v2), a DiagnosticReport (FHIR), an S02 group
// (EDIFACT). A microbiology sensitivity panel is a report whose `parent` points at the
// isolate's result in another report.
struct Report {
  Coding code;  // the test or panel (OBR-4)
  std::string placerOrder, fillerOrder;
  std::string status;  // registered, partial, preliminary, final, amended, corrected,
                       // appended, cancelled, entered-in-error, unknown
  std::string issuedAt;
  std::string performingLab;           // ODS code or name of the lab
  std::vector<std::size_t> specimens;  // indexes into Message::specimens
  std::string priority;                // routine, urgent, asap, stat
  std::string clinicalDetails;
  std::string conclusion;
  std::vector<std::string> comments;  // in order, each as sent (lines joined by \n)
  std::vector<Observation> results;
  std::vector<Document> documents;
  // Parent/child (microbiology): the parent report's filler number, and the code and sub-id of
  // the result (an isolate) this report (its sensitivities) hangs from; "" for a top-level
  // report. Any of the three may be all a sender gives. parentValue (OBR-26.3) is the parent
  // result's value as text (the organism), telling apart results sharing a code and sub-id.
  std::string parentFiller, parentCode, parentSubId, parentValue;
  Practitioner requester;
  std::string requesterOrganisation;      // the requesting practice or ward's ODS code
  std::string requesterOrganisationName;  // and its name, when sent
  bool operator==(const Report&) const = default;
};

struct Header {
  std::string messageId;  // MSH-10, MessageHeader.id, UNH reference
  std::string sentAt;     // MSH-7
  std::string event;      // "ORU^R01"
  std::string version;    // "2.4"
  std::string sendingApplication, sendingFacility;
  std::string receivingApplication, receivingFacility;
  // The sender asks for a business acknowledgement (EDIFACT UNB: an NHSACK).
  bool acknowledgementRequested = false;
  bool operator==(const Header&) const = default;
};

struct Message {
  Header header;
  Patient patient;
  std::vector<Specimen> specimens;
  std::vector<Report> reports;
  // What a conversion could not carry across, for the journal; never part of equality.
  // Named ("[name] text", model/warnings.h) where the hub may act on them.
  std::vector<std::string> warnings;
  // A digest of the bytes the message was read from (two FNV-1a lanes, hex): resource ids
  // derived from it differ between messages that reuse a control id, and stay the same for
  // the same input. Not part of equality.
  std::string digest;
  bool operator==(const Message& o) const {
    return header == o.header && patient == o.patient && specimens == o.specimens &&
           reports == o.reports;
  }
};

// Messages about one patient as one: the first's header and patient, every report in order
// with its specimens renumbered, the warnings once each. (An HL7 v2 message's PATIENT_RESULT
// groups of the same patient; an EDIFACT interchange's reports read back.)
Message joinMessages(std::vector<Message> parts);

}  // namespace pathhub::model

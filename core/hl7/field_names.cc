// Field name tables for common segments (see field_names.h). Data only.
#include "hl7/field_names.h"

#include <array>
#include <initializer_list>

namespace pathhub::hl7 {
namespace {

struct SegmentNames {
  std::string_view id;
  std::string_view description;
  std::initializer_list<std::string_view> fields;  // fields[0] is field 1
};

// The table reads better packed than one name per line.
// clang-format off
const SegmentNames kSegments[] = {
    {"MSH", "Message Header",
     {"Field Separator", "Encoding Characters", "Sending Application", "Sending Facility",
      "Receiving Application", "Receiving Facility", "Date/Time of Message", "Security",
      "Message Type", "Message Control ID", "Processing ID", "Version ID", "Sequence Number",
      "Continuation Pointer", "Accept Acknowledgment Type", "Application Acknowledgment Type",
      "Country Code", "Character Set", "Principal Language of Message",
      "Alternate Character Set Handling Scheme", "Message Profile Identifier"}},
    {"MSA", "Message Acknowledgment",
     {"Acknowledgment Code", "Message Control ID", "Text Message", "Expected Sequence Number",
      "Delayed Acknowledgment Type", "Error Condition"}},
    {"ERR", "Error",
     {"Error Code and Location", "Error Location", "HL7 Error Code", "Severity",
      "Application Error Code", "Application Error Parameter", "Diagnostic Information",
      "User Message", "Inform Person Indicator", "Override Type", "Override Reason Code",
      "Help Desk Contact Point"}},
    {"EVN", "Event Type",
     {"Event Type Code", "Recorded Date/Time", "Date/Time Planned Event", "Event Reason Code",
      "Operator ID", "Event Occurred", "Event Facility"}},
    {"PID", "Patient Identification",
     {"Set ID - PID", "Patient ID", "Patient Identifier List", "Alternate Patient ID - PID",
      "Patient Name", "Mother's Maiden Name", "Date/Time of Birth", "Administrative Sex",
      "Patient Alias", "Race", "Patient Address", "County Code", "Phone Number - Home",
      "Phone Number - Business", "Primary Language", "Marital Status", "Religion",
      "Patient Account Number", "SSN Number - Patient", "Driver's License Number - Patient",
      "Mother's Identifier", "Ethnic Group", "Birth Place", "Multiple Birth Indicator",
      "Birth Order", "Citizenship", "Veterans Military Status", "Nationality",
      "Patient Death Date and Time", "Patient Death Indicator", "Identity Unknown Indicator",
      "Identity Reliability Code", "Last Update Date/Time", "Last Update Facility",
      "Species Code", "Breed Code", "Strain", "Production Class Code", "Tribal Citizenship"}},
    {"PD1", "Patient Additional Demographic",
     {"Living Dependency", "Living Arrangement", "Patient Primary Facility",
      "Patient Primary Care Provider Name & ID No.", "Student Indicator", "Handicap",
      "Living Will Code", "Organ Donor Code", "Separate Bill", "Duplicate Patient",
      "Publicity Code", "Protection Indicator", "Protection Indicator Effective Date",
      "Place of Worship", "Advance Directive Code", "Immunization Registry Status",
      "Immunization Registry Status Effective Date", "Publicity Code Effective Date",
      "Military Branch", "Military Rank/Grade", "Military Status"}},
    {"PV1", "Patient Visit",
     {"Set ID - PV1", "Patient Class", "Assigned Patient Location", "Admission Type",
      "Preadmit Number", "Prior Patient Location", "Attending Doctor", "Referring Doctor",
      "Consulting Doctor", "Hospital Service", "Temporary Location", "Preadmit Test Indicator",
      "Re-admission Indicator", "Admit Source", "Ambulatory Status", "VIP Indicator",
      "Admitting Doctor", "Patient Type", "Visit Number", "Financial Class"}},
    {"ORC", "Common Order",
     {"Order Control", "Placer Order Number", "Filler Order Number", "Placer Group Number",
      "Order Status", "Response Flag", "Quantity/Timing", "Parent", "Date/Time of Transaction",
      "Entered By", "Verified By", "Ordering Provider", "Enterer's Location",
      "Call Back Phone Number", "Order Effective Date/Time", "Order Control Code Reason",
      "Entering Organization", "Entering Device", "Action By",
      "Advanced Beneficiary Notice Code", "Ordering Facility Name",
      "Ordering Facility Address", "Ordering Facility Phone Number",
      "Ordering Provider Address", "Order Status Modifier"}},
    {"OBR", "Observation Request",
     {"Set ID - OBR", "Placer Order Number", "Filler Order Number", "Universal Service Identifier",
      "Priority - OBR", "Requested Date/Time", "Observation Date/Time",
      "Observation End Date/Time", "Collection Volume", "Collector Identifier",
      "Specimen Action Code", "Danger Code", "Relevant Clinical Information",
      "Specimen Received Date/Time", "Specimen Source", "Ordering Provider",
      "Order Callback Phone Number", "Placer Field 1", "Placer Field 2", "Filler Field 1",
      "Filler Field 2", "Results Rpt/Status Chng - Date/Time", "Charge to Practice",
      "Diagnostic Serv Sect ID", "Result Status", "Parent Result", "Quantity/Timing",
      "Result Copies To", "Parent", "Transportation Mode", "Reason for Study",
      "Principal Result Interpreter", "Assistant Result Interpreter", "Technician",
      "Transcriptionist", "Scheduled Date/Time", "Number of Sample Containers",
      "Transport Logistics of Collected Sample", "Collector's Comment",
      "Transport Arrangement Responsibility", "Transport Arranged", "Escort Required",
      "Planned Patient Transport Comment", "Procedure Code", "Procedure Code Modifier",
      "Placer Supplemental Service Information", "Filler Supplemental Service Information",
      "Medically Necessary Duplicate Procedure Reason", "Result Handling"}},
    {"OBX", "Observation/Result",
     {"Set ID - OBX", "Value Type", "Observation Identifier", "Observation Sub-ID",
      "Observation Value", "Units", "References Range", "Abnormal Flags", "Probability",
      "Nature of Abnormal Test", "Observation Result Status",
      "Effective Date of Reference Range", "User Defined Access Checks",
      "Date/Time of the Observation", "Producer's ID", "Responsible Observer",
      "Observation Method", "Equipment Instance Identifier", "Date/Time of the Analysis"}},
    {"NTE", "Notes and Comments", {"Set ID - NTE", "Source of Comment", "Comment", "Comment Type"}},
    {"SPM", "Specimen",
     {"Set ID - SPM", "Specimen ID", "Specimen Parent IDs", "Specimen Type",
      "Specimen Type Modifier", "Specimen Additives", "Specimen Collection Method",
      "Specimen Source Site", "Specimen Source Site Modifier", "Specimen Collection Site",
      "Specimen Role", "Specimen Collection Amount", "Grouped Specimen Count",
      "Specimen Description", "Specimen Handling Code", "Specimen Risk Code",
      "Specimen Collection Date/Time", "Specimen Received Date/Time",
      "Specimen Expiration Date/Time", "Specimen Availability", "Specimen Reject Reason",
      "Specimen Quality", "Specimen Appropriateness", "Specimen Condition",
      "Specimen Current Quantity", "Number of Specimen Containers", "Container Type",
      "Container Condition", "Specimen Child Role"}},
    {"TQ1", "Timing/Quantity",
     {"Set ID - TQ1", "Quantity", "Repeat Pattern", "Explicit Time", "Relative Time and Units",
      "Service Duration", "Start date/time", "End date/time", "Priority", "Condition text",
      "Text instruction", "Conjunction", "Occurrence duration", "Total occurrences"}},
    {"NK1", "Next of Kin / Associated Parties",
     {"Set ID - NK1", "Name", "Relationship", "Address", "Phone Number",
      "Business Phone Number", "Contact Role"}},
    {"DG1", "Diagnosis",
     {"Set ID - DG1", "Diagnosis Coding Method", "Diagnosis Code - DG1",
      "Diagnosis Description", "Diagnosis Date/Time", "Diagnosis Type"}},
    {"IN1", "Insurance", {"Set ID - IN1", "Insurance Plan ID", "Insurance Company ID"}},
    {"GT1", "Guarantor", {"Set ID - GT1", "Guarantor Number", "Guarantor Name"}},
    {"PRT", "Participation Information",
     {"Participation Instance ID", "Action Code", "Action Reason", "Participation",
      "Participation Person"}},
    {"FHS", "File Header",
     {"File Field Separator", "File Encoding Characters", "File Sending Application",
      "File Sending Facility", "File Receiving Application", "File Receiving Facility",
      "File Creation Date/Time", "File Security", "File Name/ID", "File Header Comment",
      "File Control ID", "Reference File Control ID"}},
    {"FTS", "File Trailer", {"File Batch Count", "File Trailer Comment"}},
    {"BHS", "Batch Header",
     {"Batch Field Separator", "Batch Encoding Characters", "Batch Sending Application",
      "Batch Sending Facility", "Batch Receiving Application", "Batch Receiving Facility",
      "Batch Creation Date/Time", "Batch Security", "Batch Name/ID/Type", "Batch Comment",
      "Batch Control ID", "Reference Batch Control ID"}},
    {"BTS", "Batch Trailer", {"Batch Message Count", "Batch Comment", "Batch Totals"}},
};
// clang-format on

const SegmentNames* find(std::string_view segment) {
  for (const SegmentNames& s : kSegments) {
    if (s.id == segment) return &s;
  }
  return nullptr;
}

}  // namespace

std::string_view fieldName(std::string_view segment, int field) {
  const SegmentNames* s = find(segment);
  if (s == nullptr || field < 1 || static_cast<std::size_t>(field) > s->fields.size()) return {};
  return *(s->fields.begin() + (field - 1));
}

std::string_view segmentDescription(std::string_view segment) {
  const SegmentNames* s = find(segment);
  return s ? s->description : std::string_view{};
}

bool isKnownSegment(std::string_view segment) { return find(segment) != nullptr; }

}  // namespace pathhub::hl7

// One test per class of clinical-fidelity defect, on small hand-made inputs (not only the
// corpus), each named by its hazard in docs/safety/hazard-log.md: H1 wrong patient, H2 merged
// ids, H3 lost or altered status, H4 value/unit/range, H5 shifted time, H6 lost flag, H7 lost
// text, H9 lost party or specimen link, H10 lost codes and documents, H11 an order read as a
// report.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "convert/formats.h"
#include "corpus.h"
#include "expect_error.h"
#include "fhir/bundle_writer.h"
#include "fhir/json_parse.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/ucum.h"
#include "model/v2_reader.h"
#include "model/warnings.h"

namespace pathhub {
namespace {

using convert::Format;

// EDIFACT counts are read leniently: some public samples' UNT counts are stale.
std::vector<model::Message> read(Format f, const std::string& bytes) {
  convert::ReadOptions options;
  options.tolerateEdifactCounts = true;
  auto m = convert::readMessages(f, bytes, options);
  EXPECT_TRUE(m) << m.error().describe();
  return m ? *m : std::vector<model::Message>{};
}

model::Message readOne(Format f, const std::string& bytes) {
  auto all = read(f, bytes);
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? model::Message{} : all.front();
}

// FHIR JSON without layout, so the tests can look for members.
std::string write(Format f, model::Message m, std::vector<std::string>* warnings = nullptr) {
  m.warnings.clear();
  if (f == Format::kFhirJson) {
    std::string json = fhir::writeBundleJson(m, false);
    if (warnings) *warnings = m.warnings;
    return json;
  }
  auto out = convert::writeMessage(f, m);
  EXPECT_TRUE(out) << out.error().describe();
  if (warnings) *warnings = m.warnings;
  return out ? *out : "";
}

bool warned(const std::vector<std::string>& warnings, std::string_view name,
            const std::string& about = "") {
  return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) {
    return model::warningName(w) == name && w.find(about) != std::string::npos;
  });
}

const std::string kMsh = "MSH|^~\\&|LIMS|RBH|EPR|GP|20260701102400+0100||ORU^R01|T1|P|2.4\r";

std::string oru(const std::string& body) { return kMsh + body; }

// --- H1 wrong patient ---

TEST(H1Identity, TwoPatientsAreTwoMessagesNeverOneMerged) {
  const std::string both =
      testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                        "tests/data/clinical/v2_two_patients_one_corrected.hl7");
  const auto parts = read(Format::kHl7v2, both);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].patient.nhsNumber, "9434765919");
  EXPECT_EQ(parts[0].patient.name.family, "FIRST");
  EXPECT_EQ(parts[0].reports.at(0).fillerOrder, "F1");
  EXPECT_EQ(parts[1].patient.nhsNumber, "9434765870");
  EXPECT_EQ(parts[1].patient.name.family, "SECOND");
  EXPECT_EQ(parts[1].reports.at(0).fillerOrder, "F2");
  EXPECT_EQ(parts[1].reports.at(0).status, "corrected");
  EXPECT_NE(parts[0].header.messageId, parts[1].header.messageId);
  EXPECT_TRUE(warned(parts[1].warnings, model::warning::kSplit));
  // Read as one message, it is refused.
  auto parsed = hl7::Message::parse(hl7::normalizeSegmentSeparators(both));
  ASSERT_TRUE(parsed);
  auto one = model::readV2(*parsed);
  ASSERT_FALSE(one);
  EXPECT_EQ(model::warningName(one.error().text), "ambiguous-identity") << one.error().text;
  EXPECT_EQ(one.error().code, ErrorCode::kUnconvertible);
}

TEST(H1Identity, TheSamePatientTwiceStaysOneMessage) {
  const auto m = read(Format::kHl7v2,
                      oru("PID|1||9434765919^^^NHS^NH||COOPER^ZOE\rOBR|1||F1|A^A^L\r"
                          "OBX|1|NM|X^X^L||1|g/L|||||F\rPID|1||9434765919^^^NHS^NH||COOPER^ZOE\r"
                          "OBR|2||F2|B^B^L\rOBX|1|NM|Y^Y^L||2|g/L|||||F\r"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].reports.size(), 2u);
}

TEST(H1Identity, AFhirBundleAboutTwoPatientsIsRefused) {
  model::Message a = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH||COOPER^ZOE\r"
                                                 "OBR|1||F1|A^A^L\rOBX|1|NM|X^X^L||1|g/L\r"));
  std::string json = write(Format::kFhirJson, a);
  // A second Patient, and the Observation pointed at it.
  auto parsed = fhir::parseJson(json);
  ASSERT_TRUE(parsed);
  auto bundle = parsed->extract<Poco::JSON::Object::Ptr>();
  auto entries = bundle->getArray("entry");
  Poco::JSON::Object::Ptr other = new Poco::JSON::Object;
  Poco::JSON::Object::Ptr patient = new Poco::JSON::Object;
  patient->set("resourceType", "Patient");
  patient->set("id", "other");
  Poco::JSON::Object::Ptr name = new Poco::JSON::Object;
  name->set("family", "SOMEONE-ELSE");
  Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
  names->add(name);
  patient->set("name", names);
  other->set("fullUrl", "urn:uuid:00000000-0000-4000-8000-000000000001");
  other->set("resource", patient);
  entries->add(other);
  std::ostringstream out;
  bundle->stringify(out);
  auto refused = convert::readMessages(Format::kFhirJson, out.str());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text.find("[ambiguous-identity]"), std::string::npos)
      << refused.error().text;
}

TEST(H1Identity, AnNhsNumberFailingItsCheckIsNeverSentAsOne) {
  const auto m = readOne(Format::kHl7v2, oru("PID|1||943476591^^^NHS^NH||DOE^JANE||19620352\r"
                                             "OBR|1||F1|A^A^L\rOBX|1|NM|X^X^L||1|g/L\r"));
  EXPECT_EQ(m.patient.nhsNumber, "");
  EXPECT_EQ(m.patient.identifiers.at(0).value, "943476591");
  EXPECT_TRUE(warned(m.warnings, model::warning::kInvalidNhsNumber, "943476591"));
  EXPECT_EQ(m.patient.birthDate, "");
  EXPECT_TRUE(warned(m.warnings, model::warning::kInvalidDate, "19620352"));
  const std::string json = write(Format::kFhirJson, m);
  EXPECT_EQ(json.find("nhs-number"), std::string::npos);
  EXPECT_EQ(json.find("birthDate"), std::string::npos);
  const std::string edi = write(Format::kEdifact, m);
  EXPECT_EQ(edi.find("OPI"), std::string::npos);
}

// --- H2 merged ids ---

TEST(H2Ids, MessagesReusingAReferenceGetDifferentIdsAndTheSameInputTheSameOnes) {
  const std::string edi =
      testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                        "tests/data/clinical/edifact_bare_message_entered_in_error.edi");
  std::string other = edi;
  other.replace(other.find("9434765919"), 10, "9434765870");
  const std::string a = write(Format::kFhirJson, readOne(Format::kEdifact, edi));
  const std::string again = write(Format::kFhirJson, readOne(Format::kEdifact, edi));
  const std::string b = write(Format::kFhirJson, readOne(Format::kEdifact, other));
  auto patientUrl = [](const std::string& json) {
    const auto at = json.find("\"resourceType\":\"Patient\"");
    return json.substr(json.rfind("urn:uuid:", at), 45);
  };
  EXPECT_EQ(patientUrl(a), patientUrl(again));
  EXPECT_NE(patientUrl(a), patientUrl(b));
}

// --- H3 status ---

TEST(H3Status, EveryV2StatusMapsOrIsSaidNotToAndSpacesAreNotStatuses) {
  const auto m = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\rOBR|1||F1|A^A^L" +
                                             std::string(21, '|') + "Y\r" +
                                             "OBX|1|NM|X^X^L||1|g/L|||||F \r"
                                             "OBX|2|NM|X^X^L||1|g/L|||||W\r"
                                             "OBX|3|NM|X^X^L||1|g/L|||||C\r"
                                             "OBX|4|NM|X^X^L||1|g/L|||||N\r"));
  const auto& r = m.reports.at(0);
  EXPECT_EQ(r.status, "unknown");  // Y: no order on record — not a report status
  EXPECT_TRUE(warned(m.warnings, model::warning::kUnmappableStatus, "OBR-25 'Y'"));
  EXPECT_EQ(r.results[0].status, "final");
  EXPECT_EQ(r.results[1].status, "entered-in-error");
  EXPECT_EQ(r.results[2].status, "corrected");
  EXPECT_EQ(r.results[3].status, "unknown");
  EXPECT_TRUE(warned(m.warnings, model::warning::kUnmappableStatus, "OBX-11 'N'"));
}

TEST(H3Status, ACorrectionStaysACorrectionInEveryLanguage) {
  model::Message m = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\r"
                                                 "OBR|1||F1|A^A^L" +
                                                 std::string(21, '|') +
                                                 "C\r"
                                                 "OBX|1|NM|X^X^L||1|g/L|||||C\r"
                                                 "OBX|2|NM|Y^Y^L||2|g/L|||||D\r"));
  const std::string edi = write(Format::kEdifact, m);
  EXPECT_NE(edi.find("STS++CO"), std::string::npos) << edi;
  EXPECT_NE(edi.find("STS++EN"), std::string::npos) << edi;
  const auto back = readOne(Format::kEdifact, edi);
  EXPECT_EQ(back.reports[0].status, "corrected");
  EXPECT_EQ(back.reports[0].results[1].status, "entered-in-error");
  const std::string json = write(Format::kFhirJson, m);
  EXPECT_NE(json.find("\"status\":\"corrected\""), std::string::npos);
  EXPECT_NE(json.find("\"status\":\"entered-in-error\""), std::string::npos);
  const auto fromFhir = readOne(Format::kFhirJson, json);
  std::vector<std::string> warnings;
  const std::string v2 = write(Format::kHl7v2, fromFhir, &warnings);
  EXPECT_NE(v2.find("|||W"), std::string::npos) << v2;  // OBX-11 W, not F
  EXPECT_NE(v2.find("||||C\rOBX"), std::string::npos) << v2;
}

TEST(H3Status, AReportEnteredInErrorIsRefusedForV2NotMadeFinal) {
  model::Message m =
      readOne(Format::kEdifact,
              testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                                "tests/data/clinical/edifact_bare_message_entered_in_error.edi"));
  m.reports[0].status = "entered-in-error";
  std::vector<std::string> warnings;
  const std::string v2 = write(Format::kHl7v2, m, &warnings);
  EXPECT_TRUE(warned(warnings, model::warning::kUnmappableStatus, "entered-in-error"));
  auto parsed = hl7::Message::parse(v2);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed->get("OBR-25"), "");
}

// --- H4 value, unit and range ---

TEST(H4Values, ARangeKeepsItsOwnUnitAndItsPrecision) {
  const auto m =
      readOne(Format::kEdifact,
              testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                                "tests/data/clinical/edifact_bare_message_entered_in_error.edi"));
  const auto& folate = m.reports[0].results.at(1);
  EXPECT_EQ(folate.unit, "ng/mL");
  EXPECT_EQ(folate.referenceRanges.at(0).low.value, "2.0");
  EXPECT_EQ(folate.referenceRanges.at(0).low.unit, "nmol/L");
  const std::string json = write(Format::kFhirJson, m);
  EXPECT_NE(json.find("\"low\":{\"value\":2.0,\"unit\":\"nmol/L\""), std::string::npos) << json;
  // v2 has no unit for OBX-7: the range is not written under the result's unit.
  std::vector<std::string> warnings;
  const std::string v2 = write(Format::kHl7v2, m, &warnings);
  EXPECT_TRUE(warned(warnings, model::warning::kUnitConflict, "nmol/L"));
  EXPECT_EQ(v2.find("2.0-20.0"), std::string::npos) << v2;
}

TEST(H4Values, DecimalsKeepTheirTextThroughFhirJson) {
  const auto m = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\rOBR|1||F1|A^A^L\r"
                                             "OBX|1|NM|X^X^L||5.20|g/L|4.50-6.00||||F\r"));
  const std::string json = write(Format::kFhirJson, m);
  EXPECT_NE(json.find("\"value\":5.20"), std::string::npos);
  const auto back = readOne(Format::kFhirJson, json);
  EXPECT_EQ(back.reports[0].results[0].value.quantity.value, "5.20");
  EXPECT_EQ(back.reports[0].results[0].referenceRanges[0].low.value, "4.50");
  EXPECT_EQ(back.reports[0].results[0].referenceRanges[0].high.value, "6.00");
}

TEST(H4Values, OneSidedAndSplitRangesAndCodedAndTextValues) {
  const auto m = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\rOBR|1||F1|A^A^L\r"
                                             "OBX|1|NM|X^X^L||5|g/L|<21||||F\r"
                                             "OBX|2|NM|Y^Y^L||5|g/L|3.0^6.0||||F\r"
                                             "OBX|3|ST|Z^Z^L||   ||||||F\r"));
  const auto& r = m.reports[0].results;
  EXPECT_EQ(r[0].referenceRanges[0].high.value, "21");
  EXPECT_EQ(r[0].referenceRanges[0].low.value, "");
  EXPECT_EQ(r[1].referenceRanges[0].low.value, "3.0");
  EXPECT_EQ(r[1].referenceRanges[0].high.value, "6.0");
  EXPECT_EQ(r[2].value.kind, model::Value::Kind::kNone);  // whitespace is no value
  // Upper-only goes back to v2 as "<21", from FHIR and from EDIFACT alike.
  const auto viaEdifact = readOne(Format::kEdifact, write(Format::kEdifact, m));
  const std::string v2 = write(Format::kHl7v2, viaEdifact);
  EXPECT_NE(v2.find("|g/L|<21|"), std::string::npos) << v2;
  EXPECT_EQ(v2.find("-21"), std::string::npos) << v2;
  const std::string json = write(Format::kFhirJson, m);
  EXPECT_EQ(json.find("\"valueString\":\"\""), std::string::npos);
  // An EDIFACT coded result keeps its SNOMED CT code.
  const auto coded = readOne(
      Format::kEdifact, testing::readCorpusFile("edifact/nhs004_screening_bowel_interchange.edi"));
  const auto& value = coded.reports[0].results.at(0).value;
  ASSERT_EQ(value.kind, model::Value::Kind::kCoded);
  EXPECT_EQ(value.coded.code, "375211000000108");
  EXPECT_EQ(value.coded.system, "http://snomed.info/sct");
}

TEST(H4Values, UnitsLibUnitsWritesAreUcumCodesTheFhirWriterKnows) {
  for (const char* code : {"[IU]/L", "10*9/L", "mmol/L", "m[IU]/L"}) {
    EXPECT_EQ(model::ucumCode(code).value_or(""), code);
  }
}

// --- H5 time ---

TEST(H5Time, AnInstantIsKeptThroughEdifactWhichHasNoZone) {
  const auto m = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\r"
                                             "OBR|1||F1|A^A^L|||20260701102400+0200\r"
                                             "OBX|1|NM|X^X^L||1|g/L\r"));
  const std::string edi = write(Format::kEdifact, m);
  EXPECT_NE(edi.find("DTM+SCO:202607010924:203"), std::string::npos) << edi;  // 08:24Z = 09:24 BST
  const auto back = readOne(Format::kEdifact, edi);
  EXPECT_EQ(back.specimens.at(0).collectedAt, "2026-07-01T09:24:00+01:00");
}

TEST(H5Time, ATimeWithoutAZoneIsReadInTheLocalZoneAndSaidSo) {
  const auto m = readOne(Format::kHl7v2,
                         "MSH|^~\\&|LIMS|RBH|EPR|GP|202601151024||ORU^R01|T|P|2.4\r"
                         "PID|1||9434765919^^^NHS^NH\rOBR|1||F1|A^A^L|||202607011024\r"
                         "OBX|1|NM|X^X^L||1|g/L\r");
  EXPECT_EQ(m.header.sentAt, "2026-01-15T10:24:00+00:00");                // GMT
  EXPECT_EQ(m.specimens.at(0).collectedAt, "2026-07-01T10:24:00+01:00");  // BST
  EXPECT_TRUE(warned(m.warnings, model::warning::kZoneAssumed, "Europe/London"));
  convert::ReadOptions utc;
  utc.localZone = "UTC";
  auto inUtc = convert::readMessages(Format::kHl7v2,
                                     "MSH|^~\\&|A|B|C|D|202607011024||ORU^R01|T|P|2.4\r"
                                     "PID|1\rOBR|1||F|A^A^L\r",
                                     utc);
  ASSERT_TRUE(inUtc);
  EXPECT_EQ(inUtc->at(0).header.sentAt, "2026-07-01T10:24:00+00:00");
  utc.localZone = "Mars/Olympus";
  EXPECT_FALSE(convert::readMessages(Format::kHl7v2,
                                     "MSH|^~\\&|A|B|C|D|2026||ORU^R01|T|P|2.4\r"
                                     "PID|1\rOBR|1||F|A^A^L\r",
                                     utc));
}

TEST(H5Time, NoSendingTimeNeverGivesAnEmptyEdifactDate) {
  model::Message m = readOne(Format::kHl7v2,
                             "MSH|^~\\&|LIMS|RBH|EPR|GP|||ORU^R01|T|P|2.4\r"
                             "PID|1||9434765919^^^NHS^NH\rOBR|1||F1|A^A^L\r"
                             "OBX|1|NM|X^X^L||1|g/L\r");
  std::vector<std::string> warnings;
  const std::string edi = write(Format::kEdifact, m, &warnings);
  EXPECT_EQ(edi.find("DTM+137::"), std::string::npos) << edi;
  EXPECT_EQ(edi.find("+000101:0000+"), std::string::npos) << edi;
  EXPECT_NE(edi.find("DTM+137:20"), std::string::npos) << edi;
  EXPECT_TRUE(warned(warnings, model::warning::kApproximated, "preparation time"));
}

// --- H6 flags ---

TEST(H6Flags, FlagsTravelOnEveryResultTypeInTheirCodeSystems) {
  const auto m =
      readOne(Format::kEdifact,
              testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                                "tests/data/clinical/edifact_bare_message_entered_in_error.edi"));
  EXPECT_EQ(m.reports[0].results.at(1).interpretation, std::vector<std::string>{"L"});
  model::Message coded =
      readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\r"
                                  "OBR|1||F1|A^A^L\r"
                                  "OBX|1|CWE|ORG^Organism^L||112283007^E coli^SCT|||A|||P\r"
                                  "OBX|2|NM|X^X^L||9|g/L|1-5|HH|||F\r"));
  std::vector<std::string> warnings;
  const std::string edi = write(Format::kEdifact, coded, &warnings);
  EXPECT_NE(edi.find("RSL+CV+::112283007:921::E coli+++PA"), std::string::npos) << edi;
  EXPECT_NE(edi.find("RSL+NV+9++:::g/L+HI"), std::string::npos) << edi;
  EXPECT_TRUE(warned(warnings, model::warning::kApproximated, "'HH'"));
  // UK-only flags are written as the NHS lab-results adaptor writes them: no v3 system.
  model::Message uk = coded;
  uk.reports[0].results[0].interpretation = {"OR"};
  const std::string json = write(Format::kFhirJson, uk);
  EXPECT_NE(json.find("{\"code\":\"OR\",\"display\":\"Outside reference range\"}"),
            std::string::npos);
  EXPECT_EQ(readOne(Format::kFhirJson, json).reports[0].results[0].interpretation,
            std::vector<std::string>{"OR"});
}

// --- H7 text ---

TEST(H7Text, ConclusionsAndEveryClinicalDetailTravelInOrder) {
  model::Message m =
      readOne(Format::kEdifact,
              testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                                "tests/data/clinical/edifact_bare_message_entered_in_error.edi"));
  EXPECT_EQ(m.reports[0].clinicalDetails, "First clinical line\nSecond clinical line");
  m.reports[0].conclusion = "No evidence of deficiency";
  const std::string v2 = write(Format::kHl7v2, m);
  const auto back = readOne(Format::kHl7v2, v2);
  EXPECT_EQ(back.reports[0].conclusion, "No evidence of deficiency");
  std::vector<std::string> warnings;
  const std::string edi = write(Format::kEdifact, m, &warnings);
  EXPECT_NE(edi.find("FTX+SPC+++No evidence of deficiency"), std::string::npos);
  EXPECT_NE(edi.find("FTX+CID+++First clinical line'\nFTX+CID+++Second clinical line"),
            std::string::npos)
      << edi;
  EXPECT_TRUE(warned(warnings, model::warning::kApproximated, "conclusion"));
}

// --- H9 parties and specimens ---

TEST(H9Parties, TheRequesterThePracticeAndTheLabAreAllKept) {
  const auto m =
      readOne(Format::kEdifact,
              testing::readFile(std::filesystem::path(PATHHUB_SOURCE_DIR) /
                                "tests/data/clinical/edifact_bare_message_entered_in_error.edi"));
  const auto& r = m.reports[0];
  EXPECT_EQ(r.requester.id, "G3380314");
  EXPECT_EQ(r.requester.name.family, "SCOTT");
  EXPECT_EQ(r.requesterOrganisationName, "NORTH DOWN GP");
  EXPECT_EQ(r.requesterOrganisation, "D82015");
  EXPECT_EQ(r.performingLab, "ST JAMES HOSPITAL");
  const auto back = readOne(Format::kFhirJson, write(Format::kFhirJson, m));
  EXPECT_EQ(back.reports[0].performingLab, "ST JAMES HOSPITAL");
  EXPECT_EQ(back.reports[0].requesterOrganisationName, "NORTH DOWN GP");
  const auto again = readOne(Format::kEdifact, write(Format::kEdifact, m));
  EXPECT_EQ(again.reports[0].requester.id, "G3380314");
  EXPECT_EQ(again.reports[0].performingLab, "ST JAMES HOSPITAL");
}

TEST(H9Specimens, AResultOnItsOwnSpecimenIsNeitherGroupedNorMislinked) {
  const auto m = readOne(
      Format::kEdifact,
      testing::readCorpusFile("edifact/nhs003_medrpt_message_only_multi_specimen_oneline.edi"));
  const auto& results = m.reports[0].results;
  auto find = [&](const std::string& code) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i].code.code == code) return i;
    }
    return results.size();
  };
  const std::size_t glucose = find("44TK."), renal = find("451..");
  ASSERT_LT(glucose, results.size());
  for (const auto& o : results) {
    EXPECT_EQ(std::count(o.members.begin(), o.members.end(), glucose), 0) << o.code.code;
  }
  ASSERT_EQ(results[glucose].specimens.size(), 1u);
  EXPECT_EQ(m.specimens[results[glucose].specimens[0]].type.display, "Fluor");
  EXPECT_EQ(m.specimens[results[renal].specimens.at(0)].type.display, "Serum");
  // Written back: real sequence numbers, each group its own, the FBC not on the serum.
  const std::string edi = write(Format::kEdifact, m);
  EXPECT_NE(edi.find("SEQ++3"), std::string::npos) << edi;
  EXPECT_NE(edi.find("RFF+ASL:2"), std::string::npos) << edi;
  const auto back = readOne(Format::kEdifact, edi);
  EXPECT_EQ(back.reports[0].results[glucose].specimens, results[glucose].specimens);
}

// --- H10 codes and documents ---

TEST(H10Codes, EveryCodingIsWrittenStandardFirstAndLocalSystemsAreUris) {
  const auto m = readOne(Format::kHl7v2, oru("PID|1||9434765919^^^NHS^NH\rOBR|1||F1|A^A^L\r"
                                             "OBX|1|NM|GLU^Glucose^WinPath^2345-7^Glucose^LN||4|"
                                             "mmol/L\r"));
  const std::string json = write(Format::kFhirJson, m);
  const auto loinc = json.find("\"system\":\"http://loinc.org\",\"code\":\"2345-7\"");
  const auto local =
      json.find("\"system\":\"urn:pathhub:code-system:RBH:WinPath\",\"code\":\"GLU\"");
  ASSERT_NE(loinc, std::string::npos) << json;
  ASSERT_NE(local, std::string::npos) << json;
  EXPECT_LT(loinc, local);
  const auto back = readOne(Format::kFhirJson, json);
  const auto& code = back.reports[0].results[0].code;
  EXPECT_EQ(code.code, "2345-7");
  ASSERT_EQ(code.alternates.size(), 1u);
  EXPECT_EQ(code.alternates[0].system, "WinPath");  // the lab's own name again
}

TEST(H10Documents, AMimeWrappedPdfIsAPdfWithItsDecodedPayload) {
  const auto m = readOne(Format::kHl7v2,
                         testing::readCorpusFile("hl7v2/oru_r01_copath_histology_pdf_ed_v23.hl7"));
  const auto& d = m.reports.at(0).documents.at(0);
  EXPECT_EQ(d.contentType, "application/pdf");
  EXPECT_EQ(d.base64.rfind("JVBERi0xLjMK", 0), 0u);  // "%PDF-1.3\n"
  EXPECT_EQ(d.base64.find('\n'), std::string::npos);
}

// --- H11 orders ---

TEST(H11Orders, AnOrderBecomesARequestMessageNeverAResultsBundle) {
  const std::string oml = testing::readCorpusFile("hl7v2/oml_o21_public_health_lab_order_v251.hl7");
  auto request = convert::convertAll(Format::kHl7v2, Format::kFhirJson, oml);
  ASSERT_TRUE(request) << request.error().describe();
  ASSERT_EQ(request->size(), 1u);
  const std::string& json = request->front().bytes;
  EXPECT_NE(json.find("\"code\": \"laboratory-order\""), std::string::npos);
  EXPECT_EQ(json.find("DiagnosticReport"), std::string::npos);
  EXPECT_NE(json.find("\"supportingInfo\""), std::string::npos);  // the question's answer
  EXPECT_NE(json.find("Date of Last Rabies Vaccination"), std::string::npos);
  // Read as a report, or written as EDIFACT (NHS003 carries reports), it is refused.
  auto asReport = convert::readMessages(Format::kHl7v2, oml);
  ASSERT_FALSE(asReport);
  EXPECT_NE(asReport.error().text.find("is an order, not a report"), std::string::npos);
  EXPECT_EQ(asReport.error().code, ErrorCode::kUnconvertible);
  EXPECT_FAILS_WITH(convert::convertAll(Format::kHl7v2, Format::kEdifact, oml),
                    ErrorCode::kUnconvertible);
  // A cancelled order is a revoked request.
  std::string cancelled =
      testing::readCorpusFile("hl7v2/orm_o01_copath_histology_questions_v24.hl7");
  cancelled.replace(cancelled.find("ORC|NW|"), 7, "ORC|CA|");
  auto revoked = convert::convertAll(Format::kHl7v2, Format::kFhirJson, cancelled);
  ASSERT_TRUE(revoked) << revoked.error().describe();
  EXPECT_NE(revoked->front().bytes.find("\"status\": \"revoked\""), std::string::npos);
}

// --- EDIFACT writer: what it used to drop silently ---

TEST(EdifactWriter, TheAcknowledgementRequestATextRangeAndWarningsForWhatNhs003Lacks) {
  model::Message m =
      readOne(Format::kEdifact,
              testing::readCorpusFile("edifact/nhs002_medrpt_interchange_b12_folate.edi"));
  EXPECT_TRUE(m.header.acknowledgementRequested);
  m.reports[0].placerOrder = "PL1";
  m.reports[0].results.at(0).referenceRanges = {{{}, {}, "Not established for this method"}};
  std::vector<std::string> warnings;
  const std::string edi = write(Format::kEdifact, m, &warnings);
  EXPECT_NE(edi.find("+MEDRPT++1'"), std::string::npos) << edi.substr(0, 200);
  EXPECT_NE(edi.find("FTX+RPD+++Not established for this method"), std::string::npos);
  EXPECT_TRUE(warned(warnings, model::warning::kNotCarried, "placer order number PL1"));
  const auto back = readOne(Format::kEdifact, edi);
  EXPECT_EQ(back.reports[0].results[0].referenceRanges.at(0).text,
            "Not established for this method");
}

}  // namespace
}  // namespace pathhub

namespace pathhub {
namespace {

// Issue 24: a report Bundle that fails the offline checks a GP system relies on
// (fhir/bundle_check.h) carries an invalid-bundle warning, which <safety> blocks by default.
// The writer's own Bundles pass (a result without a code goes as "Uncoded result"); a Bundle
// broken after it was written is named.
TEST(H12Bundles, ABundleFailingTheOfflineChecksIsWarnedAndBlockedByDefault) {
  const std::string v2 =
      "MSH|^~\\&|LIMS|RVJ|GP|A81001|20261203101500+0000||ORU^R01|NOCODE-1|P|2.4\r"
      "PID|1||9434765919^^^NHS^NH||SMITH^JOHN\r"
      "OBR|1||F1|\r"
      "OBX|1|NM|||5.2|mmol/L|||||F\r";
  auto converted = convert::convertAll(convert::Format::kHl7v2, convert::Format::kFhirJson, v2);
  ASSERT_TRUE(converted) << converted.error().describe();
  for (const auto& w : converted->front().warnings) {
    EXPECT_EQ(w.find("[invalid-bundle]"), std::string::npos) << w;
  }
  std::string broken = converted->front().bytes;
  const std::size_t status = broken.find("\"status\": \"final\"");
  ASSERT_NE(status, std::string::npos);
  broken.replace(status, std::string("\"status\": \"final\"").size(), "\"status\": \"done\"");
  model::Message message;
  convert::warnIfUnfit(message, broken);
  ASSERT_FALSE(message.warnings.empty());
  EXPECT_EQ(model::warningName(message.warnings.front()), "invalid-bundle");
  EXPECT_NE(message.warnings.front().find("the FHIR Bundle entry "), std::string::npos)
      << message.warnings.front();
  EXPECT_NE(message.warnings.front().find("status 'done' unknown"), std::string::npos)
      << message.warnings.front();
  const auto& blocked = model::defaultBlockingWarnings();
  EXPECT_NE(std::find(blocked.begin(), blocked.end(), "invalid-bundle"), blocked.end());
}

// Every result of the corpus in every language the hub reads — FHIR reports (JSON and XML),
// NHS003 interchanges — written as a FHIR message passes the offline checks, so a healthy
// message is never held: a source Bundle without a timestamp gets the time this one is
// assembled, which is what Bundle.timestamp means.
TEST(H12Bundles, EveryCorpusReportInEveryLanguageWrittenAsFhirPasses) {
  int written = 0;
  auto check = [&](convert::Format from, const std::filesystem::path& path) {
    // Two public samples miscount their segments (UNT): read as the codec's setting allows.
    convert::ReadOptions reading;
    reading.tolerateEdifactCounts = true;
    auto converted =
        convert::convertAll(from, convert::Format::kFhirJson, testing::readFile(path), reading);
    ASSERT_TRUE(converted) << path << ": " << converted.error().describe();
    for (const auto& c : *converted) {
      ++written;
      for (const auto& w : c.warnings) {
        EXPECT_EQ(w.find("[invalid-bundle]"), std::string::npos) << path << ": " << w;
      }
      EXPECT_NE(c.bytes.find("\"timestamp\": \""), std::string::npos) << path;
    }
  };
  for (const auto& path : testing::corpusFiles("fhir")) {
    const std::string name = path.filename().string();
    if (name.find("report") == std::string::npos || name.find("nhse_") != 0) continue;
    check(path.extension() == ".xml" ? convert::Format::kFhirXml : convert::Format::kFhirJson,
          path);
  }
  for (const auto& path : testing::corpusFiles("edifact")) {
    const std::string name = path.filename().string();
    if (name.find("medrpt_interchange") == std::string::npos) continue;
    check(convert::Format::kEdifact, path);
  }
  EXPECT_GE(written, 8);
}

}  // namespace
}  // namespace pathhub

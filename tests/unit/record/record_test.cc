// The network's pathology record (core/record, journal/record.cc) on each backend: what a
// message adds, which version of a report is in force, what searches find, and what is left
// out and counted. Hand-made reports for a synthetic patient, and the corpus.
#include <gtest/gtest.h>

#include <regex>

#include "convert/formats.h"
#include "corpus.h"
#include "journal_fixture.h"
#include "record/instants.h"
#include "record/record_builder.h"
#include "record/record_indexer.h"

namespace pathhub::record {
namespace {

using journal::MessageId;
using journal::RecordQuery;

constexpr const char* kNhs = "9434765919";  // passes modulus 11; synthetic

// An ORU^R01 from lab RAJ01: one potassium result, report status `status` (OBR-25), result
// status `resultStatus` (OBX-11), issued at `issued`.
std::string potassium(const std::string& control, const std::string& value,
                      const std::string& status = "F", const std::string& issued = "20240501101000",
                      const std::string& nhs = kNhs, const std::string& filler = "FL1") {
  std::vector<std::string> obr(26);
  obr[0] = "OBR";
  obr[1] = "1";
  obr[2] = "PL1";
  obr[3] = filler;
  obr[4] = "UE^Urea and electrolytes^WinPath";
  obr[7] = "20240501090000";
  obr[22] = issued;
  obr[25] = status;
  std::string obrText;
  for (std::size_t i = 0; i < obr.size(); ++i) obrText += (i ? "|" : "") + obr[i];
  const std::string resultStatus = status == "C" ? "C" : "F";
  return "MSH|^~\\&|WINPATH|RAJ01|GP|G85001|" + issued + "||ORU^R01|" + control + "|P|2.4\r" +
         "PID|1||" + nhs + "^^^NHS^NH||SMITH^JOHN||19700101|M\r" + obrText + "\r" +
         "OBX|1|NM|2823-3^Potassium^LN||" + value + "|mmol/L|3.5-5.3|N|||" + resultStatus + "\r";
}

class RecordTest : public journal::JournalTest {
 protected:
  // A message received and mapped (as received), then everything waiting recorded.
  MessageId carry(const std::string& bytes, const std::string& control) {
    journal::NewMessage m = message(control);
    m.bytes = bytes;
    auto a = journal_->append(m);
    EXPECT_TRUE(a) << a.error().describe();
    EXPECT_TRUE(journal_->markMapped(a->id, std::nullopt, {}));
    recordAll();
    return a->id;
  }
  void recordAll() {
    RecordIndexer indexer(*journal_, {});
    for (int i = 0; i < 100; ++i) {
      auto n = indexer.recordBatch();
      ASSERT_TRUE(n) << n.error().describe();
      if (*n == 0) return;
    }
  }
  journal::RecordPage reports(RecordQuery q = {}) {
    q.nhsNumber = kNhs;
    auto page = journal_->searchReports(q);
    EXPECT_TRUE(page) << page.error().describe();
    return page ? *page : journal::RecordPage{};
  }
  journal::RecordPage observations(RecordQuery q = {}) {
    q.nhsNumber = kNhs;
    auto page = journal_->searchObservations(q);
    EXPECT_TRUE(page) << page.error().describe();
    return page ? *page : journal::RecordPage{};
  }
};

TEST(RecordBuilder, AReportBecomesResourcesWithLogicalIdsAndNoBundleReferences) {
  journal::RecordSource source{
      7, "lab", testing::readCorpusFile("hl7v2/oru_r01_kch_fbc_nhsno_in_pid2_v231.hl7")};
  auto built = buildRecord(source);
  ASSERT_EQ(built.skipped, "");
  ASSERT_EQ(built.versions.size(), 2u);  // the FBC and the AKI report
  std::set<std::string> ids;
  for (const auto& v : built.versions) {
    EXPECT_TRUE(std::regex_match(v.reportId, std::regex("[0-9a-f]{32}")));
    ids.insert(v.reportId);
    EXPECT_EQ(v.organisation, "RAJ01");
    EXPECT_FALSE(v.observations.empty());
    for (const auto* text : {&v.report.json, &v.patient.json}) {
      EXPECT_EQ(text->find("urn:uuid:"), std::string::npos) << *text;
    }
    for (const auto& o : v.observations) {
      EXPECT_EQ(o.resource.json.find("urn:uuid:"), std::string::npos) << o.resource.json;
      EXPECT_NE(o.resource.json.find("\"reference\":\"Patient/" + v.patient.id + "\""),
                std::string::npos);
    }
    EXPECT_NE(v.report.json.find("\"id\":\"" + v.reportId + "\""), std::string::npos);
    // The lab's organisation, not kept in the record, is named by its identifier instead.
    EXPECT_NE(v.report.json.find("\"type\":\"Organization\""), std::string::npos) << v.report.json;
  }
  EXPECT_EQ(ids.size(), 2u);
  // The same message read again gives the same ids: versions of a report share them.
  EXPECT_EQ(buildRecord(source).versions[0].reportId, built.versions[0].reportId);
}

TEST(RecordBuilder, TimesAreInstantsAndDatesArePeriods) {
  EXPECT_EQ(*epochMs("2024-05-01T10:00:00Z"), 1714557600000);
  EXPECT_EQ(*epochMs("2024-05-01T11:00:00+01:00"), 1714557600000);
  EXPECT_EQ(*epochMs("2024-05-01T11:00:00"), 1714557600000);  // BST
  EXPECT_EQ(*epochMs("2024-01-01"), 1704067200000);           // GMT
  EXPECT_EQ(*periodEndMs("2024-01-01"), 1704067200000 + 86400000);
  EXPECT_EQ(*periodEndMs("2024-12"), *epochMs("2025-01-01"));
  // The night the clocks go forward is 23 hours long.
  EXPECT_EQ(*periodEndMs("2024-03-31") - *epochMs("2024-03-31"), 23 * 3600000);
  EXPECT_FALSE(epochMs("2024-13-01"));
}

TEST_P(RecordTest, ACorrectionSupersedesTheReportAndTheFirstBecomesHistory) {
  carry(potassium("C1", "4.1"), "C1");
  carry(potassium("C2", "5.9", "C", "20240502080000"), "C2");
  auto page = reports();
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.rows[0].version, 2);
  EXPECT_EQ(page.rows[0].status, "corrected");
  auto results = observations();
  ASSERT_EQ(results.total, 1);
  EXPECT_NE(results.rows[0].json.find("5.9"), std::string::npos);
  EXPECT_EQ(results.rows[0].json.find("4.1"), std::string::npos);
  // Every resource read by id says whose it is (governance decides on it).
  for (const auto& [type, id] : std::vector<std::pair<std::string, std::string>>{
           {"DiagnosticReport", page.rows[0].id}, {"Observation", results.rows[0].id}}) {
    auto read = journal_->recordResource(type, id);
    ASSERT_TRUE(read && *read) << type;
    EXPECT_EQ((*read)->nhsNumber, kNhs) << type;
  }
  auto built = buildRecord({1, "lab", potassium("C2", "5.9", "C", "20240502080000")});
  for (const auto& [type, id] : std::vector<std::pair<std::string, std::string>>{
           {"Specimen", built.versions[0].specimens.at(0).id},
           {"Patient", built.versions[0].patient.id}}) {
    auto read = journal_->recordResource(type, id);
    ASSERT_TRUE(read && *read) << type;
    EXPECT_EQ((*read)->nhsNumber, kNhs) << type;
  }
  auto versions = journal_->reportVersions(page.rows[0].id);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_NE((*versions)[0].content.find("4.1"), std::string::npos);
  EXPECT_FALSE((*versions)[0].inForce);
  EXPECT_TRUE((*versions)[1].inForce);
}

TEST_P(RecordTest, ALateCopyOfAnEarlierVersionIsHistoryAndTheCorrectionStaysInForce) {
  carry(potassium("L2", "5.9", "C", "20240502080000"), "L2");
  carry(potassium("L1", "4.1", "F", "20240501101000"), "L1");
  auto page = reports();
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.rows[0].status, "corrected");
  EXPECT_EQ(page.rows[0].version, 1);
  EXPECT_EQ(journal_->recordStatus()->olderVersionsLate, 1);
  EXPECT_EQ(journal_->reportVersions(page.rows[0].id)->size(), 2u);
}

TEST_P(RecordTest, ACorrectionNamingAnotherPatientMovesTheReportOutOfTheFirstsRecord) {
  carry(potassium("M1", "4.1"), "M1");
  // The lab sent it for the wrong patient: the same report, corrected, for the right one.
  carry(potassium("M2", "4.1", "C", "20240502080000", "9434765927"), "M2");
  EXPECT_EQ(reports().total, 0);
  EXPECT_EQ(observations().total, 0);
  RecordQuery right;
  right.nhsNumber = "9434765927";
  EXPECT_EQ(journal_->searchReports(right)->total, 1);
  EXPECT_EQ(journal_->searchObservations(right)->total, 1);
}

TEST_P(RecordTest, AnEnteredInErrorReportLeavesTheSearchButCanStillBeRead) {
  carry(potassium("E1", "4.1"), "E1");
  auto fhir = convert::convertAll(convert::Format::kHl7v2, convert::Format::kFhirJson,
                                  potassium("E2", "4.1", "F", "20240502080000"));
  ASSERT_TRUE(fhir);
  std::string bundle = (*fhir)[0].bytes;
  // The report's status (the first after its type), whatever the spacing.
  const std::regex status("\"status\"\\s*:\\s*\"final\"");
  std::smatch found;
  const std::string after = bundle.substr(bundle.find("\"DiagnosticReport\""));
  ASSERT_TRUE(std::regex_search(after, found, status));
  bundle = bundle.substr(0, bundle.size() - after.size()) + found.prefix().str() +
           "\"status\": \"entered-in-error\"" + found.suffix().str();
  carry(bundle, "E2");
  EXPECT_EQ(reports().total, 0);
  EXPECT_EQ(observations().total, 0);
  const std::string id = buildRecord({1, "lab", potassium("E1", "4.1")}).versions[0].reportId;
  auto read = journal_->recordResource("DiagnosticReport", id);
  ASSERT_TRUE(read && *read);
  EXPECT_EQ((*read)->status, "entered-in-error");
  EXPECT_EQ((*read)->nhsNumber, kNhs);
}

TEST_P(RecordTest, AReportWhoseEveryResultIsEnteredInErrorLeavesTheSearch) {
  carry(potassium("W1", "4.1"), "W1");
  // HL7 v2 has no report status for it: the lab sends each result again as W (wrong).
  std::string wrong = potassium("W2", "4.1", "C", "20240502080000");
  wrong.replace(wrong.rfind("|||C\r"), 5, "|||W\r");
  carry(wrong, "W2");
  EXPECT_EQ(reports().total, 0);
  EXPECT_EQ(observations().total, 0);
  EXPECT_EQ(journal_->recordStatus()->reports, 1);  // still read by id, with its history
}

TEST_P(RecordTest, ResultsWithoutAValidNhsNumberAreCountedNotRecorded) {
  carry(potassium("N1", "4.1", "F", "20240501101000", "9434765918"), "N1");  // check digit wrong
  EXPECT_EQ(journal_->recordStatus()->withoutNhsNumber, 1);
  EXPECT_EQ(journal_->recordStatus()->reports, 0);
  EXPECT_EQ(journal_->recordStatus()->pendingMessages, 0);
}

TEST_P(RecordTest, AMessageIsRecordedOnceHoweverOftenItIsOffered) {
  const MessageId id = carry(potassium("O1", "4.1"), "O1");
  auto message = journal_->message(id);
  auto built = buildRecord({id, "lab", message->bytes});
  ASSERT_TRUE(journal_->record({built, built}));
  EXPECT_EQ(journal_->recordStatus()->versions, 1);
}

TEST_P(RecordTest, SearchesFilterByDateCodeStatusAndOrganisation) {
  carry(potassium("S1", "4.1", "F", "20240501101000", kNhs, "FA"), "S1");
  carry(potassium("S2", "4.4", "F", "20240601101000", kNhs, "FB"), "S2");
  EXPECT_EQ(reports().total, 2);
  RecordQuery q;
  q.dates = {{"ge", *epochMs("2024-05-15")}};
  EXPECT_EQ(observations(q).total, 0);  // both collected on 2024-05-01 (OBR-7)
  q.dates = {{"ge", *epochMs("2024-05-01")}, {"lt", *periodEndMs("2024-05-01")}};
  EXPECT_EQ(reports(q).total, 2);
  q = {};
  q.codes = {{"http://loinc.org|2823-3"}};
  EXPECT_EQ(observations(q).total, 2);
  q.codes = {{"2823-3"}};
  EXPECT_EQ(observations(q).total, 2);
  q.codes = {{"http://snomed.info/sct|2823-3", "nothing"}};
  EXPECT_EQ(observations(q).total, 0);
  q = {};
  q.statuses = {{"final"}};
  EXPECT_EQ(reports(q).total, 2);
  q.statuses = {{"corrected", "amended"}};
  EXPECT_EQ(reports(q).total, 0);
  q = {};
  q.onlyOrganisation = "RAJ01";
  EXPECT_EQ(reports(q).total, 2);
  q.onlyOrganisation = "RBZ02";
  EXPECT_EQ(reports(q).total, 0);
  q = {};
  q.count = 1;
  auto first = reports(q);
  EXPECT_EQ(first.total, 2);
  ASSERT_EQ(first.rows.size(), 1u);
  q.offset = 1;
  auto second = reports(q);
  ASSERT_EQ(second.rows.size(), 1u);
  EXPECT_NE(first.rows[0].id, second.rows[0].id);
}

TEST_P(RecordTest, ARebuildRecordsTheJournalAgain) {
  carry(potassium("R1", "4.1"), "R1");
  carry(potassium("R2", "5.9", "C", "20240502080000"), "R2");
  ASSERT_TRUE(journal_->rebuildRecord());
  EXPECT_EQ(journal_->recordStatus()->reports, 0);
  EXPECT_EQ(journal_->recordStatus()->pendingMessages, 2);
  recordAll();
  auto page = reports();
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.rows[0].status, "corrected");
  EXPECT_EQ(journal_->reportVersions(page.rows[0].id)->size(), 2u);
}

INSTANTIATE_JOURNAL_BACKENDS(RecordTest);

}  // namespace
}  // namespace pathhub::record

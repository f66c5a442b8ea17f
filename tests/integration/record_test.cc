// The network's pathology record with the real hub (core/record, core/http/record_endpoints.cc):
// results for one patient from two labs — one over MLLP in HL7 v2, one dropped in a folder as
// EDIFACT —, one corrected, one withdrawn; searched, read and paged over FHIR R4 with purpose of
// use and opt-outs, every answer audited, every searchset checked by the two FHIR validators
// nobody here wrote (tests/validators/validate_fhir.js), and pathhubctl record.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "api_client.h"
#include "convert/formats.h"
#include "fhir/json_parse.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "role_tokens.h"

namespace pathhub {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using testing::waitUntil;

constexpr const char* kPatient = "9434765919";   // synthetic, valid
constexpr const char* kOptedOut = "9434765927";  // synthetic, valid, on the opt-out list
constexpr const char* kNhsSystem = "https://fhir.nhs.uk/Id/nhs-number";
constexpr const char* kAeToken = "ae-doctor-token-0123456789";     // another trust: RXX99
constexpr const char* kLabToken = "lab-clinician-token-01234567";  // the sending lab: RAJ01

// A potassium result from `lab` (MSH-4) for `nhs`: report status `status`, results `results`.
std::string potassium(const std::string& control, const std::string& lab, const std::string& nhs,
                      const std::string& value, const std::string& status,
                      const std::string& issued, const std::string& resultStatus = "") {
  std::vector<std::string> obr(26);
  obr[0] = "OBR";
  obr[1] = "1";
  obr[2] = "PL-" + lab;
  obr[3] = "FL-" + lab + "-" + nhs;
  obr[4] = "UE^Urea and electrolytes^WinPath";
  obr[7] = "20240501090000";
  obr[22] = issued;
  obr[25] = status;
  std::string obrText;
  for (std::size_t i = 0; i < obr.size(); ++i) obrText += (i ? "|" : "") + obr[i];
  const std::string obx11 = !resultStatus.empty() ? resultStatus : status == "C" ? "C" : "F";
  return "MSH|^~\\&|LIMS|" + lab + "|GP|G85001|" + issued + "||ORU^R01|" + control + "|P|2.4\r" +
         "PID|1||" + nhs + "^^^NHS^NH||SMITH^JOHN||19700101|M\r" + obrText + "\r" +
         "OBX|1|NM|2823-3^Potassium^LN||" + value + "|mmol/L|3.5-5.3|" +
         (value > "5.3" ? "H" : "N") + "|||" + obx11 + "\r";
}

// A number of a FHIR answer (read as its text: fhir::parseJson keeps numbers as sent).
int number(const Object::Ptr& o, const std::string& key) {
  return std::stoi(o->get(key).toString());
}

struct FhirAnswer {
  int status = 0;
  std::string contentType, body;
  Object::Ptr json;  // numbers kept as sent
};

class RecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    inbox_ = hub_.dir / "inbox";
    std::filesystem::create_directories(inbox_);
    std::ofstream(hub_.dir / "opt-outs.txt") << "# national data opt-out\n" << kOptedOut << "\n";
    hub_.apiTokens = testing::roleTokenElements() +
                     "<token name=\"ae-doctor\" role=\"clinical\" sha256=\"" +
                     http::sha256Hex(kAeToken) + "\" organisation=\"RXX99\"/>" +
                     "<token name=\"lab-clinician\" role=\"clinical\" sha256=\"" +
                     http::sha256Hex(kLabToken) + "\" organisation=\"RAJ01\"/>";
    hub_.hubExtras = "<record optOuts=\"" + (hub_.dir / "opt-outs.txt").string() +
                     "\"/><channel name=\"edi\"><source type=\"file\" directory=\"" +
                     inbox_.string() +
                     "\" pattern=\"*.edi\" pollMs=\"50\" codec=\"edifact\"/>"
                     "<destination name=\"archive\" type=\"file\" directory=\"" +
                     (hub_.dir / "edi-out").string() + "\"/></channel>";
    hub_.startSink();
    hub_.startHub();
  }

  std::string send(const std::string& message) {
    mllp::Client client({"127.0.0.1", hub_.sourcePort});
    auto reply = client.exchange(message);
    EXPECT_TRUE(reply);
    return reply ? *reply : "";
  }

  // The same report written as EDIFACT NHS003 and dropped in the edi channel's folder.
  void dropEdifact(const std::string& name, const std::string& v2) {
    auto edi = convert::convertAll(convert::Format::kHl7v2, convert::Format::kEdifact, v2);
    ASSERT_TRUE(edi) << edi.error().describe();
    ASSERT_EQ(edi->size(), 1u);
    std::ofstream(inbox_ / (name + ".tmp")) << (*edi)[0].bytes;
    std::filesystem::rename(inbox_ / (name + ".tmp"), inbox_ / (name + ".edi"));
  }

  Object::Ptr recordStatus() {
    auto a = testing::apiGet(hub_.apiPort, testing::roleTokens().at("viewer"), "/api/v1/record");
    EXPECT_EQ(a.status, 200) << a.body;
    return a.json;
  }
  // Waits until the record holds `reports` reports and nothing is left to record.
  void awaitRecorded(int reports) {
    ASSERT_TRUE(waitUntil([&] {
      Object::Ptr s = recordStatus();
      return s && s->getValue<int>("pendingMessages") == 0 &&
             s->getValue<int>("reports") == reports;
    })) << testing::apiGet(hub_.apiPort, testing::roleTokens().at("viewer"), "/api/v1/record").body;
  }

  FhirAnswer fhir(const std::string& target, const std::string& token = kAeToken,
                  const std::string& purpose = "TREAT", const std::string& user = "dr.adams") {
    Poco::Net::HTTPClientSession session("127.0.0.1", hub_.apiPort);
    Poco::Net::HTTPRequest request("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + token);
    if (!purpose.empty()) request.set("X-Purpose-Of-Use", purpose);
    if (!user.empty()) request.set("X-User-Id", user);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    FhirAnswer a;
    a.status = response.getStatus();
    a.contentType = response.getContentType();
    Poco::StreamCopier::copyToString(in, a.body);
    if (auto parsed = fhir::parseJson(a.body); parsed && parsed->type() == typeid(Object::Ptr)) {
      a.json = parsed->extract<Object::Ptr>();
    }
    if (a.status == 200) keep(a.body);
    return a;
  }

  std::string reports(const std::string& nhs, const std::string& extra = "") {
    return "/fhir/R4/DiagnosticReport?patient.identifier=" + std::string(kNhsSystem) + "%7C" + nhs +
           extra;
  }

  // Every FHIR answer is kept for the validators.
  void keep(const std::string& body) {
    std::filesystem::create_directories(hub_.dir / "fhir-answers");
    std::ofstream(hub_.dir / "fhir-answers" / (std::to_string(++kept_) + ".json")) << body;
  }

  static std::vector<Object::Ptr> resources(const Object::Ptr& bundle, const std::string& type) {
    std::vector<Object::Ptr> out;
    Array::Ptr entries = bundle ? bundle->getArray("entry") : nullptr;
    for (std::size_t i = 0; entries && i < entries->size(); ++i) {
      Object::Ptr r = entries->getObject(i)->getObject("resource");
      if (r->getValue<std::string>("resourceType") == type) out.push_back(r);
    }
    return out;
  }

  std::vector<Object::Ptr> audited(const std::string& nhs) {
    auto a = testing::apiGet(hub_.apiPort, testing::roleTokens().at("admin"),
                             "/api/v1/audit?limit=500&nhsNumber=" + nhs);
    EXPECT_EQ(a.status, 200) << a.body;
    std::vector<Object::Ptr> out;
    Array::Ptr entries = a.json ? a.json->getArray("entries") : nullptr;
    for (std::size_t i = 0; entries && i < entries->size(); ++i) {
      out.push_back(entries->getObject(i));
    }
    return out;
  }

  testing::HubFixture hub_;
  std::filesystem::path inbox_;
  int kept_ = 0;
};

TEST_F(RecordTest, TwoLabsResultsAreOneRecordWithCorrectionsInForceAndTheirHistoryKept) {
  ASSERT_NE(send(potassium("K1", "RAJ01", kPatient, "4.1", "F", "20240501101000")).find("MSA|AA"),
            std::string::npos);
  std::string ferritin = potassium("FE1", "RBZ02", kPatient, "35", "F", "20240503101000");
  ferritin.replace(ferritin.find("2823-3^Potassium^LN"), 19, "2276-4^Ferritin^LN");
  dropEdifact("ferritin", ferritin);
  awaitRecorded(2);
  ASSERT_NE(send(potassium("K2", "RAJ01", kPatient, "5.9", "C", "20240502080000")).find("MSA|AA"),
            std::string::npos);
  ASSERT_TRUE(waitUntil([&] { return recordStatus()->getValue<int>("versions") == 3; }));
  awaitRecorded(2);

  // Both labs' reports, the corrected one in its corrected version only.
  FhirAnswer found = fhir(reports(kPatient, "&_include=DiagnosticReport:result"));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.contentType, "application/fhir+json");
  EXPECT_EQ(found.json->getValue<std::string>("type"), "searchset");
  EXPECT_EQ(number(found.json, "total"), 2);
  auto drs = resources(found.json, "DiagnosticReport");
  ASSERT_EQ(drs.size(), 2u);
  std::string correctedId;
  for (const auto& r : drs) {
    if (r->getValue<std::string>("status") == "corrected") {
      correctedId = r->getValue<std::string>("id");
      EXPECT_EQ(r->getObject("meta")->getValue<std::string>("versionId"), "2");
    }
  }
  ASSERT_FALSE(correctedId.empty()) << found.body;
  // The values in force, read from the results (not searched for in the text, where a time's
  // seconds and milliseconds can spell "4.1" too).
  std::set<std::string> values;
  for (const auto& o : resources(found.json, "Observation")) {
    if (auto quantity = o->getObject("valueQuantity"))
      values.insert(quantity->get("value").toString());
  }
  EXPECT_EQ(values.count("5.9"), 1u) << found.body;
  EXPECT_EQ(values.count("4.1"), 0u) << found.body;           // the first version is history
  EXPECT_NE(found.body.find("Ferritin"), std::string::npos);  // the EDIFACT lab's
  EXPECT_EQ(resources(found.json, "Observation").size(), 2u);

  // The history: both versions, the first with what it said.
  FhirAnswer history = fhir("/fhir/R4/DiagnosticReport/" + correctedId + "/_history");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.json->getValue<std::string>("type"), "history");
  EXPECT_EQ(number(history.json, "total"), 2);
  FhirAnswer first = fhir("/fhir/R4/DiagnosticReport/" + correctedId + "/_history/1");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.json->getValue<std::string>("status"), "final");
  auto result = resources(found.json, "Observation");
  std::string potassiumId;
  for (const auto& o : result) {
    if (o->getObject("code")->getArray("coding")->getObject(0)->getValue<std::string>("code") ==
        "2823-3") {
      potassiumId = o->getValue<std::string>("id");
    }
  }
  FhirAnswer trend = fhir("/fhir/R4/Observation/" + potassiumId + "/_history");
  ASSERT_EQ(trend.status, 200) << trend.body;
  EXPECT_NE(trend.body.find("4.1"), std::string::npos);
  EXPECT_NE(trend.body.find("5.9"), std::string::npos);

  // A test's trend, by code and dates; reads by id.
  FhirAnswer potassiums =
      fhir("/fhir/R4/Observation?patient.identifier=" + std::string(kPatient) +
           "&code=http://loinc.org%7C2823-3&date=ge2024-05-01&date=lt2024-05-02");
  ASSERT_EQ(potassiums.status, 200) << potassiums.body;
  EXPECT_EQ(number(potassiums.json, "total"), 1);
  EXPECT_EQ(fhir("/fhir/R4/Observation/" + potassiumId).status, 200);
  FhirAnswer patient =
      fhir("/fhir/R4/Patient?identifier=" + std::string(kNhsSystem) + "%7C" + kPatient);
  ASSERT_EQ(number(patient.json, "total"), 1);
  const std::string patientId = resources(patient.json, "Patient")[0]->getValue<std::string>("id");
  EXPECT_EQ(fhir("/fhir/R4/Patient/" + patientId).status, 200);

  // Paging: one report a page, the next link leading to the other.
  FhirAnswer page1 = fhir(reports(kPatient, "&_count=1&_include=DiagnosticReport:specimen"));
  ASSERT_EQ(resources(page1.json, "DiagnosticReport").size(), 1u);
  std::string next;
  Array::Ptr links = page1.json->getArray("link");
  for (std::size_t i = 0; i < links->size(); ++i) {
    if (links->getObject(i)->getValue<std::string>("relation") == "next") {
      next = Poco::URI(links->getObject(i)->getValue<std::string>("url")).getPathAndQuery();
    }
  }
  ASSERT_FALSE(next.empty()) << page1.body;
  FhirAnswer page2 = fhir(next);
  ASSERT_EQ(resources(page2.json, "DiagnosticReport").size(), 1u);
  EXPECT_NE(resources(page1.json, "DiagnosticReport")[0]->getValue<std::string>("id"),
            resources(page2.json, "DiagnosticReport")[0]->getValue<std::string>("id"));
  EXPECT_FALSE(resources(page1.json, "Specimen").empty());

  // Every search and read is in the audit trail: who, why, which patient, what was returned.
  auto rows = audited(kPatient);
  ASSERT_GE(rows.size(), 9u);
  bool sawSearch = false;
  for (const auto& row : rows) {
    EXPECT_EQ(row->getValue<std::string>("user"), "ae-doctor");
    const std::string detail = row->getValue<std::string>("detail");
    EXPECT_NE(detail.find("purpose=TREAT user=dr.adams"), std::string::npos) << detail;
    if (row->getValue<std::string>("action") == "record_search" &&
        detail.find("DiagnosticReport/" + correctedId) != std::string::npos) {
      sawSearch = true;
    }
  }
  EXPECT_TRUE(sawSearch);

  // The withdrawn report (every result sent again as W) leaves the searches.
  send(potassium("K3", "RAJ01", kPatient, "5.9", "C", "20240504080000", "W"));
  ASSERT_TRUE(waitUntil([&] { return recordStatus()->getValue<int>("versions") == 4; }));
  awaitRecorded(2);
  FhirAnswer after = fhir(reports(kPatient));
  EXPECT_EQ(number(after.json, "total"), 1) << after.body;
  EXPECT_EQ(after.body.find(correctedId), std::string::npos);

  // pathhubctl record: the patient's reports as a table, values as sent.
  const auto tokenFile = hub_.dir / "ae.token";
  std::ofstream(tokenFile) << kAeToken << "\n";
  auto ctl = testing::runProgram(
      "pathhubctl",
      {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort), "--token-file",
       tokenFile.string(), "record", kPatient, "--purpose", "TREAT", "--user", "dr.adams"});
  EXPECT_EQ(ctl.exitCode, 0) << ctl.err;
  EXPECT_NE(ctl.out.find("Ferritin 35 mmol/L"), std::string::npos) << ctl.out;
  auto refused = testing::runProgram(
      "pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort), "--token-file",
                     tokenFile.string(), "record", kPatient});
  EXPECT_EQ(refused.exitCode, 2);
  auto notAdmin = testing::runProgram(
      "pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort), "--token-file",
                     (hub_.dir / "ae.token").string(), "audit", "--nhs-number", kPatient});
  EXPECT_EQ(notAdmin.exitCode, 1);  // the audit trail is for admins
  std::ofstream(hub_.dir / "admin.token") << testing::roleTokens().at("admin") << "\n";
  auto who = testing::runProgram(
      "pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort), "--token-file",
                     (hub_.dir / "admin.token").string(), "audit", "--nhs-number", kPatient});
  EXPECT_EQ(who.exitCode, 0) << who.err;
  EXPECT_NE(who.out.find("record_search"), std::string::npos) << who.out;
  EXPECT_NE(who.out.find("ae-doctor"), std::string::npos) << who.out;

  // Every searchset, history and resource answered passes both FHIR validators.
  const char* validators = PATHHUB_NODE_VALIDATORS;
  ASSERT_TRUE(std::filesystem::exists(validators))
      << "the FHIR validators are installed by tools/dev (npm ci in tests/validators)";
  ::setenv("NODE_PATH", validators, 1);
  auto checked =
      testing::runProgram("/usr/bin/node", {PATHHUB_SOURCE_DIR "/tests/validators/validate_fhir.js",
                                            (hub_.dir / "fhir-answers").string()});
  EXPECT_EQ(checked.exitCode, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find(std::to_string(kept_) + " files, " + std::to_string(kept_) + " valid"),
            std::string::npos)
      << checked.out;
}

TEST_F(RecordTest, GovernanceRefusesWithoutPurposeAndWithholdsOptedOutPatientsFromOthers) {
  send(potassium("Q1", "RAJ01", kOptedOut, "4.4", "F", "20240501101000"));
  awaitRecorded(1);
  // Another organisation sees nothing of the opted-out patient; the lab that sent it does.
  FhirAnswer other = fhir(reports(kOptedOut));
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(number(other.json, "total"), 0);
  FhirAnswer sender = fhir(reports(kOptedOut), kLabToken);
  ASSERT_EQ(number(sender.json, "total"), 1) << sender.body;
  const std::string id = resources(sender.json, "DiagnosticReport")[0]->getValue<std::string>("id");
  EXPECT_EQ(fhir("/fhir/R4/DiagnosticReport/" + id, kLabToken).status, 200);
  FhirAnswer hidden = fhir("/fhir/R4/DiagnosticReport/" + id);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.json->getValue<std::string>("resourceType"), "OperationOutcome");
  EXPECT_EQ(number(fhir("/fhir/R4/Patient?identifier=" + std::string(kOptedOut)).json, "total"), 0);

  // No purpose of use, or no user, or a code that is no PurposeOfUse: refused and audited.
  for (const auto& [purpose, user] : std::vector<std::pair<std::string, std::string>>{
           {"", "dr.adams"}, {"TREAT", ""}, {"CURIOSITY", "dr.adams"}}) {
    FhirAnswer refused = fhir(reports(kOptedOut), kLabToken, purpose, user);
    EXPECT_EQ(refused.status, 403) << purpose << "/" << user;
    ASSERT_TRUE(refused.json);
    EXPECT_EQ(refused.json->getValue<std::string>("resourceType"), "OperationOutcome");
    EXPECT_EQ(refused.json->getArray("issue")->getObject(0)->getValue<std::string>("code"),
              "forbidden");
  }
  auto trail = testing::apiGet(hub_.apiPort, testing::roleTokens().at("admin"),
                               "/api/v1/audit?action=record_refused");
  EXPECT_EQ(trail.json->getArray("entries")->size(), 3u) << trail.body;
  // The viewer role holds no patient data; a bad parameter is named, never ignored.
  FhirAnswer viewer = fhir(reports(kOptedOut), testing::roleTokens().at("viewer"));
  EXPECT_EQ(viewer.status, 403);
  EXPECT_EQ(viewer.json->getValue<std::string>("resourceType"), "OperationOutcome");
  FhirAnswer misspelt = fhir(reports(kOptedOut, "&cod=2823-3"), kLabToken);
  EXPECT_EQ(misspelt.status, 400);
  EXPECT_NE(misspelt.body.find("cod"), std::string::npos);
  EXPECT_EQ(fhir("/fhir/R4/DiagnosticReport?code=2823-3", kLabToken).status, 400);
  EXPECT_EQ(fhir(reports("9434765918"), kLabToken).status, 400);  // fails modulus 11
  // The CapabilityStatement is open, as FHIR clients expect.
  FhirAnswer metadata = fhir("/fhir/R4/metadata", "", "", "");
  ASSERT_EQ(metadata.status, 200);
  EXPECT_EQ(metadata.json->getValue<std::string>("resourceType"), "CapabilityStatement");

  // A reload reads the opt-out list again: the patient is no longer withheld.
  std::ofstream(hub_.dir / "opt-outs.txt") << "# nobody\n";
  auto reload =
      testing::apiCall(hub_.apiPort, testing::roleTokens().at("admin"), "POST", "/api/v1/reload");
  EXPECT_EQ(reload.status, 200) << reload.body;
  EXPECT_EQ(number(fhir(reports(kOptedOut)).json, "total"), 1);

  // A rebuild (pathhubctl, as an admin) records the journal again, to the same record.
  std::ofstream(hub_.dir / "admin.token") << testing::roleTokens().at("admin") << "\n";
  auto rebuilt = testing::runProgram(
      "pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort), "--token-file",
                     (hub_.dir / "admin.token").string(), "record", "rebuild"});
  EXPECT_EQ(rebuilt.exitCode, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("still to record: 0 message(s)"), std::string::npos) << rebuilt.out;
  awaitRecorded(1);
  EXPECT_EQ(number(fhir(reports(kOptedOut)).json, "total"), 1);

  const char* validators = PATHHUB_NODE_VALIDATORS;
  ASSERT_TRUE(std::filesystem::exists(validators));
  ::setenv("NODE_PATH", validators, 1);
  auto checked =
      testing::runProgram("/usr/bin/node", {PATHHUB_SOURCE_DIR "/tests/validators/validate_fhir.js",
                                            (hub_.dir / "fhir-answers").string()});
  EXPECT_EQ(checked.exitCode, 0) << checked.out << checked.err;
}

}  // namespace
}  // namespace pathhub

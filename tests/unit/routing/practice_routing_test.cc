// The practice directory and routing by practice: every problem in the CSV named with its
// line; the requesting practice found where each kind of sender puts it; a practice the
// directory lacks, or none at all, routed to exceptions with the reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "expect_error.h"
#include "routing/practice_router.h"

namespace pathhub::routing {
namespace {

const char* kDirectory =
    "# the test network's practices\n"
    "ods,name,format,transport,address,workflow,acknowledgement\n"
    "A81001,\"The Densham Surgery, Stockton\",nhs003,mesh,X26OT001,PATH_MEDRPT_V3,yes\n"
    "a81002,Queens Park Medical Centre,fhir,http,http://gp2.example/fhir,,no\n"
    "B82005,Priory Medical Group,hl7v2,mllp,10.1.2.3:2575,,yes\n";

TEST(PracticeDirectory, ReadsTheCsvWithQuotedNames) {
  auto d = PracticeDirectory::parse(kDirectory, "practices.csv");
  ASSERT_TRUE(d) << d.error().text;
  ASSERT_EQ(d->practices().size(), 3u);
  const Practice* p = d->find("a81001");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "The Densham Surgery, Stockton");
  EXPECT_EQ(p->address, "X26OT001");
  EXPECT_EQ(p->workflow, "PATH_MEDRPT_V3");
  EXPECT_TRUE(p->acknowledged);
  EXPECT_TRUE(d->find("A81002")) << "ODS codes are matched without regard to case";
  EXPECT_FALSE(d->find("Z99999"));
}

TEST(PracticeDirectory, NamesEveryBadLine) {
  auto d = PracticeDirectory::parse(
      "ods,name,format,transport,address,workflow,acknowledgement\n"
      "A1,One,pdf,mesh,X1,,maybe\n"
      "A2,Two,fhir,pigeon,,,no\n"
      "A3,\"Three,nhs003,mesh,X3,W,yes\n"
      "A4,Four,fhir,http,http://x,,no\n"
      "A4,Four again,fhir,http,http://y,,no\n"
      "A5,Five,fhir\n",
      "practices.csv");
  ASSERT_FALSE(d);
  for (const char* expected :
       {"practices.csv:2: format 'pdf' is not one of", "practices.csv:2: a MESH practice needs a",
        "practices.csv:2: acknowledgement 'maybe' is not yes or no",
        "practices.csv:3: transport 'pigeon' is not one of",
        "practices.csv:3: the address is empty", "practices.csv:4: a quote is not closed",
        "practices.csv:6: practice A4 is listed twice",
        "practices.csv:7: 3 columns where 7 are expected"}) {
    EXPECT_NE(d.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                << d.error().text;
  }
  EXPECT_FAILS_WITH(PracticeDirectory::parse("ods,name\n", "p.csv"), ErrorCode::kInvalidValue);
}

// The example shipped with the configuration reads as it says, one practice per route.
TEST(PracticeDirectory, TheShippedExampleReads) {
  auto d =
      PracticeDirectory::load(std::string(PATHHUB_SOURCE_DIR) + "/config/practices.example.csv");
  ASSERT_TRUE(d) << d.error().text;
  EXPECT_EQ(d->practices().size(), 5u);
  EXPECT_EQ(d->find("A81003")->workflow, "FHIR_WORKFLOW_OF_THE_MAILBOX");
  EXPECT_EQ(d->find("a81005")->transport, "nhs-pathology-api");
}

// A GP system files what MESH brings by its workflow: a FHIR Bundle under the NHS003 workflow
// (or an interchange under another) would reach the wrong reader there, so the directory
// refuses the mix; the NHS Pathology API takes FHIR only.
TEST(PracticeDirectory, RefusesAFormatSentUnderAnotherFormatsWorkflow) {
  auto d = PracticeDirectory::parse(
      "ods,name,format,transport,address,workflow,acknowledgement\n"
      "A1,One,fhir,mesh,X1,PATH_MEDRPT_V3,yes\n"
      "A2,Two,nhs003,mesh,X2,FHIR_PATHOLOGY_RESULTS,yes\n"
      "A3,Three,nhs003,nhs-pathology-api,https://api.example/Bundle,,no\n"
      "A4,Four,fhir,mesh,X4,FHIR_PATHOLOGY_RESULTS,yes\n"
      "A5,Five,nhs003,mesh,X5,SCRN_BCS_MEDRPT_V4,yes\n"
      "A6,Six,fhir,nhs-pathology-api,https://api.example/Bundle,,no\n",
      "practices.csv");
  ASSERT_FALSE(d);
  for (const char* expected :
       {"practices.csv:2: workflow PATH_MEDRPT_V3 carries NHS003 EDIFACT",
        "practices.csv:3: workflow FHIR_PATHOLOGY_RESULTS is no NHS003 workflow",
        "practices.csv:4: the NHS Pathology API takes FHIR only, not nhs003"}) {
    EXPECT_NE(d.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                << d.error().text;
  }
  for (const char* fine : {"practices.csv:5", "practices.csv:6", "practices.csv:7"}) {
    EXPECT_EQ(d.error().text.find(fine), std::string::npos) << fine << "\n" << d.error().text;
  }
  EXPECT_FAILS_WITH(PracticeDirectory::load("/nonexistent/practices.csv"), ErrorCode::kIoError);
}

class PracticeRouting : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = std::filesystem::temp_directory_path() /
            ("practices-" + std::to_string(::getpid()) + ".csv");
    std::ofstream(file_) << kDirectory;
    config_.enabled = true;
    config_.directory = file_.string();
    config_.exceptions = "exceptions";
    config_.vias = {
        {"nhs003", "mesh", "gp-mesh"}, {"fhir", "http", "gp-fhir"}, {"hl7v2", "mllp", "gp-v2"}};
  }
  void TearDown() override { std::filesystem::remove(file_); }

  RoutingDecision route(const std::string& extraSegments, const std::string& chosen = "",
                        const std::string& receiver = "PRACTICE") {
    auto router = PracticeRouter::make(config_, "channel 'lab'");
    EXPECT_TRUE(router) << router.error().text;
    auto m = hl7::Message::parse("MSH|^~\\&|LIMS|LAB|GP|" + receiver +
                                 "|20240101||ORU^R01|C1|P|2.4\r"
                                 "PID|||9434765919^^^NHS^NH\r" +
                                 extraSegments + "OBR|1||F1|FBC^Full blood count^L\r");
    EXPECT_TRUE(m) << m.error().describe();
    return router->route(*m, chosen);
  }

  std::filesystem::path file_;
  config::PracticeRoutingConfig config_;
};

TEST_F(PracticeRouting, FindsThePracticeInTheOrderingFacility) {
  const auto d = route("ORC|RE||||||||||||||||||||Densham^^A81001\r");
  EXPECT_FALSE(d.exception);
  EXPECT_EQ(d.destination, "gp-mesh");
  EXPECT_EQ(d.attributes.at("practice"), "A81001");
  EXPECT_EQ(d.attributes.at("to"), "X26OT001");
  EXPECT_EQ(d.attributes.at("workflow"), "PATH_MEDRPT_V3");
  EXPECT_EQ(d.attributes.at("acknowledgement"), "yes");
}

TEST_F(PracticeRouting, FallsBackToTheRequesterTheReferrerAndTheRegisteredPractice) {
  // The ordering provider's assigning authority (OBR-16.9 through ORC-12.9 here).
  auto d = route("ORC|RE|||||||||||G1234567^Smith^John^^^^^^A81002\r");
  EXPECT_EQ(d.destination, "gp-fhir");
  EXPECT_EQ(d.attributes.at("to"), "http://gp2.example/fhir");
  // The referring doctor (PV1-8.9).
  d = route("PV1||O||||||G7654321^Jones^^^^^^^B82005\r");
  EXPECT_EQ(d.destination, "gp-v2");
  // The patient's registered practice (PD1-3).
  d = route("PD1|||Priory Medical Group^^B82005\r");
  EXPECT_EQ(d.destination, "gp-v2");
  // The receiving facility (where FHIR's MessageHeader.destination lands).
  d = route("", "", "A81002");
  EXPECT_EQ(d.destination, "gp-fhir");
  // A name the directory lacks is passed over for one it has.
  d = route("ORC|RE||||||||||||||||||||Elsewhere^^Q99999\rPD1|||Densham^^A81001\r");
  EXPECT_EQ(d.attributes.at("practice"), "A81001");
}

TEST_F(PracticeRouting, TheScriptsChoiceComesFirst) {
  const auto d = route("ORC|RE||||||||||||||||||||Densham^^A81001\r", "b82005");
  EXPECT_EQ(d.destination, "gp-v2");
  EXPECT_EQ(d.attributes.at("practice"), "B82005");
}

TEST_F(PracticeRouting, UnknownOrMissingPracticesGoToExceptionsWithTheReason) {
  auto d = route("ORC|RE||||||||||||||||||||Elsewhere^^Q99999\r");
  EXPECT_TRUE(d.exception);
  EXPECT_EQ(d.destination, "exceptions");
  EXPECT_EQ(d.attributes.at("practice"), "Q99999");
  EXPECT_EQ(d.attributes.at("exception"), "practice Q99999 is not in the practice directory");
  d = route("", "", "");
  EXPECT_EQ(d.destination, "exceptions");
  EXPECT_EQ(d.attributes.at("exception"), "the message names no requesting practice");
}

// Hazard H8: a message holding the results of two patients is nobody's one practice.
TEST_F(PracticeRouting, ResultsOfSeveralPatientsGoToExceptionsEvenWhenAScriptChoseAPractice) {
  for (const std::string chosen : {"", "B82033"}) {
    auto d = route(
        "ORC|RE||||||||||||||||||||Practice^^B82033\rOBR|1||F0|U^U^L\r"
        "PID|||9434765870^^^NHS^NH\r",
        chosen);
    EXPECT_TRUE(d.exception) << chosen;
    EXPECT_EQ(d.destination, "exceptions");
    EXPECT_EQ(d.attributes.at("exception")
                  .rfind("[ambiguous-identity] message C1 holds results "
                         "for 2 different patients",
                         0),
              0u)
        << d.attributes.at("exception");
  }
}

TEST_F(PracticeRouting, RefusesADirectoryUsingAFormatNoViaCarries) {
  config_.vias.pop_back();
  auto router = PracticeRouter::make(config_, "channel 'lab'");
  ASSERT_FALSE(router);
  EXPECT_NE(router.error().text.find("channel 'lab' practices: practice B82005 takes hl7v2 by "
                                     "mllp, and no <via> carries that"),
            std::string::npos)
      << router.error().text;
}

}  // namespace
}  // namespace pathhub::routing

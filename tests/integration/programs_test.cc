// The command-line programs, run as real processes: hl7inspect on the corpus, hl7send
// talking to hl7sink over MLLP on 127.0.0.1.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "child_process.h"
#include "corpus.h"
#include "hl7/batch.h"

namespace pathhub {
namespace {

using testing::ChildProcess;
using testing::runProgram;

std::string corpus(const std::string& name) {
  return (testing::corpusDir() / "hl7v2" / name).string();
}

// Starts hl7sink on a free port and returns the port it reports.
std::string startSink(std::unique_ptr<ChildProcess>& sink, std::vector<std::string> args) {
  args.insert(args.begin(), {"--listen", "127.0.0.1:0"});
  sink = std::make_unique<ChildProcess>("hl7sink", args);
  const std::string line = sink->readLine();
  const std::string prefix = "hl7sink listening on ";
  EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
  return line.substr(prefix.size());
}

TEST(Hl7inspect, RoundTripsEveryCorpusFile) {
  for (const auto& file : testing::corpusFiles("hl7v2")) {
    const auto r = runProgram("hl7inspect", {"--roundtrip", file.string()});
    EXPECT_EQ(r.exitCode, 0) << file << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("round trip ok"), std::string::npos);
  }
}

TEST(Hl7inspect, ShowsATreeWithFieldNames) {
  const auto r = runProgram("hl7inspect", {corpus("oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("PID-3  Patient Identifier List"), std::string::npos);
  EXPECT_NE(r.out.find("OBX-5  Observation Value"), std::string::npos);
}

TEST(Hl7inspect, ReadsStdinAndPrintsJson) {
  const auto r =
      runProgram("hl7inspect", {"--json", "-"}, "MSH|^~\\&|A||||||ORU^R01|42|P|2.4\rPID|1||x^y\r");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("\"controlId\":\"42\""), std::string::npos) << r.out;
}

TEST(Hl7inspect, ValidateListsProblemsAndFails) {
  const auto r = runProgram("hl7inspect", {"--validate", corpus("oru_r01_glucose_sn_fn_v24.hl7")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("PID-7"), std::string::npos) << r.out;
}

TEST(Hl7inspect, ConvertsBetweenHl7v2FhirAndEdifact) {
  const std::string shared = testing::corpusDir().string() + "/";
  // HL7 v2 → FHIR JSON: a message Bundle, with the NHS number under its system.
  auto json = runProgram(
      "hl7inspect", {"--to", "fhir-json", corpus("oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")});
  EXPECT_EQ(json.exitCode, 0) << json.err;
  EXPECT_NE(json.out.find("\"type\": \"message\""), std::string::npos);
  EXPECT_NE(json.out.find("https://fhir.nhs.uk/Id/nhs-number"), std::string::npos);
  EXPECT_NE(json.err.find("warning: [not-carried] FHIR: the HL7 v2 version (2.5.1) is not carried"),
            std::string::npos)
      << json.err;
  // EDIFACT → HL7 v2, and FHIR XML → HL7 v2.
  auto fromEdifact = runProgram(
      "hl7inspect",
      {"--to", "hl7v2", shared + "edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi"});
  EXPECT_EQ(fromEdifact.exitCode, 0) << fromEdifact.err;
  EXPECT_NE(fromEdifact.out.find("PID|1||9435492908^^^NHS^NH||TALEBI^WASEEMA"), std::string::npos)
      << fromEdifact.out;
  auto fromXml = runProgram(
      "hl7inspect", {"--to", "hl7v2", shared + "fhir/nhse_path_r4_fbc_report_message_bundle.xml"});
  EXPECT_EQ(fromXml.exitCode, 0) << fromXml.err;
  EXPECT_EQ(fromXml.out.rfind("MSH|", 0), 0u);
  // HL7 v2 → EDIFACT NHS003.
  auto toEdifact = runProgram(
      "hl7inspect", {"--to", "edifact", corpus("oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")});
  EXPECT_EQ(toEdifact.exitCode, 0) << toEdifact.err;
  EXPECT_NE(toEdifact.out.find("PNA+PAT+5189214567:OPI+++SU:Bloggs+FO:Joe"), std::string::npos)
      << toEdifact.out;
  // A target that does not exist, and input that is none of the three.
  EXPECT_EQ(runProgram("hl7inspect", {"--to", "pdf", "-"}, "MSH|^~\\&|A\r").exitCode, 2);
  auto bad =
      runProgram("hl7inspect", {"--to", "fhir-json", "-"}, "{\"resourceType\": \"Patient\"}");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("/resourceType: expected Bundle"), std::string::npos) << bad.err;
}

TEST(Hl7inspect, MalformedInputNamesMessageByteAndSegment) {
  const auto r = runProgram("hl7inspect", {"-"}, "MSH|^~\\&|A\rPID|1\rP@D|x\r");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("message 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("byte 17"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("segment 3"), std::string::npos) << r.err;
}

TEST(Hl7inspect, MissingFileIsAClearError) {
  const auto r = runProgram("hl7inspect", {"/nonexistent/file.hl7"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("/nonexistent/file.hl7"), std::string::npos);
}

TEST(Hl7sendAndSink, DeliverCorpusMessagesAndAcknowledgeThem) {
  const std::filesystem::path saved =
      std::filesystem::temp_directory_path() / ("hl7sink-" + std::to_string(::getpid()));
  std::filesystem::remove_all(saved);
  std::unique_ptr<ChildProcess> sink;
  const std::string where = startSink(sink, {"--save", saved.string()});
  const std::vector<std::string> files = {corpus("oru_r01_winpath_bone_iron_profile_v23.hl7"),
                                          corpus("oru_r01_cbc_lri_ucum_bom_v251.hl7"),
                                          corpus("oru_r01_vista_nonpipe_delimiters_crlf_v24.hl7")};
  std::vector<std::string> args = {where};
  args.insert(args.end(), files.begin(), files.end());
  const auto r = runProgram("hl7send", args);
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" AA"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("3 sent, 3 accepted"), std::string::npos) << r.err;

  std::string summary;
  EXPECT_EQ(sink->stop(&summary), 0);
  EXPECT_NE(summary.find("\"received\":3,\"accepted\":3"), std::string::npos) << summary;
  // What arrived is each file's message, separators normalised to \r, in order.
  for (std::size_t i = 0; i < files.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%08zu.hl7", i + 1);
    EXPECT_EQ(testing::readFile(saved / name),
              hl7::normalizeSegmentSeparators(testing::readFile(files[i])));
  }
  std::filesystem::remove_all(saved);
}

TEST(Hl7sendAndSink, NegativeAcknowledgementsMakeHl7sendFail) {
  std::unique_ptr<ChildProcess> sink;
  const std::string where = startSink(sink, {"--error-every", "2"});
  const auto r = runProgram(
      "hl7send", {where, corpus("ack_dhcw_aa_v251.hl7"), corpus("oru_r01_glucose_sn_fn_v24.hl7")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find(" AE error by hl7sink fault mode"), std::string::npos) << r.out;
}

TEST(Hl7sendAndSink, UnparseableMessageIsRejectedWithTheReason) {
  std::unique_ptr<ChildProcess> sink;
  const std::string where = startSink(sink, {});
  const auto r =
      runProgram("hl7send", {where, "-"}, "MSH|^~\\&|A|B|C|D|||ORU^R01|77|P|2.5\rPID|1\rp1d|x\r");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("77 AR"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not a segment id"), std::string::npos) << r.out;
}

TEST(Hl7sendAndSink, ABatchFileIsSentMessageByMessage) {
  std::unique_ptr<ChildProcess> sink;
  const std::string where = startSink(sink, {});
  const auto r = runProgram("hl7send", {where, "-"},
                            "FHS|^~\\&\rBHS|^~\\&\r"
                            "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\rPID|1\r"
                            "MSH|^~\\&|A||||||ORU^R01|2|P|2.3\rPID|2\r"
                            "BTS|2\rFTS|1\r");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("#2 2 AA"), std::string::npos) << r.out;
}

TEST(Hl7send, TimesOutWhenTheReceiverNeverAnswers) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string where = "127.0.0.1:" + std::to_string(silent.address().port());
  const auto r = runProgram("hl7send", {"--timeout", "300", where, corpus("ack_dhcw_aa_v251.hl7")});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("timeout"), std::string::npos) << r.err;
}

TEST(PathhubMap, ShowsOutcomeRoutesAndFieldChanges) {
  const auto r = runProgram(
      "pathhub-map",
      {(std::filesystem::path(PATHHUB_SOURCE_DIR) / "scripts/examples/snomed_codes.lua").string(),
       "--in", corpus("oru_r01_winpath_bone_iron_profile_v23.hl7")});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("message 1: mapped, routes: gp, exceptions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OBX-3.4: \"\" → \"88810008\""), std::string::npos) << r.out;
}

// Issue 17, item 11: the script's ctx:log lines are shown, and a tests folder named with a
// trailing slash is the same folder.
TEST(PathhubMap, ShowsTheScriptsLogLinesAndTakesATrailingSlash) {
  const std::filesystem::path scripts = std::filesystem::path(PATHHUB_SOURCE_DIR) / "scripts";
  const auto r = runProgram("pathhub-map", {(scripts / "demo.lua").string(), "--in",
                                            corpus("oru_r01_winpath_bone_iron_profile_v23.hl7")});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("  log: info: ORU^R01 0729094213U446388 with 5 result(s)"),
            std::string::npos)
      << r.out;
  const auto slash = runProgram("pathhub-map", {"--test", (scripts / "tests").string() + "/"});
  EXPECT_EQ(slash.exitCode, 0) << slash.out << slash.err;
  EXPECT_NE(slash.out.find(" 0 failed"), std::string::npos) << slash.out;
}

TEST(PathhubMap, TestModeReportsFailuresWithExpectedAndActual) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("pathhub-map-" + std::to_string(::getpid())) / "tests";
  std::filesystem::create_directories(dir);
  std::ofstream(dir.parent_path() / "upper.lua")
      << "function map(msg, ctx) msg:set('PID-5.1', msg:get('PID-5.1'):upper()) end\n";
  std::ofstream(dir / "upper_test.lua")
      << "local m = 'MSH|^~\\\\&|A||||||ORU^R01|1|P|2.4\\rPID|1||||smith\\r'\n"
         "test('upper-cases', function() expect_eq(field(run_mapping('upper.lua', m).message,"
         " 'PID-5.1'), 'SMITH') end)\n"
         "test('a wrong expectation', function() expect_eq(1 + 1, 3, 'sum') end)\n";
  const auto r = runProgram("pathhub-map", {"--test", dir.string()});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("ok   tests/upper_test.lua: upper-cases"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tests/upper_test.lua:3: sum: expected 3, got 2"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos);
  std::filesystem::remove_all(dir.parent_path());
}

TEST(Hl7send, BadUsageIsExplained) {
  EXPECT_EQ(runProgram("hl7send", {}).exitCode, 2);
  const auto r = runProgram("hl7send", {"nohostport", "x.hl7"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("HOST:PORT"), std::string::npos);
}

}  // namespace
}  // namespace pathhub

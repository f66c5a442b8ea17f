// Orders without the hub: the test catalogue (each bad line named), splitting an order by the
// lab that performs each test, and what order messages say — on the public WinPath and OML
// samples and on orders made for the test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "corpus.h"
#include "hl7/batch.h"
#include "orders/order_observation.h"
#include "orders/order_split.h"
#include "orders/test_catalogue.h"

namespace pathhub::orders {
namespace {

const char* kCatalogue =
    "code,name,lab,specimen,turnaroundHours\n"
    "MG,Magnesium,RBH,Blood,24\n"
    "FBC,Full blood count,RBH,EDTA blood,4\n"
    "CULT,Urine culture,MICRO,Urine,72\n"
    "FAST,Fast test,MICRO,Urine,0.001\n";

hl7::Message parse(const std::string& text) {
  auto m = hl7::Message::parse(hl7::normalizeSegmentSeparators(text));
  EXPECT_TRUE(m) << m.error().describe();
  return m ? *m : hl7::Message{};
}

TEST(TestCatalogue, ReadsTestsAndNamesEveryBadLine) {
  auto c = TestCatalogue::parse(kCatalogue, "catalogue.csv");
  ASSERT_TRUE(c) << c.error().text;
  ASSERT_TRUE(c->find("FBC"));
  EXPECT_EQ(c->find("FBC")->lab, "RBH");
  EXPECT_EQ(c->find("FBC")->turnaround, std::chrono::hours(4));
  EXPECT_EQ(c->shortestTurnaround(), std::chrono::milliseconds(3600));
  EXPECT_FALSE(c->find("NOPE"));
  auto bad = TestCatalogue::parse(
      "code,name,lab,specimen,turnaroundHours\nA,One,,Blood,soon\nB,Two,RBH,Blood,-1\n"
      "B,Again,RBH,Blood,2\n",
      "catalogue.csv");
  ASSERT_FALSE(bad);
  for (const char* expected :
       {"catalogue.csv:2: test A names no lab", "catalogue.csv:2: turnaroundHours 'soon'",
        "catalogue.csv:3: turnaroundHours '-1'", "catalogue.csv:4: test B is listed twice"}) {
    EXPECT_NE(bad.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                  << bad.error().text;
  }
}

const std::string kTwoLabs =
    "MSH|^~\\&|GPSYS|A81001|PATHHUB|NET|20261125090000||OML^O21^OML_O21|ORD1|P|2.5\r"
    "PID|||9434765919^^^NHS^NH||SMITH^JANE\r"
    "ORC|NW|P100^GP||||||||||||||||||||Densham^^A81001\r"
    "OBR|1|P100^GP||FBC^Full blood count^L\r"
    "ORC|NW|P100^GP||||||||||||||||||||Densham^^A81001\r"
    "OBR|2|P100^GP||CULT^Urine culture^L\r"
    "NTE|1||midstream sample\r"
    "ORC|NW|P100^GP||||||||||||||||||||Densham^^A81001\r"
    "OBR|3|P100^GP||MG^Magnesium^L\r";

TEST(OrderSplit, SendsEachLabItsOwnTestsWithTheHeaderAndPatient) {
  auto catalogue = TestCatalogue::parse(kCatalogue, "c.csv");
  ASSERT_TRUE(catalogue);
  const auto parts = splitByLab(parse(kTwoLabs), *catalogue);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].lab, "RBH");
  EXPECT_EQ(parts[0].tests, (std::vector<std::string>{"FBC", "MG"}));
  EXPECT_EQ(parts[1].lab, "MICRO");
  const hl7::Message rbh = parse(parts[0].bytes);
  EXPECT_EQ(rbh.controlId(), "ORD1-1");
  EXPECT_EQ(rbh.segmentIndexes("OBR").size(), 2u);
  EXPECT_TRUE(rbh.findSegment("PID"));
  const hl7::Message micro = parse(parts[1].bytes);
  EXPECT_EQ(micro.controlId(), "ORD1-2");
  EXPECT_EQ(*micro.get("OBR-4.1"), "CULT");
  EXPECT_TRUE(micro.findSegment("NTE")) << "a group keeps what follows its OBR";
  EXPECT_FALSE(parts[0].whole);
}

TEST(OrderSplit, AnOrderForOneLabGoesWholeAndUnknownTestsAreSetApart) {
  auto catalogue = TestCatalogue::parse(kCatalogue, "c.csv");
  ASSERT_TRUE(catalogue);
  const std::string sample = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/orm_o01_winpath_new_order_zpv_v23.hl7"));
  const auto whole = splitByLab(parse(sample), *catalogue);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_TRUE(whole[0].whole);
  EXPECT_EQ(whole[0].lab, "RBH");
  EXPECT_EQ(whole[0].bytes, sample);
  std::string unknown = kTwoLabs;
  unknown.replace(unknown.find("CULT"), 4, "ZZZ9");
  const auto parts = splitByLab(parse(unknown), *catalogue);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].lab, "");
  EXPECT_EQ(parts[1].unknownTests, std::vector<std::string>{"ZZZ9"});
}

TEST(TestCatalogue, SendsARequestersTestsToTheLabItsTableNames) {
  auto catalogue = TestCatalogue::parse(kCatalogue, "c.csv");
  ASSERT_TRUE(catalogue);
  const auto file = std::filesystem::temp_directory_path() /
                    ("requester-labs-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(file) << "requester,test,lab\nA81001,FBC,MICRO\nB82005,*,MICRO\n";
  ASSERT_TRUE(catalogue->loadRequesterLabs(file.string()));
  EXPECT_EQ(catalogue->labFor("FBC", "A81001"), "MICRO");
  EXPECT_EQ(catalogue->labFor("MG", "A81001"), "RBH") << "only FBC moves for A81001";
  EXPECT_EQ(catalogue->labFor("MG", "B82005"), "MICRO") << "every test of B82005";
  EXPECT_EQ(catalogue->labFor("FBC", "Z99999"), "RBH");
  EXPECT_EQ(catalogue->labFor("NOPE", "A81001"), "");
  // kTwoLabs is A81001's (ORC-21): its FBC now goes with the culture.
  const auto parts = splitByLab(parse(kTwoLabs), *catalogue);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].lab, "MICRO");
  EXPECT_EQ(parts[0].tests, (std::vector<std::string>{"FBC", "CULT"}));
  std::ofstream(file) << "requester,test,lab\nA81001,ZZZ,MICRO\nA81002,FBC,NOWHERE\n";
  auto bad = TestCatalogue::parse(kCatalogue, "c.csv")->loadRequesterLabs(file.string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text.find(":2: test ZZZ is not in the catalogue"), std::string::npos);
  EXPECT_NE(bad.error().text.find(":3: lab NOWHERE performs nothing"), std::string::npos);
  std::filesystem::remove(file);
}

TEST(OrderObservation, ReadsPlacingCancellingAnswersAndResults) {
  auto placed =
      observeOrders(parse(testing::readCorpusFile("hl7v2/orm_o01_winpath_new_order_zpv_v23.hl7")));
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].kind, OrderObservation::Kind::kOrder);
  EXPECT_EQ(placed[0].placer, "91393667");
  EXPECT_EQ(placed[0].tests, std::vector<std::string>{"MG"});
  // WinPath's answer to a cancellation: ORC-1 CR.
  auto cancelled = observeOrders(
      parse(testing::readCorpusFile("hl7v2/orr_o02_winpath_cancel_response_v23.hl7")));
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].kind, OrderObservation::Kind::kLabAnswer);
  EXPECT_EQ(cancelled[0].state, kCancelled);
  EXPECT_EQ(cancelled[0].placer, "91393667");
  // An OML's placer from ORC-2, its requester from ORC-21's XON.10.
  auto oml = observeOrders(
      parse(testing::readCorpusFile("hl7v2/oml_o21_glucose_tolerance_multi_specimen_v251.hl7")));
  ASSERT_FALSE(oml.empty());
  EXPECT_EQ(oml[0].placer, "12345678");
  EXPECT_EQ(oml[0].requester, "EG02");
  // The lab's acceptance and refusal; a result per OBR with its status.
  auto ok =
      observeOrders(parse("MSH|^~\\&|LAB|RBH|GP|A81001|20261125||ORL^O22|A1|P|2.5\r"
                          "MSA|AA|ORD1-1\rORC|OK|P100|F900\rORC|UA|P101\r"));
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[0].state, kAccepted);
  EXPECT_EQ(ok[0].filler, "F900");
  EXPECT_EQ(ok[1].state, kRejected);
  auto results = observeOrders(
      parse("MSH|^~\\&|LAB|RBH|GP|A81001|20261125||ORU^R01|R1|P|2.5\rPID|||9434765919^^^NHS^NH\r"
            "ORC|RE|P100|F900\rOBR|1|||FBC^FBC^L|||||||||||||||||||||P\rOBR|2|||MG^Mg^L" +
            std::string(21, '|') + "F\r"));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].kind, OrderObservation::Kind::kResult);
  EXPECT_EQ(results[0].placer, "P100") << "from the ORC when the OBR has none";
  EXPECT_EQ(results[0].state, kPartial);
  EXPECT_EQ(results[1].state, kFinal);
  EXPECT_EQ(results[1].nhsNumber, "9434765919");
}

}  // namespace
}  // namespace pathhub::orders

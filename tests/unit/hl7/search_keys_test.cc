// Search keys read at intake: the NHS number only where the message marks it, and the order
// numbers from ORC, else OBR.
#include "hl7/search_keys.h"

#include <gtest/gtest.h>

#include "corpus.h"

namespace pathhub::hl7 {
namespace {

SearchKeys keysOf(const std::string& bytes) {
  auto m = Message::parse(bytes);
  EXPECT_TRUE(m) << m.error().describe();
  return m ? searchKeys(*m) : SearchKeys{};
}

TEST(SearchKeys, TheNhsNumberIsTheMarkedIdentifierOnly) {
  EXPECT_EQ(keysOf("MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rPID|||123^^^RX1^MR~9434765919^^^NHS^NH\r")
                .nhsNumber,
            "9434765919");
  EXPECT_EQ(keysOf("MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rPID|||9434765919^^^^NH\r").nhsNumber,
            "9434765919");
  // A hospital number alone is not an NHS number.
  EXPECT_EQ(keysOf("MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rPID|||123456^^^RX1^MR\r").nhsNumber, "");
  EXPECT_EQ(keysOf("MSH|^~\\&|A||||||ACK^R01|1|P|2.5\rMSA|AA|1\r").nhsNumber, "");
}

TEST(SearchKeys, OrderNumbersComeFromOrcElseObr) {
  auto k = keysOf("MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rORC|RE|PL1^GP|FI1^LAB\rOBR|1|PL2|FI2\r");
  EXPECT_EQ(k.placerOrder, "PL1");
  EXPECT_EQ(k.fillerOrder, "FI1");
  k = keysOf("MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rORC|RE\rOBR|1|PL2|FI2\r");
  EXPECT_EQ(k.placerOrder, "PL2");
  EXPECT_EQ(k.fillerOrder, "FI2");
}

TEST(SearchKeys, ReadsThePublicUkSamples) {
  // DHCW: the NHS number is the PID-3 repetition ^^^NHS^NH.
  auto dhcw = keysOf(testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7"));
  EXPECT_EQ(dhcw.nhsNumber, "5189214567");
  EXPECT_EQ(dhcw.fillerOrder, "914694928301");
  // King's College Hospital (v2.3.1): in PID-2 as 7179209791^NHS.
  auto kch = keysOf(testing::readCorpusFile("hl7v2/oru_r01_kch_fbc_nhsno_in_pid2_v231.hl7"));
  EXPECT_EQ(kch.nhsNumber, "7179209791");
  EXPECT_EQ(kch.placerOrder, "0031111111");
  EXPECT_EQ(kch.fillerOrder, "18T1111111");
}

}  // namespace
}  // namespace pathhub::hl7

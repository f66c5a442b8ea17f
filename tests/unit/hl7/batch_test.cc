// Splitting files into messages: back-to-back messages, blank lines, FHS/BHS batches.
#include "hl7/batch.h"

#include <gtest/gtest.h>

#include "hl7/message.h"

namespace pathhub::hl7 {
namespace {

TEST(Split, SeparatesBackToBackMessagesAndBlankLines) {
  const std::string text =
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\nPID|1\n\n\n"
      "MSH|^~\\&|A||||||ORU^R01|2|P|2.3\nPID|2\n"
      "MSH|^~\\&|A||||||ORU^R01|3|P|2.3\r\nPID|3";
  auto split = splitMessages(text);
  ASSERT_TRUE(split) << split.error().describe();
  ASSERT_EQ(split->messages.size(), 3u);
  EXPECT_FALSE(split->isBatch());
  EXPECT_EQ(split->messages[0], "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\nPID|1\n");
  EXPECT_EQ(split->messages[2], "MSH|^~\\&|A||||||ORU^R01|3|P|2.3\r\nPID|3");
  for (std::size_t i = 0; i < 3; ++i) {
    auto m = Message::parse(std::string(split->messages[i]));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->controlId(), std::to_string(i + 1));
  }
}

TEST(Split, UnwrapsABatchAndChecksItsCounts) {
  const std::string text =
      "FHS|^~\\&|LAB\rBHS|^~\\&|LAB\r"
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\rPID|1\r"
      "MSH|^~\\&|A||||||ORU^R01|2|P|2.3\rPID|2\r"
      "BTS|2\rFTS|1\r";
  auto split = splitMessages(text);
  ASSERT_TRUE(split) << split.error().describe();
  EXPECT_TRUE(split->isBatch());
  ASSERT_EQ(split->messages.size(), 2u);
  EXPECT_EQ(split->messages[1], "MSH|^~\\&|A||||||ORU^R01|2|P|2.3\rPID|2\r");
  EXPECT_EQ(split->envelope.size(), 4u);
}

TEST(Split, ReportsABatchWhoseTrailerCountDoesNotMatch) {
  const std::string text = "BHS|^~\\&|LAB\rMSH|^~\\&|A||||||ORU^R01|1|P|2.3\rPID|1\rBTS|3\r";
  auto split = splitMessages(text);
  ASSERT_FALSE(split);
  EXPECT_NE(split.error().text.find("BTS states 3 messages but 1 were found"), std::string::npos);
  EXPECT_EQ(split.error().context.line, 4);
}

TEST(Split, ReportsSegmentsOutsideAnyMessage) {
  auto split = splitMessages("PID|1\rMSH|^~\\&|A\r");
  ASSERT_FALSE(split);
  EXPECT_EQ(split.error().context.line, 1);
  EXPECT_NE(split.error().text.find("belongs to no message"), std::string::npos);
  EXPECT_FALSE(splitMessages("\n\n  \n"));
}

TEST(Split, KeepsTheByteOrderMarkWithTheFirstMessage) {
  const std::string text = "\xEF\xBB\xBFMSH|^~\\&|A\nPID|1\n";
  auto split = splitMessages(text);
  ASSERT_TRUE(split);
  ASSERT_EQ(split->messages.size(), 1u);
  EXPECT_EQ(split->messages[0], text);
}

TEST(Normalize, WritesEverySeparatorAsCarriageReturn) {
  EXPECT_EQ(normalizeSegmentSeparators("a\nb\r\nc\rd\n\n"), "a\rb\rc\rd\r\r");
}

}  // namespace
}  // namespace pathhub::hl7

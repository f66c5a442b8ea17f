// Every HL7 v2 sample in ../shared/corpus/hl7v2 parses and round-trips byte for byte.
// New files are picked up without code changes.
#include "corpus.h"

#include <gtest/gtest.h>

#include <cctype>

#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/message_json.h"

namespace pathhub::hl7 {
namespace {

class CorpusFile : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(CorpusFile, ParsesAndRoundTripsByteExact) {
  const std::string bytes = testing::readFile(GetParam());
  auto split = splitMessages(bytes);
  ASSERT_TRUE(split) << split.error().describe();
  ASSERT_FALSE(split->messages.empty());
  for (std::string_view text : split->messages) {
    auto message = Message::parse(std::string(text));
    ASSERT_TRUE(message) << message.error().describe();
    EXPECT_EQ(message->encode(), normalizeSegmentSeparators(text));
    EXPECT_EQ(message->segmentName(0), "MSH");
    EXPECT_FALSE(messageToJson(*message).empty());
  }
}

TEST_P(CorpusFile, SurvivesAnEditOfEveryFieldUnchangedElsewhere) {
  const std::string bytes = testing::readFile(GetParam());
  auto split = splitMessages(bytes);
  ASSERT_TRUE(split);
  auto message = Message::parse(std::string(split->messages.front()));
  ASSERT_TRUE(message);
  // Setting a field of the last segment to its own raw value must not change a byte.
  const std::size_t last = message->segmentCount() - 1;
  const std::string before = message->encode();
  for (int f = 1; f <= message->fieldCount(last); ++f) {
    if (last == 0 && f <= 2) continue;
    Path p;
    p.field = f;
    const std::string raw(message->getRaw(last, p));
    ASSERT_TRUE(message->setRaw(last, p, raw)) << f;
  }
  EXPECT_EQ(message->encode(), before);
}

TEST_P(CorpusFile, EveryTruncationParsesOrFailsCleanly) {
  const std::string bytes = testing::readFile(GetParam());
  for (std::size_t cut = 0; cut < bytes.size(); cut += 1 + bytes.size() / 400) {
    const std::string prefix = bytes.substr(0, cut);
    auto message = Message::parse(prefix);
    if (message) {
      EXPECT_EQ(message->encode(), normalizeSegmentSeparators(prefix)) << "cut at " << cut;
    } else {
      EXPECT_FALSE(message.error().text.empty());
      EXPECT_TRUE(message.error().context.byteOffset.has_value()) << message.error().describe();
    }
  }
}

std::string testName(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Hl7v2, CorpusFile, ::testing::ValuesIn(testing::corpusFiles("hl7v2")),
                         testName);

TEST(Corpus, HasTheHl7v2Samples) { EXPECT_GE(testing::corpusFiles("hl7v2").size(), 30u); }

}  // namespace
}  // namespace pathhub::hl7

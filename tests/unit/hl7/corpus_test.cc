// Every HL7 v2 sample in ../shared/corpus/hl7v2 parses and round-trips byte for byte.
// New files are picked up without code changes.
#include "corpus.h"

#include <gtest/gtest.h>

#include <cctype>

#include "hl7/batch.h"
#include "hl7/diff.h"
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

// The diff of two messages' texts (only the segments that differ parsed) says what the diff of
// the two parsed messages says, change for change, on every corpus message edited the way
// mappings edit: a field in each segment of a kind, a name, a segment added and one removed.
TEST_P(CorpusFile, TheDiffOfTwoTextsIsTheDiffOfTheTwoMessages) {
  const std::string bytes = testing::readFile(GetParam());
  auto split = splitMessages(bytes);
  ASSERT_TRUE(split);
  for (std::string_view text : split->messages) {
    auto before = Message::parse(std::string(text));
    ASSERT_TRUE(before);
    Message after = *before;
    for (std::size_t i = 0; i < after.segmentCount(); ++i) {
      if (after.segmentName(i) == "OBX") {
        ASSERT_TRUE(after.set(i, *Path::parseField("3.4"), "271026005"));
      }
    }
    (void)after.set("PID-5.1", "EDITED");
    (void)after.set("MSH-3", "PATHHUB");
    const std::string bar(1, before->encode().find("MSH") == 0 ? before->encode()[3] : '|');
    ASSERT_TRUE(after.appendSegment("NTE" + bar + "1" + bar + bar + "added by the mapping"));
    if (after.segmentCount() > 3) {
      // Remove a segment: the message again without its second-to-last one.
      std::string kept;
      for (std::size_t i = 0; i < after.segmentCount(); ++i) {
        if (i + 2 != after.segmentCount()) kept.append(after.segmentText(i)).append("\r");
      }
      auto reparsed = Message::parse(kept);
      ASSERT_TRUE(reparsed);
      after = std::move(*reparsed);
    }
    const std::string a = before->encode(), b = after.encode();
    const auto fast = diffMessageTexts(a, b);
    if (a.rfind("MSH", 0) != 0) {
      // A byte order mark before MSH: declined, and the caller parses both.
      EXPECT_FALSE(fast);
      continue;
    }
    ASSERT_TRUE(fast) << "both are messages with \\r between segments";
    const auto full = diffMessages(*Message::parse(a), *Message::parse(b));
    ASSERT_EQ(fast->size(), full.size());
    for (std::size_t i = 0; i < full.size(); ++i) {
      EXPECT_EQ((*fast)[i].path, full[i].path);
      EXPECT_EQ((*fast)[i].before, full[i].before) << full[i].path;
      EXPECT_EQ((*fast)[i].after, full[i].after) << full[i].path;
    }
    EXPECT_TRUE(diffMessageTexts(a, a)->empty());
  }
  EXPECT_FALSE(diffMessageTexts("PID|1\r", "MSH|^~\\&|A\r"));
  EXPECT_FALSE(diffMessageTexts("MSH|^~\\&|A\nPID|1", "MSH|^~\\&|A\r"));
}

INSTANTIATE_TEST_SUITE_P(Hl7v2, CorpusFile, ::testing::ValuesIn(testing::corpusFiles("hl7v2")),
                         testName);

TEST(Corpus, HasTheHl7v2Samples) { EXPECT_GE(testing::corpusFiles("hl7v2").size(), 30u); }

}  // namespace
}  // namespace pathhub::hl7

// Structural validation: header fields, segment order, data types.
#include "hl7/validate.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pathhub::hl7 {
namespace {

std::vector<Problem> problemsOf(const std::string& text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << m.error().describe();
  return validateStructure(*m);
}

bool has(const std::vector<Problem>& problems, const std::string& location,
         const std::string& words, Problem::Severity severity = Problem::Severity::kError) {
  return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
    return p.location == location && p.text.find(words) != std::string::npos &&
           p.severity == severity;
  });
}

TEST(Validate, AcceptsAWellFormedResult) {
  const auto problems = problemsOf(
      "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131093000||ORU^R01|1|P|2.4\r"
      "PID|1||9449305552^^^NHS^NH||SMITH^JOHN||19700101|M\r"
      "OBR|1|||FBC|||20240131080000\r"
      "OBX|1|NM|HB^Haemoglobin||135|g/L|130-170|N|||F\r"
      "OBX|2|SN|PLT^Platelets||<^10|10*9/L\r");
  EXPECT_TRUE(problems.empty()) << problems.front().location << " " << problems.front().text;
}

TEST(Validate, ReportsMissingHeaderFields) {
  const auto problems = problemsOf("MSH|^~\\&|LAB\r");
  EXPECT_TRUE(has(problems, "MSH-9", "message type is missing"));
  EXPECT_TRUE(has(problems, "MSH-10", "control id is missing"));
  EXPECT_TRUE(has(problems, "MSH-11", "processing id is missing"));
  EXPECT_TRUE(has(problems, "MSH-12", "version id is missing"));
}

TEST(Validate, ReportsOrderAndDataTypeProblems) {
  const auto problems = problemsOf(
      "MSH|^~\\&|LAB||||||ORU^R01|1|X|9.9\r"
      "PID|1||42||||19621352\r"
      "OBX|1|NM|HB||high\r"
      "OBR|1\r"
      "OBX|2|QQ|X||1\r"
      "OBX|3|SN|Y||!^1\r"
      "YYY|1\r");
  EXPECT_TRUE(has(problems, "MSH-11", "not P, T or D", Problem::Severity::kWarning));
  EXPECT_TRUE(has(problems, "MSH-12", "not known", Problem::Severity::kWarning));
  EXPECT_TRUE(has(problems, "PID-7", "month"));
  EXPECT_TRUE(has(problems, "segment 3 (OBX)", "OBX before any OBR"));
  EXPECT_TRUE(has(problems, "OBX[1]-5", "not a number"));
  EXPECT_TRUE(has(problems, "OBX[2]-2", "'QQ' is not known"));
  EXPECT_TRUE(has(problems, "OBX[3]-5", "comparator"));
  EXPECT_TRUE(
      has(problems, "segment 7 (YYY)", "not a standard segment", Problem::Severity::kWarning));
}

TEST(Validate, ChecksAcknowledgementsAndOrders) {
  EXPECT_TRUE(has(problemsOf("MSH|^~\\&|A||||||ACK|1|P|2.4\rERR|1\r"), "segment 2", "MSA"));
  EXPECT_TRUE(has(problemsOf("MSH|^~\\&|A||||||ORM^O01|1|P|2.3\rPID|1\rOBR|1\r"), "message",
                  "without any ORC"));
}

}  // namespace
}  // namespace pathhub::hl7

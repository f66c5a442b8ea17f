// JSON view of a parsed message: structure, decoding, explicit nulls.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "hl7/message_json.h"

namespace pathhub::hl7 {
namespace {

TEST(MessageJson, NestsRepetitionsComponentsAndSubcomponents) {
  auto m = Message::parse("MSH|^~\\&|A||||||ORU^R01|7|P|2.4\rPID|x\\S\\y|a^b|c^d&e|r1~r2|\"\"\r");
  ASSERT_TRUE(m);
  Poco::JSON::Parser parser;
  auto root = parser.parse(messageToJson(*m)).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(root->getValue<std::string>("controlId"), "7");
  EXPECT_EQ(root->getValue<std::string>("delimiters"), "|^~\\&");
  auto segments = root->getArray("segments");
  ASSERT_EQ(segments->size(), 2u);
  auto pid = segments->getObject(1);
  EXPECT_EQ(pid->getValue<std::string>("id"), "PID");
  auto fields = pid->getArray("fields");
  EXPECT_EQ(fields->getElement<std::string>(0), "x^y");
  EXPECT_EQ(fields->getArray(1)->getArray(0)->getElement<std::string>(1), "b");
  EXPECT_EQ(fields->getArray(2)->getArray(0)->getArray(1)->getElement<std::string>(1), "e");
  EXPECT_EQ(fields->getArray(3)->getElement<std::string>(1), "r2");
  EXPECT_TRUE(fields->isNull(4));
  auto msh = segments->getObject(0)->getArray("fields");
  EXPECT_EQ(msh->getElement<std::string>(0), "|");
  EXPECT_EQ(msh->getElement<std::string>(1), "^~\\&");
}

}  // namespace
}  // namespace pathhub::hl7

// The JSON line log format: one parseable object per event, text escaped.
#include "log/logging.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

namespace pathhub::log {
namespace {

TEST(Logging, JsonLinesAreOneParseableObjectEach) {
  JsonLineFormatter f;
  Poco::Message m("pipeline.demo", "message 7 \"failed\":\nline two", Poco::Message::PRIO_WARNING);
  std::string line;
  f.format(m, line);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Poco::JSON::Parser parser;
  auto o = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(o->getValue<std::string>("level"), "warning");
  EXPECT_EQ(o->getValue<std::string>("component"), "pipeline.demo");
  EXPECT_EQ(o->getValue<std::string>("message"), "message 7 \"failed\":\nline two");
  EXPECT_EQ(o->getValue<std::string>("time").back(), 'Z');
}

TEST(Logging, ComponentLevelsApplyToTheComponentAndBelow) {
  config::LogConfig c;
  c.level = "warning";
  c.componentLevels["journal"] = "debug";
  setUpLogging(c);
  EXPECT_TRUE(Poco::Logger::get("journal").debug());
  EXPECT_TRUE(Poco::Logger::get("journal.writer").debug());
  EXPECT_FALSE(Poco::Logger::get("pipeline").information());
}

}  // namespace
}  // namespace pathhub::log

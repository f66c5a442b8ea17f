// The JSON text sink: structure, exact decimals, and string escapes at every position of the
// eight-byte scan, checked by parsing the output back with Poco.
#include "fhir/json_sink.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace pathhub::fhir {
namespace {

std::string roundTrip(const std::string& value) {
  JsonTextSink sink(false);
  sink.beginObject("");
  sink.text("v", value);
  sink.endObject();
  Poco::JSON::Parser parser;
  return parser.parse(sink.take()).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("v");
}

TEST(JsonTextSink, WritesObjectsArraysAndExactDecimals) {
  JsonTextSink sink(false);
  sink.beginObject("");
  sink.text("a", "x");
  sink.beginArray("list");
  sink.number("", "5.20");
  sink.beginObject("");
  sink.endObject();
  sink.endArray();
  sink.beginObject("empty");
  sink.endObject();
  sink.endObject();
  EXPECT_EQ(sink.take(), R"({"a":"x","list":[5.20,{}],"empty":{}})");
  JsonTextSink pretty(true);
  pretty.beginObject("");
  pretty.text("a", "x");
  pretty.endObject();
  EXPECT_EQ(pretty.take(), "{\n  \"a\": \"x\"\n}");
}

TEST(JsonTextSink, EscapesWhatJsonAsksAtEveryPosition) {
  for (std::size_t at = 0; at < 20; ++at) {
    for (const std::string& special :
         {std::string("\""), std::string("\\"), std::string("\n"), std::string("\r"),
          std::string("\t"), std::string(1, '\x01'), std::string(1, '\x1f')}) {
      std::string value(20, 'a');
      value.insert(at, special);
      EXPECT_EQ(roundTrip(value), value) << at;
    }
  }
  EXPECT_EQ(roundTrip("Ångström µmol/L — 10^9/L"), "Ångström µmol/L — 10^9/L");
  EXPECT_EQ(roundTrip(""), "");
  JsonTextSink sink(false);
  sink.beginObject("");
  sink.text("c", std::string(1, '\x01'));
  sink.endObject();
  EXPECT_EQ(sink.take(), R"({"c":"\u0001"})");
}

}  // namespace
}  // namespace pathhub::fhir

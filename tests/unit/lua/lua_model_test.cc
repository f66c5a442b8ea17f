// ctx:model() and ctx:set_model(): scripts read the message as the canonical model and
// change it there; a model table of the wrong shape is an error naming the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lua/lua_mapper.h"

namespace pathhub::lua {
namespace {

using pipeline::MapContext;
using pipeline::MapResult;

const std::string kOru =
    "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|C42|P|2.4\r"
    "PID|1||9449305552^^^NHS^NH~R123^^^RVJ^MR||smith^john\r"
    "OBR|1|P1|F1|FBC^Full blood count^LN|||20240130090000||||||||BLD\r"
    "OBX|1|NM|HB^Haemoglobin^LN||135|g/L|130-170|N|||F\r"
    "OBX|2|NM|PLT^Platelets^LN||<50|10*9/L|150-400|L|||F\r";

class LuaModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("lua-model-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "tables");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  MapResult run(const std::string& script) {
    std::ofstream(dir_ / "map.lua") << script;
    ScriptOptions o;
    o.script = dir_ / "map.lua";
    o.scriptsRoot = dir_;
    o.reloadCheck = std::chrono::milliseconds(0);
    o.tables = std::make_shared<CodeTables>(dir_ / "tables", std::chrono::milliseconds(0));
    auto m = LuaMapper::create(o, "lab");
    EXPECT_TRUE(m) << m.error().describe();
    return m ? (*m)->map(kOru, MapContext{"lab", 1}) : MapResult{};
  }
  std::filesystem::path dir_;
};

TEST_F(LuaModelTest, ScriptsReadTheModel) {
  auto r = run(R"(
    function map(msg, ctx)
      local m = ctx:model()
      local p = m.patient
      local o = m.reports[1].results[2]
      ctx:log("info", p.nhs_number .. " " .. p.name.family .. " " .. p.identifiers[1].authority)
      ctx:log("info", m.reports[1].code.system .. " " .. o.value.kind .. " " ..
              o.value.quantity.comparator .. o.value.quantity.value .. " " .. o.unit .. " " ..
              o.reference_ranges[1].low.value .. " " .. o.interpretation[1] .. " " .. o.status)
      ctx:log("info", m.specimens[1].type.code .. " " .. m.reports[1].specimens[1])
    end)");
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  ASSERT_EQ(r.notes.size(), 3u);
  EXPECT_EQ(r.notes[0], "info: 9449305552 smith RVJ");
  EXPECT_EQ(r.notes[1], "info: http://loinc.org quantity <50 10*9/L 150 L final");
  EXPECT_EQ(r.notes[2], "info: BLD 1");
}

TEST_F(LuaModelTest, ScriptsChangeTheMessageThroughTheModel) {
  auto r = run(R"(
    function map(msg, ctx)
      local m = ctx:model()
      m.patient.name.family = "SMITH"
      local hb = m.reports[1].results[1]
      hb.code = {code = "1022431000000105", display = "Haemoglobin mass concentration",
                 system = "http://snomed.info/sct"}
      table.insert(m.reports[1].comments, "Reviewed by the duty biochemist")
      ctx:set_model(m)
      -- msg shows the new message at once.
      ctx:log("info", msg:get("PID-5.1") .. " " .. msg:get("OBX[1]-3.3"))
    end)");
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  EXPECT_EQ(r.notes.at(0), "info: SMITH SCT");
  EXPECT_NE(r.bytes.find("PID|1||9449305552^^^NHS^NH~R123^^^RVJ^MR||SMITH^john"), std::string::npos)
      << r.bytes;
  EXPECT_NE(r.bytes.find("OBX|1|NM|1022431000000105^Haemoglobin mass concentration^SCT||135|g/L"),
            std::string::npos)
      << r.bytes;
  EXPECT_NE(r.bytes.find("NTE|1||Reviewed by the duty biochemist"), std::string::npos) << r.bytes;
}

TEST_F(LuaModelTest, AScriptAddsASnomedCodingBesideTheLabsOwnAndTiesAResultToItsSpecimen) {
  // The pattern of scripts/examples/snomed_codes.lua, through the model: the SNOMED CT code
  // is an alternate of the lab's, written to OBX-3.4–3.6 (and to FHIR as a second coding).
  auto r = run(R"(
    function map(msg, ctx)
      local m = ctx:model()
      local hb = m.reports[1].results[1]
      hb.code.alternates = {{code = "1022431000000105", display = "Haemoglobin",
                             system = "http://snomed.info/sct"}}
      hb.specimens = {1}
      ctx:set_model(m)
      local again = ctx:model().reports[1].results[1]
      ctx:log("info", again.code.alternates[1].code .. " " .. tostring(again.specimens[1]))
    end)");
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  EXPECT_NE(r.bytes.find("OBX|1|NM|HB^Haemoglobin^LN^1022431000000105^Haemoglobin^SCT||135"),
            std::string::npos)
      << r.bytes;
  // v2 ties a result to its OBR's specimen, which is the one named: read back as the report's.
  EXPECT_EQ(r.notes.at(0), "info: 1022431000000105 nil");
}

TEST_F(LuaModelTest, AModelOfTheWrongShapeIsAnErrorNamingTheField) {
  auto r = run(R"(
    function map(msg, ctx)
      local m = ctx:model()
      m.reports[1].results[2].value.kind = "number"
      ctx:set_model(m)
    end)");
  ASSERT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(
      r.reason.find("ctx:set_model: reports[1].results[2].value.kind: 'number' is not one of"),
      std::string::npos)
      << r.reason;
  r = run(R"(
    function map(msg, ctx)
      local m = ctx:model()
      m.patient.name = 42
      ctx:set_model(m)
    end)");
  ASSERT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("ctx:set_model: patient.name is not a table"), std::string::npos)
      << r.reason;
}

}  // namespace
}  // namespace pathhub::lua

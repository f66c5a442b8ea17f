// The Lua runtime with real Lua states: the sandbox holds, limits end runaway scripts, errors
// say where, the script API reads and edits messages, and scripts reload safely.
#include "lua/lua_mapper.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/digest.h"
#include "expect_error.h"

namespace pathhub::lua {
namespace {

using pipeline::MapContext;
using pipeline::MapResult;

const std::string kOru =
    "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|C42|P|2.4\r"
    "PID|1||9449305552^^^NHS^NH||smith^john\r"
    "OBR|1|||FBC\r"
    "OBX|1|NM|HB^Haemoglobin||135|g/L\r"
    "OBX|2|NM|PLT^Platelets||250|10*9/L\r";

class LuaMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("lua-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "lib");
    std::filesystem::create_directories(dir_ / "tables");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << text;
  }
  Result<std::unique_ptr<LuaMapper>> mapper(const std::string& script, SandboxLimits limits = {}) {
    write("map.lua", script);
    ScriptOptions o;
    o.script = dir_ / "map.lua";
    o.scriptsRoot = dir_;
    o.limits = limits;
    o.reloadCheck = std::chrono::milliseconds(0);
    o.tables = std::make_shared<CodeTables>(dir_ / "tables", std::chrono::milliseconds(0));
    return LuaMapper::create(o, "lab");
  }
  MapResult run(LuaMapper& m, const std::string& bytes = kOru, std::int64_t id = 7) {
    return m.map(bytes, MapContext{"lab", id});
  }

  std::filesystem::path dir_;
};

TEST_F(LuaMapperTest, EditsTheMessageInPlaceAndLeavesTheRestByteIdentical) {
  auto m = mapper(R"(
    function map(msg, ctx)
      msg:set("PID-5.1", msg:get("PID-5.1"):upper())
      msg:set("OBX[2]-6", "10^9/L")
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  std::string expected = kOru;
  expected.replace(expected.find("smith"), 5, "SMITH");
  expected.replace(expected.find("10*9/L"), 6, "10\\S\\9/L");
  EXPECT_EQ(r.bytes, expected);
  EXPECT_TRUE(r.routes.empty());
}

TEST_F(LuaMapperTest, WalksSegmentsAndChangesTheirOrder) {
  auto m = mapper(R"(
    function map(msg, ctx)
      local codes = {}
      for obx in msg:segments("OBX") do codes[#codes + 1] = obx:get("3.1") end
      assert(#codes == 2 and codes[1] == "HB" and codes[2] == "PLT")
      assert(msg:type() == "ORU^R01" and msg:control_id() == "C42")
      assert(msg:segment(1):name() == "MSH" and msg:segment_count() == 5)
      assert(msg:get("ZZZ-1") == nil and msg:get("PID-3.4") == "NHS")
      msg:insert_segment(4, "NTE|1|L|checked by script")
      msg:remove_segment(6)        -- OBX|2, sixth once the NTE is in
      msg:move_segment(5, 2)
      msg:add_segment("ZPH|done")
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  EXPECT_EQ(r.bytes,
            "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|C42|P|2.4\r"
            "OBX|1|NM|HB^Haemoglobin||135|g/L\r"
            "PID|1||9449305552^^^NHS^NH||smith^john\r"
            "OBR|1|||FBC\r"
            "NTE|1|L|checked by script\r"
            "ZPH|done\r");
}

TEST_F(LuaMapperTest, ContextRoutesFiltersRejectsAndLogs) {
  auto m = mapper(R"(
    function map(msg, ctx)
      assert(ctx.channel == "lab" and ctx.message_id == 7)
      ctx:log("info", "seen " .. msg:control_id())
      local kind = msg:get("OBR-4")
      if kind == "FBC" then ctx:route("haematology", "epr"); ctx:route("epr")
      elseif kind == "SKIP" then ctx:filter("not for this practice")
      else ctx:reject("unknown test " .. tostring(kind)) end
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  auto routed = run(**m);
  EXPECT_EQ(routed.routes, (std::vector<std::string>{"haematology", "epr"}));
  std::string skip = kOru;
  skip.replace(skip.find("|FBC"), 4, "|SKIP");
  auto filtered = run(**m, skip);
  EXPECT_EQ(filtered.kind, MapResult::Kind::kFiltered);
  EXPECT_EQ(filtered.reason, "not for this practice");
  std::string other = kOru;
  other.replace(other.find("|FBC"), 4, "|XYZ");
  auto rejected = run(**m, other);
  EXPECT_EQ(rejected.kind, MapResult::Kind::kFailed);
  EXPECT_EQ(rejected.reason, "rejected by map.lua: unknown test XYZ");
}

TEST_F(LuaMapperTest, ContextHintsNameThePracticeAndTheLane) {
  auto m = mapper(R"(
    function map(msg, ctx)
      ctx:set_practice("A81001")
      ctx:set_lane("family-" .. msg:get("PID-5.1"))
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  EXPECT_EQ(r.hints.practice, "A81001");
  EXPECT_EQ(r.hints.lane, "family-smith");
  auto empty = mapper("function map(msg, ctx) ctx:set_lane('') end");
  ASSERT_TRUE(empty);
  auto refused = run(**empty);
  EXPECT_EQ(refused.kind, MapResult::Kind::kFailed);
  EXPECT_NE(refused.reason.find("ctx:set_lane needs a key"), std::string::npos) << refused.reason;
}

TEST_F(LuaMapperTest, ScriptsMakeNewMessagesAndAcknowledgements) {
  auto m = mapper(R"(
    function map(msg, ctx)
      ctx:emit(msg:build_ack("AA", "filed"), "lab-acks")
      ctx:emit("MSH|^~\\&|HUB||||||ADT^A08|N1|P|2.4\rPID|1||" .. msg:get("PID-3.1"))
      ctx:filter("replaced by the messages it made")
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kFiltered) << r.reason;
  ASSERT_EQ(r.derived.size(), 2u);
  EXPECT_EQ(r.derived[0].routes, std::vector<std::string>{"lab-acks"});
  EXPECT_NE(r.derived[0].bytes.find("MSA|AA|C42|filed"), std::string::npos) << r.derived[0].bytes;
  EXPECT_EQ(r.derived[1].bytes, "MSH|^~\\&|HUB||||||ADT^A08|N1|P|2.4\rPID|1||9449305552");
  auto bad = mapper("function map(msg, ctx) ctx:emit('not hl7') end");
  ASSERT_TRUE(bad);
  auto failed = run(**bad);
  EXPECT_EQ(failed.kind, MapResult::Kind::kFailed);
  EXPECT_NE(failed.reason.find("ctx:emit: the new message does not parse"), std::string::npos);
}

TEST_F(LuaMapperTest, ErrorsNameScriptLineChannelAndMessageWithATraceback) {
  auto m = mapper("function map(msg, ctx)\n  local x = nil\n  return x.field\nend\n");
  ASSERT_TRUE(m);
  auto r = run(**m, kOru, 42);
  ASSERT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("map.lua:3:"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("stack traceback"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("channel lab message 42"), std::string::npos) << r.reason;
  // The worker goes on: the next message maps (and fails the same way, cleanly).
  EXPECT_EQ(run(**m).kind, MapResult::Kind::kFailed);
}

TEST_F(LuaMapperTest, MisuseOfTheApiIsAnErrorAtTheScriptsLine) {
  auto m = mapper("function map(msg, ctx)\n  msg:get('PID-')\nend\n");
  ASSERT_TRUE(m);
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("map.lua:2: path 'PID-'"), std::string::npos) << r.reason;
  auto wrongType = mapper("function map(msg, ctx)\n  msg:set({}, 'x')\nend\n");
  ASSERT_TRUE(wrongType);
  auto r2 = run(**wrongType);
  EXPECT_NE(r2.reason.find("map.lua:2: bad argument #2 (string expected, got table)"),
            std::string::npos)
      << r2.reason;
}

TEST_F(LuaMapperTest, AnEndlessLoopEndsAtTheInstructionBudget) {
  SandboxLimits limits;
  limits.instructions = 100000;
  auto m = mapper(R"(
    function map(msg, ctx)
      if msg:control_id() == "C42" then while true do end end
    end)",
                  limits);
  ASSERT_TRUE(m);
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("instruction budget of 100000 exceeded"), std::string::npos) << r.reason;
  std::string other = kOru;
  other.replace(other.find("C42"), 3, "C43");
  EXPECT_EQ(run(**m, other).kind, MapResult::Kind::kMapped);
}

// Issue 18, item 1: the script's own pcall or xpcall cannot swallow the budget's error, and a
// finalizer (which would run outside any budget, at collection or close) cannot be set.
TEST_F(LuaMapperTest, TheBudgetCannotBeEscapedByPcallOrAFinalizer) {
  SandboxLimits limits;
  limits.instructions = 100000;
  for (const char* body :
       {"while true do pcall(function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function(e) return e end) end",
        "while true do pcall(pcall, function() while true do end end) end"}) {
    auto m = mapper(std::string("function map(msg, ctx) ") + body + " end", limits);
    ASSERT_TRUE(m);
    const auto started = std::chrono::steady_clock::now();
    auto r = run(**m);
    EXPECT_EQ(r.kind, MapResult::Kind::kFailed) << body;
    EXPECT_NE(r.reason.find("instruction budget of 100000 exceeded"), std::string::npos)
        << body << ": " << r.reason;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5)) << body;
  }
  auto gc = mapper(
      "function map(msg, ctx) setmetatable({}, {__gc = function() while true do end end}) end",
      limits);
  ASSERT_TRUE(gc);
  auto r = run(**gc);
  EXPECT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("__gc finalizers are not allowed"), std::string::npos) << r.reason;
  // pcall still works as Lua's for the script's own errors.
  auto own = mapper(R"(
    function map(msg, ctx)
      local ok, err = pcall(error, "mine")
      local ok2, v = xpcall(function() return 5 end, debug and debug.traceback or tostring)
      if ok or not err:find("mine") or not ok2 or v ~= 5 then error("pcall broken") end
    end)");
  ASSERT_TRUE(own);
  EXPECT_EQ(run(**own).kind, MapResult::Kind::kMapped);
}

// Issue 18, item 1: a wall-clock limit per message, checked with the instruction budget, so a
// script with a generous budget still cannot hold its worker for long — pcall or not.
TEST_F(LuaMapperTest, AWallClockLimitEndsAScriptTheBudgetWouldLetRun) {
  SandboxLimits limits;
  limits.instructions = 1'000'000'000'000LL;
  limits.timeLimit = std::chrono::milliseconds(200);
  auto m =
      mapper("function map(msg, ctx) while true do pcall(function() while true do end end) end end",
             limits);
  ASSERT_TRUE(m);
  const auto started = std::chrono::steady_clock::now();
  auto r = run(**m);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("wall-clock limit of 200 ms exceeded"), std::string::npos) << r.reason;
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(3));
}

// Issue 18, item 2: a script that removes its own map fails its message; it never takes the
// hub down, and the next message gets the script as saved.
TEST_F(LuaMapperTest, AScriptThatRemovesItsOwnMapFailsItsMessageOnly) {
  auto m = mapper("function map(msg, ctx) map = nil end");
  ASSERT_TRUE(m);
  EXPECT_EQ(run(**m).kind, MapResult::Kind::kMapped);  // removes itself on the way out
  auto r = run(**m);
  EXPECT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("no longer defines function map"), std::string::npos) << r.reason;
  EXPECT_EQ(run(**m).kind, MapResult::Kind::kMapped);  // the script as saved, fresh
}

// Issue 18, item 3: what a script writes through msg and ctx counts against its memory limit,
// and its log lines are capped in the log as in the journal.
TEST_F(LuaMapperTest, WhatBindingsWriteCountsAgainstTheMemoryLimit) {
  SandboxLimits limits;
  limits.memoryBytes = 32 * 1024 * 1024;
  for (const char* body :
       {"for i = 1, 12 do msg:add_segment('NTE|1||' .. ('x'):rep(8 * 1024 * 1024)) end",
        "for i = 1, 25 do ctx:emit(tostring(msg) .. 'NTE|1||' .. ('x'):rep(4 * 1024 * 1024)) end",
        "for i = 1, 12 do msg:set('PID-5.1', ('y'):rep(8 * 1024 * 1024)) end"}) {
    auto m = mapper(std::string("function map(msg, ctx) ") + body + " end", limits);
    ASSERT_TRUE(m);
    auto r = run(**m);
    EXPECT_EQ(r.kind, MapResult::Kind::kFailed) << body;
    EXPECT_NE(r.reason.find("exceeded by what the script wrote"), std::string::npos)
        << body << ": " << r.reason.substr(0, 300);
  }
  auto chatty =
      mapper("function map(msg, ctx) for i = 1, 20000 do ctx:log('info', ('z'):rep(5000)) end end");
  ASSERT_TRUE(chatty);
  auto r = run(**chatty);
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  ASSERT_EQ(r.notes.size(), 101u);
  EXPECT_EQ(r.notes[0].size(), std::string("info: ").size() + 2000);
  EXPECT_NE(r.notes.back().find("the rest are dropped"), std::string::npos);
}

TEST_F(LuaMapperTest, AMemoryBombEndsAtTheMemoryCap) {
  SandboxLimits limits;
  limits.memoryBytes = 4 * 1024 * 1024;
  auto m = mapper(R"(
    function map(msg, ctx)
      if msg:control_id() == "C42" then
        local t = {}
        for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
      end
    end)",
                  limits);
  ASSERT_TRUE(m) << m.error().describe();
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("memory limit of 4194304 bytes exceeded"), std::string::npos) << r.reason;
  std::string other = kOru;
  other.replace(other.find("C42"), 3, "C43");
  EXPECT_EQ(run(**m, other).kind, MapResult::Kind::kMapped);
}

TEST_F(LuaMapperTest, EveryEscapeFromTheSandboxFailsClearly) {
  const char* escapes[] = {
      "io.open('/etc/passwd')",
      "os.execute('true')",
      "os.getenv('HOME')",
      "os.exit(1)",
      "os.remove('/tmp/x')",
      "os.rename('/tmp/a', '/tmp/b')",
      "debug.getinfo(1)",
      "dofile('/etc/passwd')",
      "loadfile('/etc/passwd')",
      "package.loadlib('libc.so.6', 'puts')",
      "collectgarbage('stop')",
      "string.dump(map)",
      "(''):dump()",
      "require('os')",
      "require('../../etc/passwd')",
      "assert(load('\\27Lua'))()",
  };
  for (const char* escape : escapes) {
    auto m = mapper(std::string("function map(msg, ctx) ") + escape + " end");
    ASSERT_TRUE(m) << escape;
    auto r = run(**m);
    EXPECT_EQ(r.kind, MapResult::Kind::kFailed) << escape << " was allowed";
    EXPECT_NE(r.reason.find("map.lua:1:"), std::string::npos) << escape << ": " << r.reason;
  }
  // What is allowed works: os.time/date/clock, string, table, math, utf8, text load.
  auto ok = mapper(R"(
    function map(msg, ctx)
      assert(os.time() > 0 and os.date("%Y") and os.clock() >= 0)
      assert(("abc"):upper() == "ABC" and math.max(1, 2) == 2 and utf8.len("é") == 1)
      assert(load("return 1 + 1")() == 2)
      assert(table.concat({"a", "b"}, ",") == "a,b")
    end)");
  ASSERT_TRUE(ok);
  EXPECT_EQ(run(**ok).kind, MapResult::Kind::kMapped) << run(**ok).reason;
}

TEST_F(LuaMapperTest, RequireLoadsModulesFromTheScriptsFolderOnly) {
  write("lib/nhs.lua", R"(
    local M = {}
    function M.valid(n) return #n == 10 end
    return M)");
  auto m = mapper(R"(
    local nhs = require("lib.nhs")
    function map(msg, ctx)
      if not nhs.valid(msg:get("PID-3.1")) then ctx:reject("bad NHS number") end
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(run(**m).kind, MapResult::Kind::kMapped);
  auto missing = mapper("local x = require('lib.absent')\nfunction map() end");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text.find("no module 'lib.absent'"), std::string::npos);
}

TEST_F(LuaMapperTest, AMessageKeptPastItsCallCannotBeUsed) {
  auto m = mapper(R"(
    local kept
    function map(msg, ctx)
      if kept then kept:get("PID-3") end
      kept = msg
    end)");
  ASSERT_TRUE(m);
  EXPECT_EQ(run(**m).kind, MapResult::Kind::kMapped);
  auto second = run(**m);
  EXPECT_EQ(second.kind, MapResult::Kind::kFailed);
  EXPECT_NE(second.reason.find("msg used after map() returned"), std::string::npos);
}

TEST_F(LuaMapperTest, ASegmentKeptPastItsCallCannotBeUsed) {
  auto m = mapper(R"(
    local kept
    function map(msg, ctx)
      if kept then kept:get("3") end
      kept = msg:segments("PID")()
    end)");
  ASSERT_TRUE(m);
  EXPECT_EQ(run(**m).kind, MapResult::Kind::kMapped);
  auto second = run(**m);
  EXPECT_EQ(second.kind, MapResult::Kind::kFailed);
  EXPECT_NE(second.reason.find("segment used after map() returned"), std::string::npos)
      << second.reason;
}

TEST_F(LuaMapperTest, AScriptThatDoesNotLoadIsRefusedWithFileAndLine) {
  auto syntax = mapper("function map(msg, ctx)\n  if then\nend\n");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().text.find("map.lua:2:"), std::string::npos) << syntax.error().text;
  auto noMap = mapper("function mapping(msg) end");
  ASSERT_FALSE(noMap);
  EXPECT_NE(noMap.error().text.find("no function map"), std::string::npos);
}

TEST_F(LuaMapperTest, ReloadsAChangedScriptAndKeepsTheOldOneWhenTheNewFailsToLoad) {
  auto m = mapper("function map(msg, ctx) ctx:route('v1') end");
  ASSERT_TRUE(m);
  EXPECT_EQ(run(**m).routes, std::vector<std::string>{"v1"});
  auto bump = [&](const std::string& text) {
    const auto before = std::filesystem::last_write_time(dir_ / "map.lua");
    write("map.lua", text);
    std::filesystem::last_write_time(dir_ / "map.lua", before + std::chrono::seconds(1));
  };
  bump("function map(msg, ctx) ctx:route('v2') end");
  EXPECT_EQ(run(**m).routes, std::vector<std::string>{"v2"});
  bump("function map(msg, ctx) ctx:route('v3' end");  // a syntax error
  EXPECT_EQ(run(**m).routes, std::vector<std::string>{"v2"});
  EXPECT_NE((*m)->loadError().find("map.lua:1:"), std::string::npos) << (*m)->loadError();
}

TEST(CsvTable, ReadsQuotedFieldsAndCrLfLines) {
  auto t = parseCsvTable(
      "code,snomed,display\r\nHB,\"271026005\",\"Haemoglobin, \"\"Hb\"\"\"\r\nPLT,61928009,"
      "Platelet count\n",
      "t.csv");
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"code", "snomed", "display"}));
  EXPECT_EQ(t->rows.at("HB")[2], "Haemoglobin, \"Hb\"");
  EXPECT_EQ(t->rows.at("PLT")[1], "61928009");
}

TEST(CsvTable, ReportsBrokenTablesWithTheLine) {
  auto ragged = parseCsvTable("a,b\n1,2\n3\n", "r.csv");
  ASSERT_FALSE(ragged);
  EXPECT_EQ(ragged.error().context.line, 3);
  EXPECT_NE(ragged.error().text.find("row has 1 fields"), std::string::npos);
  auto twice = parseCsvTable("a,b\n1,2\n1,3\n", "d.csv");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().text.find("key '1' appears twice"), std::string::npos);
  EXPECT_FAILS_WITH(parseCsvTable("a,b\n\"open,2\n", "q.csv"), ErrorCode::kInvalidValue);
  EXPECT_FAILS_WITH(parseCsvTable("", "e.csv"), ErrorCode::kInvalidValue);
}

TEST_F(LuaMapperTest, ScriptsLookUpCodeTablesThatReloadWhenTheirFileChanges) {
  write("tables/lab_snomed.csv", "local,snomed,display\nHB,271026005,Haemoglobin\n");
  auto m = mapper(R"(
    function map(msg, ctx)
      for obx in msg:segments("OBX") do
        local row = tables.lookup("lab_snomed", obx:get("3.1"))
        if row then obx:set("3.4", row.snomed) obx:set("3.6", "SCT")
        else ctx:route("exceptions") end
      end
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  auto r = run(**m);
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  EXPECT_NE(r.bytes.find("OBX|1|NM|HB^Haemoglobin^^271026005^^SCT||135"), std::string::npos)
      << r.bytes;
  EXPECT_EQ(r.routes, std::vector<std::string>{"exceptions"});  // PLT is not in the table
  const auto before = std::filesystem::last_write_time(dir_ / "tables/lab_snomed.csv");
  write("tables/lab_snomed.csv",
        "local,snomed,display\nHB,271026005,Haemoglobin\nPLT,61928009,Platelets\n");
  std::filesystem::last_write_time(dir_ / "tables/lab_snomed.csv",
                                   before + std::chrono::seconds(1));
  EXPECT_TRUE(run(**m).routes.empty());
  auto missing = mapper("function map(msg, ctx) tables.lookup('nope', 'x') end");
  ASSERT_TRUE(missing);
  EXPECT_NE(run(**missing).reason.find("no code table 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::lua

namespace pathhub::lua {
namespace {

// Each result names the script text that made it (the version the journal records), a reload
// changes it, and a script given as text is that text and is never reloaded from the file.
TEST_F(LuaMapperTest, EachResultCarriesTheHashOfTheScriptThatMadeIt) {
  const std::string first = "function map(msg, ctx) msg:set('MSH-3', 'ONE') end\n";
  auto m = mapper(first);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(run(**m).scriptHash, sha256Hex(first));
  EXPECT_EQ((*m)->scriptHash(), sha256Hex(first));
  const std::string second = "function map(msg, ctx) msg:set('MSH-3', 'TWO') end\n";
  write("map.lua", second);
  std::filesystem::last_write_time(
      dir_ / "map.lua", std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  const MapResult after = run(**m);
  EXPECT_EQ(after.scriptHash, sha256Hex(second));
  EXPECT_NE(after.bytes.find("|TWO|"), std::string::npos);
  // A failure names the version too.
  write("map.lua", "function map(msg, ctx) error('no') end\n");
  std::filesystem::last_write_time(
      dir_ / "map.lua", std::filesystem::file_time_type::clock::now() + std::chrono::seconds(10));
  const MapResult failed = run(**m);
  EXPECT_EQ(failed.kind, MapResult::Kind::kFailed);
  EXPECT_EQ(failed.scriptHash, sha256Hex("function map(msg, ctx) error('no') end\n"));

  ScriptOptions given;
  given.script = dir_ / "map.lua";  // names it; the text is what runs
  given.scriptsRoot = dir_;
  given.reloadCheck = std::chrono::milliseconds(0);
  given.text = first;
  given.logLines = false;
  auto tried = LuaMapper::create(given, "lab");
  ASSERT_TRUE(tried) << tried.error().describe();
  const MapResult r = (*tried)->map(kOru, MapContext{"lab", 1});
  EXPECT_EQ(r.scriptHash, sha256Hex(first));
  EXPECT_NE(r.bytes.find("|ONE|"), std::string::npos) << "the file's text is not reloaded";
}

}  // namespace
}  // namespace pathhub::lua

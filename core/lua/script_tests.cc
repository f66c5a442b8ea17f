// Script tests (see script_tests.h).
#include "lua/script_tests.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "hl7/message.h"
#include "lua/lua_boundary.h"
#include "lua/lua_sandbox.h"
#include "lua/mapping_runner.h"

namespace pathhub::lua {
namespace {

namespace fs = std::filesystem;

struct TestHost {
  MappingRunner* runner;
  fs::path root;
};

TestHost& host(lua_State* L) {
  return *static_cast<TestHost*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// run_mapping(script, message) → {outcome=, message=, routes={...}, reason=, derived={...}}
int runMapping(lua_State* L) {
  const std::string script(argString(L, 1));
  auto result = host(L).runner->run(script, std::string(argString(L, 2)));
  if (!result) throw ScriptError("run_mapping: " + result.error().describe());
  static const char* const kOutcomes[] = {"mapped", "filtered", "failed"};
  lua_createtable(L, 0, 4);
  lua_pushstring(L, kOutcomes[static_cast<int>(result->kind)]);
  lua_setfield(L, -2, "outcome");
  lua_pushlstring(L, result->bytes.data(), result->bytes.size());
  lua_setfield(L, -2, "message");
  lua_pushlstring(L, result->reason.data(), result->reason.size());
  lua_setfield(L, -2, "reason");
  lua_createtable(L, static_cast<int>(result->routes.size()), 0);
  for (std::size_t i = 0; i < result->routes.size(); ++i) {
    lua_pushstring(L, result->routes[i].c_str());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "routes");
  lua_createtable(L, static_cast<int>(result->derived.size()), 0);
  for (std::size_t i = 0; i < result->derived.size(); ++i) {
    lua_pushlstring(L, result->derived[i].bytes.data(), result->derived[i].bytes.size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "derived");
  return 1;
}

// field(message, path) → decoded text or nil
int field(lua_State* L) {
  auto message = hl7::Message::parse(std::string(argString(L, 1)));
  if (!message) throw ScriptError("field: " + message.error().describe());
  auto path = hl7::Path::parse(argString(L, 2));
  if (!path) throw ScriptError("field: " + path.error().text);
  if (!message->exists(*path)) {
    lua_pushnil(L);
  } else {
    const std::string value = message->get(*path);
    lua_pushlstring(L, value.data(), value.size());
  }
  return 1;
}

// sample(path) → the file's bytes (relative to the scripts folder), separators as \r
int sample(lua_State* L) {
  const fs::path path = host(L).root / std::string(argString(L, 1));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScriptError("sample: cannot read " + path.string());
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::replace(text.begin(), text.end(), '\n', '\r');
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// The test helpers written in Lua: they only compare and format.
constexpr const char* kPrelude = R"(
__tests = {}
function test(name, fn) __tests[#__tests + 1] = {name = name, fn = fn} end
local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then
    local parts = {}
    for i, x in ipairs(v) do parts[i] = show(x) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return tostring(v)
end
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  if #a ~= #b then return false end
  for i = 1, #a do if not same(a[i], b[i]) then return false end end
  return true
end
function expect_eq(actual, expected, what)
  if not same(actual, expected) then
    error((what and what .. ": " or "") .. "expected " .. show(expected) .. ", got " ..
          show(actual), 2)
  end
end
function expect(condition, what)
  if not condition then error(what or "expectation failed", 2) end
end
)";

}  // namespace

int runScriptTests(const std::string& dirText, std::ostream& out,
                   const std::function<void(MappingRunner&)>& prepare) {
  const fs::path dir(dirText);
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 9 && name.compare(name.size() - 9, 9, "_test.lua") == 0) {
      files.push_back(e.path());
    }
  }
  if (ec) {
    out << "pathhub-map: cannot read " << dirText << ": " << ec.message() << "\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  // Scripts named by the tests resolve from the scripts folder DIR belongs to, trailing slash
  // or not.
  const fs::path root = scriptsFolderFor(dir);
  MappingRunner runner(root);
  if (prepare) prepare(runner);
  TestHost testHost{&runner, root};
  int passed = 0, failed = 0;
  for (const fs::path& file : files) {
    SandboxLimits limits;
    limits.instructions = 1'000'000'000;
    Sandbox sandbox(root, limits);
    lua_State* L = sandbox.state();
    static const luaL_Reg kHelpers[] = {{"run_mapping", guarded<runMapping>},
                                        {"field", guarded<field>},
                                        {"sample", guarded<sample>}};
    for (const luaL_Reg& helper : kHelpers) {
      const char* name = helper.name;
      lua_CFunction fn = helper.func;
      lua_pushlightuserdata(L, &testHost);
      lua_pushcclosure(L, fn, 1);
      sandbox.setGlobal(name);
    }
    const std::string shown = fs::relative(file, root, ec).string();
    if (auto ok = sandbox.load(kPrelude, "prelude"); !ok) {
      out << "pathhub-map: " << ok.error().text << "\n";
      return 2;
    }
    std::ifstream in(file, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (auto ok = sandbox.load(text, shown); !ok) {
      out << "FAIL " << shown << ": does not load: " << ok.error().text << "\n";
      ++failed;
      continue;
    }
    sandbox.pushGlobal("__tests");
    const int tests = lua_gettop(L);
    const auto count = static_cast<int>(lua_rawlen(L, tests));
    for (int i = 1; i <= count; ++i) {
      lua_rawgeti(L, tests, i);
      lua_getfield(L, -1, "name");
      const std::string name = lua_isstring(L, -1) ? lua_tostring(L, -1) : "#" + std::to_string(i);
      lua_pop(L, 1);
      lua_getfield(L, -1, "fn");
      lua_remove(L, -2);
      if (auto result = sandbox.call(0, 0)) {
        ++passed;
        out << "ok   " << shown << ": " << name << "\n";
      } else {
        ++failed;
        // The first line says where and what; the traceback follows for whoever needs it.
        const std::string& why = result.error().text;
        out << "FAIL " << shown << ": " << name << "\n     " << why.substr(0, why.find('\n'))
            << "\n";
      }
    }
    lua_settop(L, 0);
  }
  out << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace pathhub::lua

// libFuzzer target: arbitrary text as a mapping script, run against a real message in the
// sandbox with tight limits (instructions, memory, wall clock). Whatever the script does — loop,
// recurse, allocate, misuse msg and ctx, break its own globals — the process must neither hang
// nor die: every outcome is a loaded script with a mapped, filtered or failed message, or a
// script that did not load.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "lua/lua_mapper.h"

namespace {

using namespace pathhub;

constexpr const char* kOru =
    "MSH|^~\\&|LAB|RVJ|GP|A81001|20240101120000||ORU^R01|42|P|2.4\r"
    "PID|1||9434765919^^^NHS^NH~H123^^^RVJ^MR||SMITH^JOHN^^^MR||19700101|M\r"
    "OBR|1|ORD1|LAB1|U&E^Urea and electrolytes^L|||20240101090000\r"
    "OBX|1|NM|K^Potassium^L||4.1|mmol/L|3.5-5.3|N|||F\r"
    "NTE|1||comment\r";

const std::filesystem::path& folder() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("lua-bindings-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d / "tables");
    std::ofstream(d / "tables" / "codes.csv") << "local,snomed\nK,1000651000000109\n";
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto script = folder() / "fuzz.lua";
  {
    std::ofstream out(script, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  lua::ScriptOptions options;
  options.script = script;
  options.scriptsRoot = folder();
  options.limits.instructions = 200'000;
  options.limits.memoryBytes = 2 * 1024 * 1024;
  options.limits.timeLimit = std::chrono::milliseconds(1000);
  options.reloadCheck = std::chrono::hours(1);
  options.tables = std::make_shared<lua::CodeTables>(folder() / "tables");
  auto mapper = lua::LuaMapper::create(options, "fuzz");
  if (!mapper) return 0;
  // Twice: the second call sees whatever the first left in the state.
  for (std::int64_t id = 1; id <= 2; ++id) {
    const auto result = (*mapper)->map(kOru, pipeline::MapContext{"fuzz", id});
    if (result.kind == pipeline::MapResult::Kind::kFailed && result.reason.empty()) std::abort();
  }
  return 0;
}

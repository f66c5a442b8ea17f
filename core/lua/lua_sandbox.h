// A sandboxed Lua 5.4 state for one mapping script on one mapper worker.
//
// The sandbox is built, not stripped: the script's environment holds only base functions
// (without dofile, loadfile, and with load limited to text chunks), string, table, math,
// utf8, os.time/os.date/os.clock, and a `require` that loads text modules from the scripts
// folder only. Memory is counted by a custom allocator with a cap, and every call runs under
// an instruction budget and a wall-clock limit (both checked by a count hook), so a runaway
// script ends with an error, never a hang or an out-of-memory hub: once either is spent the
// error is sticky (the script's own pcall cannot swallow it), and scripts cannot set __gc
// finalizers (they would run outside any budget). Errors come back as values naming script, line
// and message.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <lua.hpp>
#include <string>

#include "pathhub/error.h"

namespace pathhub::lua {

struct SandboxLimits {
  std::size_t memoryBytes = 32 * 1024 * 1024;  // the whole state, script and data
  long long instructions = 10'000'000;         // per call
  // Per call, checked between Lua instructions: a single C call (a string pattern with heavy
  // backtracking) can run past it, which only a worker process (lua/isolated_mapper.h) bounds.
  std::chrono::milliseconds timeLimit{5000};
};

class Sandbox {
 public:
  // `scriptsRoot` is where require() looks for modules ("lib.nhs" → <root>/lib/nhs.lua).
  Sandbox(std::filesystem::path scriptsRoot, SandboxLimits limits);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Compiles and runs a script's text in the sandbox (defining its functions). `name` is how
  // errors refer to it, e.g. "demo.lua".
  Result<void> load(const std::string& text, const std::string& name);

  // Calls global function `function` with `nargs` arguments already pushed (above the
  // function, which the caller pushes with pushGlobal). On error the message names script and
  // line and carries the traceback. Leaves `nresults` values on the stack on success.
  Result<void> call(int nargs, int nresults);
  // Pushes the script's global `name`; returns false (pushing nothing) when it is not a function.
  bool pushFunction(const char* name);
  // Pushes the script's global `name`, whatever it is (nil when absent).
  void pushGlobal(const char* name);

  // Pops the value on top of the stack into the script environment as `name` (for host
  // functions such as `tables`; call before load()).
  void setGlobal(const char* name);

  lua_State* state() { return L_; }

  // Bytes a binding is about to write outside Lua's heap during a call (a segment added, a
  // value set, a message emitted, a line logged): they count against the same memory limit as
  // the script's own data, so a 200-byte input cannot become 100 MB through the bindings.
  // Throws ScriptError past the limit.
  static void chargeOutside(lua_State* L, std::size_t bytes);

 private:
  static void* allocate(void* ud, void* ptr, std::size_t oldSize, std::size_t newSize);
  static void countHook(lua_State* L, lua_Debug* ar);
  // pcall, xpcall and setmetatable as scripts see them: an exceeded budget is not the
  // script's to catch (the error passes through its pcall), and no __gc finalizer can be set
  // (it would run outside the budget, when the state collects or closes).
  static int safePcall(lua_State* L);
  static int safeXpcall(lua_State* L);
  static int safeSetmetatable(lua_State* L);
  static int require(lua_State* L);
  static int safeLoad(lua_State* L);
  void buildEnvironment();

  std::filesystem::path root_;
  SandboxLimits limits_;
  std::size_t used_ = 0;
  long long budgetLeft_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  // Why this call was stopped ("" while it runs): once set, every hook and pcall re-raises it.
  std::string aborted_;
  std::size_t outside_ = 0;  // chargeOutside's total in this call
  lua_State* L_ = nullptr;
  int env_ = LUA_NOREF;  // registry reference to the script environment table
};

}  // namespace pathhub::lua

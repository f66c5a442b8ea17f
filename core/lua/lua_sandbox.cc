// The Lua sandbox (see lua_sandbox.h).
#include "lua/lua_sandbox.h"

#include <fstream>
#include <iterator>

#include "lua/lua_boundary.h"

namespace pathhub::lua {
namespace {

constexpr int kHookEvery = 1000;  // instructions between budget checks

Sandbox* self(lua_State* L) { return *static_cast<Sandbox**>(lua_getextraspace(L)); }

// Copies the named fields of the table at `from` into a new table left on the stack.
void copyFields(lua_State* L, int from, std::initializer_list<const char*> names) {
  from = lua_absindex(L, from);
  lua_createtable(L, 0, static_cast<int>(names.size()));
  for (const char* n : names) {
    lua_getfield(L, from, n);
    lua_setfield(L, -2, n);
  }
}

// Copies every field of the table at `from` except `skip` into a new table on the stack.
void copyAllBut(lua_State* L, int from, const char* skip) {
  from = lua_absindex(L, from);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, from)) {
    if (lua_type(L, -2) == LUA_TSTRING && std::string(lua_tostring(L, -2)) == skip) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, -4);
  }
}

int traceback(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (!msg) msg = luaL_typename(L, 1);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

}  // namespace

void* Sandbox::allocate(void* ud, void* ptr, std::size_t oldSize, std::size_t newSize) {
  auto* box = static_cast<Sandbox*>(ud);
  const std::size_t old = ptr ? oldSize : 0;
  if (newSize == 0) {
    box->used_ -= old;
    std::free(ptr);
    return nullptr;
  }
  // Growing past the cap fails; Lua turns that into a "not enough memory" error.
  if (newSize > old && box->used_ - old + newSize > box->limits_.memoryBytes) return nullptr;
  void* grown = std::realloc(ptr, newSize);
  if (grown) box->used_ = box->used_ - old + newSize;
  return grown;
}

void Sandbox::countHook(lua_State* L, lua_Debug*) {
  Sandbox* box = self(L);
  box->budgetLeft_ -= kHookEvery;
  if (box->aborted_.empty() && box->budgetLeft_ <= 0) {
    box->aborted_ = "instruction budget of " + std::to_string(box->limits_.instructions) +
                    " exceeded (an endless loop?)";
  }
  if (box->aborted_.empty() && std::chrono::steady_clock::now() > box->deadline_) {
    box->aborted_ =
        "wall-clock limit of " + std::to_string(box->limits_.timeLimit.count()) + " ms exceeded";
  }
  if (!box->aborted_.empty()) luaL_error(L, "%s", box->aborted_.c_str());
}

Sandbox::Sandbox(std::filesystem::path scriptsRoot, SandboxLimits limits)
    : root_(std::move(scriptsRoot)), limits_(limits) {
  L_ = lua_newstate(&Sandbox::allocate, this);
  if (!L_) return;
  *static_cast<Sandbox**>(lua_getextraspace(L_)) = this;
  buildEnvironment();
}

Sandbox::~Sandbox() {
  if (L_) lua_close(L_);
}

void Sandbox::buildEnvironment() {
  lua_State* L = L_;
  luaL_requiref(L, "_G", luaopen_base, 0);        // 1
  luaL_requiref(L, "string", luaopen_string, 0);  // 2
  luaL_requiref(L, "table", luaopen_table, 0);    // 3
  luaL_requiref(L, "math", luaopen_math, 0);      // 4
  luaL_requiref(L, "utf8", luaopen_utf8, 0);      // 5
  luaL_requiref(L, "os", luaopen_os, 0);          // 6
  // The script environment: chosen base functions, never dofile, loadfile or collectgarbage.
  copyFields(L, 1,
             {"assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
              "rawset", "select", "getmetatable", "tonumber", "tostring", "type", "_VERSION"});
  const int env = lua_gettop(L);
  lua_pushcfunction(L, &Sandbox::safePcall);
  lua_setfield(L, env, "pcall");
  lua_pushcfunction(L, &Sandbox::safeXpcall);
  lua_setfield(L, env, "xpcall");
  lua_pushcfunction(L, &Sandbox::safeSetmetatable);
  lua_setfield(L, env, "setmetatable");
  copyAllBut(L, 2, "dump");  // no string.dump: bytecode never enters or leaves
  lua_pushvalue(L, -1);
  lua_setfield(L, env, "string");
  // Strings' methods ("x"):upper() must reach the same safe table, not the full library.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 3);
  copyAllBut(L, 3, "");
  lua_setfield(L, env, "table");
  copyAllBut(L, 4, "");
  lua_setfield(L, env, "math");
  copyAllBut(L, 5, "");
  lua_setfield(L, env, "utf8");
  copyFields(L, 6, {"time", "date", "clock"});
  lua_setfield(L, env, "os");
  lua_pushvalue(L, env);
  lua_setfield(L, env, "_G");
  lua_pushcfunction(L, guarded<&Sandbox::safeLoad>);
  lua_setfield(L, env, "load");
  lua_newtable(L);  // modules loaded by require, private to this state
  lua_pushcclosure(L, guarded<&Sandbox::require>, 1);
  lua_setfield(L, env, "require");
  lua_pushvalue(L, env);
  env_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_settop(L, 0);
}

void Sandbox::chargeOutside(lua_State* L, std::size_t bytes) {
  Sandbox* box = self(L);
  box->outside_ += bytes;
  if (box->outside_ > box->limits_.memoryBytes) {
    throw ScriptError("memory limit of " + std::to_string(box->limits_.memoryBytes) +
                      " bytes exceeded by what the script wrote through msg and ctx");
  }
}

// These three hold no C++ objects: lua_error leaves them by longjmp.
int Sandbox::safePcall(lua_State* L) {
  luaL_checkany(L, 1);
  const int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (!self(L)->aborted_.empty()) return lua_error(L);  // a limit's error goes on up
  lua_pushboolean(L, status == LUA_OK);
  lua_insert(L, 1);
  return lua_gettop(L);
}

int Sandbox::safeXpcall(lua_State* L) {
  const int n = lua_gettop(L);  // f handler args...
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 1);  // f handler args... f
  lua_copy(L, 2, 1);    // handler handler args... f
  lua_replace(L, 2);    // handler f args...
  const int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
  if (!self(L)->aborted_.empty()) return lua_error(L);
  lua_pushboolean(L, status == LUA_OK);
  lua_replace(L, 1);  // the handler's place
  return lua_gettop(L);
}

int Sandbox::safeSetmetatable(lua_State* L) {
  const int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  lua_pushliteral(L, "__gc");
  if (t == LUA_TTABLE && lua_rawget(L, 2) != LUA_TNIL) {
    return luaL_error(L, "setmetatable: __gc finalizers are not allowed in mapping scripts");
  }
  lua_settop(L, 2);
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  lua_setmetatable(L, 1);
  return 1;
}

// load(chunk [, chunkname [, mode [, env]]]): text chunks only, in the sandbox by default.
int Sandbox::safeLoad(lua_State* L) {
  Sandbox* box = self(L);
  const std::string_view text = argString(L, 1);
  const std::string name(argOptString(L, 2, "=(load)"));
  if (luaL_loadbufferx(L, text.data(), text.size(), name.c_str(), "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (lua_isnoneornil(L, 4)) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, box->env_);
  } else {
    lua_pushvalue(L, 4);
  }
  lua_setupvalue(L, -2, 1);  // _ENV
  return 1;
}

int Sandbox::require(lua_State* L) {
  Sandbox* box = self(L);
  const std::string name(argString(L, 1));
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok || name.find("..") != std::string::npos || name.front() == '.') {
      throw ScriptError("require: '" + name + "' is not a module name (letters, digits, _ and .)");
    }
  }
  lua_getfield(L, lua_upvalueindex(1), name.c_str());
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  std::string relative = name;
  for (char& c : relative) c = c == '.' ? '/' : c;
  relative += ".lua";
  std::ifstream in(box->root_ / relative, std::ios::binary);
  if (!in) {
    throw ScriptError("require: no module '" + name + "' (looked for " + relative +
                      " in the scripts folder)");
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string chunk = "@" + relative;
  if (luaL_loadbufferx(L, text.data(), text.size(), chunk.c_str(), "t") != LUA_OK) {
    throw ScriptError(lua_tostring(L, -1) ? std::string(lua_tostring(L, -1))
                                          : "cannot load " + relative);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, box->env_);
  lua_setupvalue(L, -2, 1);
  lua_pushstring(L, name.c_str());
  // A module's own error must not unwind through this frame: catch it and rethrow as C++.
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    throw ScriptError(lua_tostring(L, -1) ? std::string(lua_tostring(L, -1))
                                          : "module " + name + " failed");
  }
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, lua_upvalueindex(1), name.c_str());
  return 1;
}

Result<void> Sandbox::load(const std::string& text, const std::string& name) {
  if (!L_) return fail(ErrorCode::kIoError, "cannot create a Lua state");
  const std::string chunk = "@" + name;
  if (luaL_loadbufferx(L_, text.data(), text.size(), chunk.c_str(), "t") != LUA_OK) {
    std::string why = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "cannot load";
    lua_pop(L_, 1);
    ErrorContext ctx;
    ctx.file = name;
    return fail(ErrorCode::kInvalidValue, why, ctx);
  }
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_);
  lua_setupvalue(L_, -2, 1);
  return call(0, 0);
}

void Sandbox::setGlobal(const char* name) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_);
  lua_insert(L_, -2);
  lua_setfield(L_, -2, name);
  lua_pop(L_, 1);
}

void Sandbox::pushGlobal(const char* name) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_);
  lua_getfield(L_, -1, name);
  lua_remove(L_, -2);
}

bool Sandbox::pushFunction(const char* name) {
  pushGlobal(name);
  if (lua_isfunction(L_, -1)) return true;
  lua_pop(L_, 1);
  return false;
}

Result<void> Sandbox::call(int nargs, int nresults) {
  const int base = lua_gettop(L_) - nargs;  // the function's index
  lua_pushcfunction(L_, traceback);
  lua_insert(L_, base);
  budgetLeft_ = limits_.instructions;
  deadline_ = std::chrono::steady_clock::now() + limits_.timeLimit;
  aborted_.clear();
  outside_ = 0;
  lua_sethook(L_, &Sandbox::countHook, LUA_MASKCOUNT, kHookEvery);
  const int rc = lua_pcall(L_, nargs, nresults, base);
  lua_sethook(L_, nullptr, 0, 0);
  lua_remove(L_, base);
  if (rc == LUA_OK) return {};
  std::string why = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error object is not a string";
  lua_pop(L_, 1);
  if (rc == LUA_ERRMEM) {
    why = "memory limit of " + std::to_string(limits_.memoryBytes) + " bytes exceeded";
  } else if (!aborted_.empty() && why.find(aborted_) == std::string::npos) {
    // The sticky error may have surfaced inside a handler (an error in error handling).
    why = aborted_;
  }
  aborted_.clear();
  lua_gc(L_, LUA_GCCOLLECT);  // give back what the failed run held
  return fail(ErrorCode::kInvalidValue, why);
}

}  // namespace pathhub::lua

// The line between C++ and Lua. Lua (a C library here) raises errors with longjmp, which skips
// C++ destructors; so functions bound to Lua never raise Lua errors themselves. They throw
// ScriptError (or any std::exception), read their arguments with the checks below (which throw
// too), and are registered through guarded<F>, which turns the exception into a Lua error only
// after every C++ object of the call is gone.
#pragma once

#include <lua.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pathhub::lua {

struct ScriptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <lua_CFunction F>
int guarded(lua_State* L) {
  try {
    return F(L);
  } catch (const std::exception& e) {
    luaL_where(L, 1);
    lua_pushstring(L, e.what());
    lua_concat(L, 2);
  }
  return lua_error(L);
}

inline std::string_view argString(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TSTRING && lua_type(L, index) != LUA_TNUMBER) {
    throw ScriptError("bad argument #" + std::to_string(index) + " (string expected, got " +
                      luaL_typename(L, index) + ")");
  }
  std::size_t size = 0;
  const char* text = lua_tolstring(L, index, &size);
  return {text, size};
}

inline std::string_view argOptString(lua_State* L, int index, std::string_view fallback) {
  return lua_isnoneornil(L, index) ? fallback : argString(L, index);
}

inline lua_Integer argInteger(lua_State* L, int index) {
  int ok = 0;
  const lua_Integer value = lua_tointegerx(L, index, &ok);
  if (!ok) {
    throw ScriptError("bad argument #" + std::to_string(index) + " (integer expected, got " +
                      luaL_typename(L, index) + ")");
  }
  return value;
}

// Creates the metatable of a userdata type (left on the stack). Besides the registry entry
// under `type` (luaL_newmetatable's), it is stored under the address of `type`, so that
// testUserdata finds it without hashing the name: bindings check types on every call.
inline void newMetatable(lua_State* L, const char* type) {
  luaL_newmetatable(L, type);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, type);
}

// luaL_setmetatable for types made by newMetatable: the userdata is on the top of the stack.
inline void setMetatable(lua_State* L, const char* type) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, type);
  lua_setmetatable(L, -2);
}

// luaL_testudata for types made by newMetatable (`type` must be the same pointer).
inline void* testUserdata(lua_State* L, int index, const char* type) {
  void* p = lua_touserdata(L, index);
  if (!p || !lua_getmetatable(L, index)) return nullptr;
  lua_rawgetp(L, LUA_REGISTRYINDEX, type);
  const bool same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same ? p : nullptr;
}

template <typename T>
T* argUserdata(lua_State* L, int index, const char* type, const char* shownAs) {
  void* p = testUserdata(L, index, type);
  if (!p) {
    throw ScriptError(std::string("bad argument #") + std::to_string(index) + " (" + shownAs +
                      " expected, got " + luaL_typename(L, index) + ")");
  }
  return static_cast<T*>(p);
}

// Registers a userdata type: `methods` reachable through __index, __tostring, and a locked
// metatable (getmetatable returns "locked", setmetatable is refused).
inline void defineType(lua_State* L, const char* name, const luaL_Reg* methods,
                       lua_CFunction toString) {
  newMetatable(L, name);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, toString);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

}  // namespace pathhub::lua

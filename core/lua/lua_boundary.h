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

template <typename T>
T* argUserdata(lua_State* L, int index, const char* type, const char* shownAs) {
  void* p = luaL_testudata(L, index, type);
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
  luaL_newmetatable(L, name);
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

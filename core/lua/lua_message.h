// The objects a mapping script is handed: `msg` (the HL7 v2 message, read and edited in
// place through paths) and its segments. Both only live for the call they were handed to:
// afterwards every method raises "used after map() returned", so a script cannot keep a
// message it no longer owns. Every function is documented in scripts/README.md.
#pragma once

#include <lua.hpp>

#include "hl7/message.h"

namespace pathhub::lua {

// Registers the metatables (once per state).
void registerMessageType(lua_State* L);
// Pushes a `msg` object for `message`; invalidate() ends its life.
void pushMessage(lua_State* L, hl7::Message* message);
// Ends the life of the `msg` object at `index` (and of the segments taken from it).
void invalidateMessage(lua_State* L, int index);

}  // namespace pathhub::lua

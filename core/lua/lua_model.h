// The canonical pathology model as a Lua table, for ctx:model() and ctx:set_model(): every
// field under its snake_case name (header.message_id, patient.nhs_number, reports[1].results[2]
// .value.quantity.value …; the full shape is in scripts/README.md). Lists are 1-based arrays;
// report.specimens holds 1-based indexes into the message's specimens.
#pragma once

#include <lua.hpp>

#include "model/pathology.h"

namespace pathhub::lua {

// Pushes a new table holding `message`.
void pushModel(lua_State* L, const model::Message& message);
// Reads the table at `index` back; throws ScriptError naming the field that is not the type
// it should be (e.g. "reports[1].results[3].value.kind: 'number' is not one of …").
model::Message readModel(lua_State* L, int index);

}  // namespace pathhub::lua

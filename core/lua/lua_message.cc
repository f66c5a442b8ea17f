// Lua bindings of hl7::Message (see lua_message.h).
#include "lua/lua_message.h"

#include <string>
#include <vector>

#include "hl7/ack.h"
#include "lua/lua_boundary.h"
#include "lua/lua_sandbox.h"

namespace pathhub::lua {
namespace {

constexpr const char* kMessageType = "pathhub.message";
constexpr const char* kSegmentType = "pathhub.segment";

struct MessageBox {
  hl7::Message* message;  // null once the call has returned
};

struct SegmentBox {
  int index;  // 0-based segment index; the message is the userdata's user value
};

hl7::Message& message(lua_State* L, int index) {
  auto* box = argUserdata<MessageBox>(L, index, kMessageType, "msg");
  if (!box->message) throw ScriptError("msg used after map() returned");
  return *box->message;
}

// The message a segment belongs to, and the segment's index (checked to still exist).
std::pair<hl7::Message*, std::size_t> segment(lua_State* L, int index) {
  auto* seg = argUserdata<SegmentBox>(L, index, kSegmentType, "segment");
  lua_getiuservalue(L, index, 1);  // the message's box: pushSegment put it there
  hl7::Message* owner = static_cast<MessageBox*>(lua_touserdata(L, -1))->message;
  lua_pop(L, 1);
  if (!owner) throw ScriptError("segment used after map() returned");
  hl7::Message& m = *owner;
  if (seg->index < 0 || static_cast<std::size_t>(seg->index) >= m.segmentCount()) {
    throw ScriptError("segment " + std::to_string(seg->index + 1) + " no longer exists");
  }
  return {&m, static_cast<std::size_t>(seg->index)};
}

hl7::Path fullPath(lua_State* L, int arg) {
  auto p = hl7::Path::parse(argString(L, arg));
  if (!p) throw ScriptError(p.error().text);
  return *p;
}

hl7::Path fieldPath(lua_State* L, int arg) {
  auto p = hl7::Path::parseField(argString(L, arg));
  if (!p) throw ScriptError(p.error().text);
  return *p;
}

[[noreturn]] void raise(const Error& e) { throw ScriptError(e.text); }

void pushText(lua_State* L, const std::string& s) { lua_pushlstring(L, s.data(), s.size()); }

void pushSegment(lua_State* L, int messageIndex, std::size_t segmentIndex) {
  messageIndex = lua_absindex(L, messageIndex);
  auto* seg = static_cast<SegmentBox*>(lua_newuserdatauv(L, sizeof(SegmentBox), 1));
  seg->index = static_cast<int>(segmentIndex);
  setMetatable(L, kSegmentType);
  lua_pushvalue(L, messageIndex);
  lua_setiuservalue(L, -2, 1);
}

// msg:get(path) → decoded text, or nil when the element is absent.
int msgGet(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const hl7::Path p = fullPath(L, 2);
  if (!m.exists(p)) {
    lua_pushnil(L);
  } else {
    pushText(L, m.get(p));
  }
  return 1;
}

// msg:set(path, value): value is text (escaped as needed); nil empties the element.
int msgSet(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const hl7::Path p = fullPath(L, 2);
  const std::string_view value = argOptString(L, 3, "");
  Sandbox::chargeOutside(L, value.size());
  if (auto ok = m.set(p, value); !ok) raise(ok.error());
  return 0;
}

int msgSetRaw(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const std::string_view value = argString(L, 3);
  Sandbox::chargeOutside(L, value.size());
  if (auto ok = m.setRaw(fullPath(L, 2), value); !ok) raise(ok.error());
  return 0;
}

int msgIsNull(lua_State* L) {
  lua_pushboolean(L, message(L, 1).isNull(fullPath(L, 2)));
  return 1;
}

int msgType(lua_State* L) {
  hl7::Message& m = message(L, 1);
  pushText(L, m.messageType() + (m.triggerEvent().empty() ? "" : "^" + m.triggerEvent()));
  return 1;
}

int msgControlId(lua_State* L) {
  pushText(L, message(L, 1).controlId());
  return 1;
}

int msgSegmentCount(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(message(L, 1).segmentCount()));
  return 1;
}

// msg:segment(i) → the i-th segment (1-based), or nil.
int msgSegment(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const lua_Integer i = argInteger(L, 2);
  if (i < 1 || static_cast<std::size_t>(i) > m.segmentCount()) {
    lua_pushnil(L);
    return 1;
  }
  pushSegment(L, 1, static_cast<std::size_t>(i - 1));
  return 1;
}

int segmentsIterator(lua_State* L) {
  // upvalues: 1 message, 2 table of indexes, 3 position
  const lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3)) + 1;
  lua_pushinteger(L, pos);
  lua_replace(L, lua_upvalueindex(3));
  if (lua_rawgeti(L, lua_upvalueindex(2), pos) == LUA_TNIL) return 1;
  const lua_Integer index = lua_tointeger(L, -1);
  lua_pop(L, 1);
  pushSegment(L, lua_upvalueindex(1), static_cast<std::size_t>(index));
  return 1;
}

// for seg in msg:segments("OBX") do ... end (every segment when no id is given).
int msgSegments(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const bool all = lua_isnoneornil(L, 2);
  const std::string id(all ? std::string_view() : argString(L, 2));
  lua_settop(L, 1);
  lua_newtable(L);
  int n = 0;
  if (all) {
    for (std::size_t i = 0; i < m.segmentCount(); ++i) {
      lua_pushinteger(L, static_cast<lua_Integer>(i));
      lua_rawseti(L, -2, ++n);
    }
  } else {
    for (std::size_t i : m.segmentIndexes(id)) {
      lua_pushinteger(L, static_cast<lua_Integer>(i));
      lua_rawseti(L, -2, ++n);
    }
  }
  lua_pushvalue(L, 1);
  lua_insert(L, -2);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, guarded<segmentsIterator>, 3);
  return 1;
}

// msg:insert_segment(position, "NTE|1||text"): position is 1-based (2 = right after MSH).
int msgInsertSegment(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const lua_Integer pos = argInteger(L, 2);
  if (pos < 1) throw ScriptError("segment positions start at 1");
  const std::string_view text = argString(L, 3);
  Sandbox::chargeOutside(L, text.size());
  if (auto ok = m.insertSegment(static_cast<std::size_t>(pos - 1), text); !ok) {
    raise(ok.error());
  }
  return 0;
}

int msgAddSegment(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const std::string_view text = argString(L, 2);
  Sandbox::chargeOutside(L, text.size());
  if (auto ok = m.appendSegment(text); !ok) raise(ok.error());
  return 0;
}

int msgRemoveSegment(lua_State* L) {
  const lua_Integer pos = argInteger(L, 2);
  if (pos < 1) throw ScriptError("segment positions start at 1");
  if (auto ok = message(L, 1).removeSegment(static_cast<std::size_t>(pos - 1)); !ok) {
    raise(ok.error());
  }
  return 0;
}

int msgMoveSegment(lua_State* L) {
  const lua_Integer from = argInteger(L, 2);
  const lua_Integer to = argInteger(L, 3);
  if (from < 1 || to < 1) throw ScriptError("segment positions start at 1");
  if (auto ok = message(L, 1).moveSegment(static_cast<std::size_t>(from - 1),
                                          static_cast<std::size_t>(to - 1));
      !ok) {
    raise(ok.error());
  }
  return 0;
}

// msg:build_ack(code [, text]) → the ER7 text of an acknowledgement of this message: code "AA",
// "AE" or "AR" (answered CA/CE/CR when the sender asked for enhanced mode).
int msgBuildAck(lua_State* L) {
  hl7::Message& m = message(L, 1);
  const std::string_view code = argString(L, 2);
  hl7::AckOptions options;
  options.text = std::string(argOptString(L, 3, ""));
  const hl7::AckCode ack = code == "AA"   ? hl7::AckCode::kAccept
                           : code == "AE" ? hl7::AckCode::kError
                           : code == "AR"
                               ? hl7::AckCode::kReject
                               : throw ScriptError("msg:build_ack: code must be AA, AE or AR");
  pushText(L, hl7::buildAck(m, ack, options));
  return 1;
}

int msgToString(lua_State* L) {
  pushText(L, message(L, 1).encode());
  return 1;
}

int segName(lua_State* L) {
  auto [m, i] = segment(L, 1);
  pushText(L, std::string(m->segmentName(i)));
  return 1;
}

int segPosition(lua_State* L) {
  auto [m, i] = segment(L, 1);
  lua_pushinteger(L, static_cast<lua_Integer>(i + 1));
  return 1;
}

// seg:get("5.1") → decoded text or nil; the path is relative to the segment.
int segGet(lua_State* L) {
  auto [m, i] = segment(L, 1);
  const hl7::Path p = fieldPath(L, 2);
  if (!m->exists(i, p)) {
    lua_pushnil(L);
  } else {
    pushText(L, m->get(i, p));
  }
  return 1;
}

int segSet(lua_State* L) {
  auto [m, i] = segment(L, 1);
  const std::string_view value = argOptString(L, 3, "");
  Sandbox::chargeOutside(L, value.size());
  if (auto ok = m->set(i, fieldPath(L, 2), value); !ok) raise(ok.error());
  return 0;
}

int segToString(lua_State* L) {
  auto [m, i] = segment(L, 1);
  pushText(L, std::string(m->segmentText(i)));
  return 1;
}

}  // namespace

void registerMessageType(lua_State* L) {
  static const luaL_Reg kMessageMethods[] = {{"get", guarded<msgGet>},
                                             {"set", guarded<msgSet>},
                                             {"set_raw", guarded<msgSetRaw>},
                                             {"is_null", guarded<msgIsNull>},
                                             {"type", guarded<msgType>},
                                             {"control_id", guarded<msgControlId>},
                                             {"segment_count", guarded<msgSegmentCount>},
                                             {"segment", guarded<msgSegment>},
                                             {"segments", guarded<msgSegments>},
                                             {"insert_segment", guarded<msgInsertSegment>},
                                             {"add_segment", guarded<msgAddSegment>},
                                             {"remove_segment", guarded<msgRemoveSegment>},
                                             {"move_segment", guarded<msgMoveSegment>},
                                             {"build_ack", guarded<msgBuildAck>},
                                             {nullptr, nullptr}};
  static const luaL_Reg kSegmentMethods[] = {{"name", guarded<segName>},
                                             {"position", guarded<segPosition>},
                                             {"get", guarded<segGet>},
                                             {"set", guarded<segSet>},
                                             {nullptr, nullptr}};
  defineType(L, kMessageType, kMessageMethods, guarded<msgToString>);
  defineType(L, kSegmentType, kSegmentMethods, guarded<segToString>);
}

void pushMessage(lua_State* L, hl7::Message* m) {
  auto* box = static_cast<MessageBox*>(lua_newuserdatauv(L, sizeof(MessageBox), 0));
  box->message = m;
  setMetatable(L, kMessageType);
}

void invalidateMessage(lua_State* L, int index) {
  auto* box = static_cast<MessageBox*>(testUserdata(L, index, kMessageType));
  if (box) box->message = nullptr;
}

}  // namespace pathhub::lua

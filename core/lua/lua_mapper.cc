// The Lua mapper (see lua_mapper.h).
#include "lua/lua_mapper.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "common/digest.h"
#include "hl7/message.h"
#include "lua/lua_boundary.h"
#include "lua/lua_message.h"
#include "lua/lua_model.h"
#include "model/v2_reader.h"
#include "model/v2_writer.h"

namespace pathhub::lua {
namespace {

constexpr const char* kContextType = "pathhub.ctx";

// What the script decided through ctx during one call.
struct Decision {
  std::vector<std::string> routes;
  pipeline::RoutingHints hints;
  std::vector<pipeline::DerivedMessage> derived;
  bool filtered = false, rejected = false;
  std::string reason;
  Poco::Logger* log = nullptr;      // null: ctx:log lines are kept as notes only
  std::string where;                // "channel demo message 42", for log lines
  std::vector<std::string> notes;   // the lines logged, kept with the message in the journal
  hl7::Message* message = nullptr;  // the message being mapped (ctx:model, ctx:set_model)
};

struct ContextBox {
  Decision* decision;  // null once the call has returned
};

Decision& decision(lua_State* L) {
  auto* box = argUserdata<ContextBox>(L, 1, kContextType, "ctx");
  if (!box->decision) throw ScriptError("ctx used after map() returned");
  return *box->decision;
}

// The destinations named from argument `first` on, each once: a destination named twice (by
// two ctx:route calls, say) is one delivery, not two.
void addRoutes(lua_State* L, int first, std::vector<std::string>& routes) {
  for (int i = first; i <= lua_gettop(L); ++i) {
    std::string name(argString(L, i));
    if (std::find(routes.begin(), routes.end(), name) == routes.end()) {
      routes.push_back(std::move(name));
    }
  }
}

int ctxRoute(lua_State* L) {
  addRoutes(L, 2, decision(L).routes);
  return 0;
}

// ctx:set_practice(ods): the requesting practice, for channels that route by practice
// (<practices>), in place of the one the message names.
int ctxSetPractice(lua_State* L) {
  decision(L).hints.practice = argString(L, 2);
  return 0;
}

// ctx:set_lane(key): the key that picks the ordered lane of this message's deliveries, in
// place of the destination's (<destination laneKey>): messages with one key keep their order.
int ctxSetLane(lua_State* L) {
  std::string key(argString(L, 2));
  if (key.empty()) return luaL_error(L, "ctx:set_lane needs a key that is not empty");
  decision(L).hints.lane = std::move(key);
  return 0;
}

int ctxFilter(lua_State* L) {
  Decision& d = decision(L);
  d.filtered = true;
  d.reason = argOptString(L, 2, "filtered by the script");
  return 0;
}

int ctxReject(lua_State* L) {
  Decision& d = decision(L);
  d.rejected = true;
  d.reason = argOptString(L, 2, "rejected by the script");
  return 0;
}

// ctx:emit(message [, destination...]): a new message to deliver after this one — a part of a
// split report, an ACK. `message` is ER7 text (or a msg); it must parse.
int ctxEmit(lua_State* L) {
  Decision& d = decision(L);
  std::size_t size = 0;
  const char* text = luaL_tolstring(L, 2, &size);  // a msg converts through __tostring
  lua_pop(L, 1);
  Sandbox::chargeOutside(L, size);
  pipeline::DerivedMessage made;
  made.bytes.assign(text, size);
  if (auto parsed = hl7::Message::parse(made.bytes); !parsed) {
    throw ScriptError("ctx:emit: the new message does not parse: " + parsed.error().describe());
  }
  addRoutes(L, 3, made.routes);
  d.derived.push_back(std::move(made));
  return 0;
}

// ctx:model(): the message as the canonical pathology model, a table (lua_model.h), read from
// the message as it stands now (the script's edits so far included).
int ctxModel(lua_State* L) {
  Decision& d = decision(L);
  auto model = model::readV2(*d.message);
  if (!model) throw ScriptError("ctx:model: " + model.error().describe());
  pushModel(L, *model);
  return 1;
}

// ctx:set_model(model): the message becomes the one written from `model` (a table shaped as
// ctx:model() gives it); msg shows the new message from then on. What HL7 v2 cannot carry is
// logged as a warning.
int ctxSetModel(lua_State* L) {
  Decision& d = decision(L);
  model::Message model = readModel(L, 2);
  auto written = model::writeV2(model);
  if (!written) throw ScriptError("ctx:set_model: " + written.error().describe());
  auto reparsed = hl7::Message::parse(written->encode());
  if (!reparsed) throw ScriptError("ctx:set_model: " + reparsed.error().describe());
  *d.message = std::move(*reparsed);
  for (const auto& w : model.warnings) d.notes.push_back("warning: ctx:set_model: " + w);
  return 0;
}

// ctx:log(level, text): level is "error", "warning", "info" or "debug".
int ctxLog(lua_State* L) {
  Decision& d = decision(L);
  const std::string level(argString(L, 2));
  // Bounded everywhere — the log as well as the journal's copy — so a script logging in a
  // loop cannot flood either: 100 lines of at most 2,000 bytes per message, then one line
  // saying the rest were dropped.
  constexpr std::size_t kMaxNotes = 100;
  if (level != "error" && level != "warning" && level != "info" && level != "debug") {
    throw ScriptError("ctx:log: level '" + level + "' is not error, warning, info or debug");
  }
  if (d.notes.size() > kMaxNotes) return 0;
  if (d.notes.size() == kMaxNotes) {
    d.notes.push_back("warning: more than 100 log lines for this message; the rest are dropped");
    if (d.log) d.log->warning(d.where + ": more than 100 log lines; the rest are dropped");
    return 0;
  }
  const std::string line(argString(L, 3).substr(0, 2000));
  Sandbox::chargeOutside(L, line.size());
  const std::string text = d.where + ": " + line;
  if (!d.log) {
    // Kept with the message only (a diff-replay's run).
  } else if (level == "error") {
    d.log->error(text);
  } else if (level == "warning") {
    d.log->warning(text);
  } else if (level == "info") {
    d.log->information(text);
  } else {
    d.log->debug(text);
  }
  d.notes.push_back(level + ": " + line);
  return 0;
}

void registerContextType(lua_State* L) {
  static const luaL_Reg kMethods[] = {
      {"route", guarded<ctxRoute>},        {"filter", guarded<ctxFilter>},
      {"reject", guarded<ctxReject>},      {"log", guarded<ctxLog>},
      {"emit", guarded<ctxEmit>},          {"model", guarded<ctxModel>},
      {"set_model", guarded<ctxSetModel>}, {"set_practice", guarded<ctxSetPractice>},
      {"set_lane", guarded<ctxSetLane>},   {nullptr, nullptr}};
  newMetatable(L, kContextType);
  lua_newtable(L);
  luaL_setfuncs(L, kMethods, 0);
  lua_setfield(L, -2, "__methods");
  // ctx.channel, ctx.source and ctx.message_id are plain fields kept in the user value.
  lua_pushcfunction(L, [](lua_State* S) -> int {
    lua_getiuservalue(S, 1, 1);
    lua_pushvalue(S, 2);
    if (lua_rawget(S, -2) != LUA_TNIL) return 1;
    luaL_getmetafield(S, 1, "__methods");
    lua_pushvalue(S, 2);
    lua_rawget(S, -2);
    return 1;
  });
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

void pushContext(lua_State* L, Decision* d, const std::string& channel, std::int64_t id) {
  auto* box = static_cast<ContextBox*>(lua_newuserdatauv(L, sizeof(ContextBox), 1));
  box->decision = d;
  setMetatable(L, kContextType);
  lua_createtable(L, 0, 3);
  lua_pushlstring(L, channel.data(), channel.size());
  lua_setfield(L, -2, "channel");
  const std::string source = channel + "/source";
  lua_pushlstring(L, source.data(), source.size());
  lua_setfield(L, -2, "source");
  lua_pushinteger(L, id);
  lua_setfield(L, -2, "message_id");
  lua_setiuservalue(L, -2, 1);
}

// tables.lookup(name, key) → a table of the row's columns, or nil when the key is absent. The
// upvalue points at the mapper's tables for the current call (fetched once per message).
int tablesLookup(lua_State* L) {
  auto* current =
      static_cast<std::shared_ptr<const TableSet>*>(lua_touserdata(L, lua_upvalueindex(1)));
  const std::string_view name = argString(L, 1);
  const std::string_view key = argString(L, 2);
  if (!*current) throw ScriptError("tables.lookup: this channel has no code tables");
  const TableSet* set = current->get();
  const auto table = set->find(name);
  if (table == set->end()) {
    throw ScriptError("tables.lookup: no code table '" + std::string(name) + "' (tables/" +
                      std::string(name) + ".csv)");
  }
  const auto row = table->second.rows.find(key);
  if (row == table->second.rows.end()) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, static_cast<int>(row->second.size()));
  for (std::size_t i = 0; i < row->second.size(); ++i) {
    lua_pushlstring(L, row->second[i].data(), row->second[i].size());
    lua_setfield(L, -2, table->second.columns[i].c_str());
  }
  return 1;
}

}  // namespace

LuaMapper::LuaMapper(ScriptOptions options, std::string channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      scriptName_(options_.script.filename().string()),
      log_(Poco::Logger::get("script." + channel_)) {}

Result<std::unique_ptr<LuaMapper>> LuaMapper::create(const ScriptOptions& options,
                                                     std::string channel) {
  std::unique_ptr<LuaMapper> mapper(new LuaMapper(options, std::move(channel)));
  std::error_code ec;
  mapper->loadedVersion_ = std::filesystem::last_write_time(options.script, ec);
  auto sandbox = mapper->compile(&mapper->loadedHash_);
  if (!sandbox) return tl::unexpected(sandbox.error());
  mapper->sandbox_ = std::move(*sandbox);
  mapper->lastCheck_ = std::chrono::steady_clock::now();
  return mapper;
}

Result<std::unique_ptr<Sandbox>> LuaMapper::compile(std::string* hash) {
  ErrorContext ctx;
  ctx.file = options_.script.string();
  std::string text;
  if (options_.text) {
    text = *options_.text;
  } else {
    std::ifstream in(options_.script, std::ios::binary);
    if (!in) return fail(ErrorCode::kIoError, "cannot read the script", ctx);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto sandbox = std::make_unique<Sandbox>(options_.scriptsRoot, options_.limits);
  registerMessageType(sandbox->state());
  registerContextType(sandbox->state());
  lua_State* L = sandbox->state();
  lua_newtable(L);
  lua_pushlightuserdata(L, &tablesForCall_);
  lua_pushcclosure(L, guarded<tablesLookup>, 1);
  lua_setfield(L, -2, "lookup");
  sandbox->setGlobal("tables");
  if (auto loaded = sandbox->load(text, scriptName_); !loaded) {
    return fail(ErrorCode::kInvalidValue, loaded.error().text, ctx);
  }
  if (!sandbox->pushFunction("map")) {
    return fail(ErrorCode::kInvalidValue, "the script defines no function map(msg, ctx)", ctx);
  }
  lua_pop(sandbox->state(), 1);
  if (hash) *hash = sha256Hex(text);
  return sandbox;
}

void LuaMapper::reloadIfChanged() {
  if (options_.text) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - lastCheck_ < options_.reloadCheck) return;
  lastCheck_ = now;
  std::error_code ec;
  const auto version = std::filesystem::last_write_time(options_.script, ec);
  if (ec || version == loadedVersion_) return;
  loadedVersion_ = version;
  std::string hash;
  auto fresh = compile(&hash);
  if (!fresh) {
    lastLoadError_ = fresh.error().text;
    log_.error("channel %s: %s did not load; the previous version stays live: %s", channel_,
               scriptName_, lastLoadError_);
    return;
  }
  sandbox_ = std::move(*fresh);
  loadedHash_ = std::move(hash);
  lastLoadError_.clear();
  log_.information("channel %s: %s reloaded", channel_, scriptName_);
}

pipeline::MapResult LuaMapper::map(const std::string& bytes, const pipeline::MapContext& context) {
  using pipeline::MapResult;
  reloadIfChanged();
  if (options_.tables) tablesForCall_ = options_.tables->current();
  auto message = hl7::Message::parse(bytes);
  if (!message) {
    return {MapResult::Kind::kFailed, {}, {}, message.error().describe(), {}, {}, {}, loadedHash_};
  }
  lua_State* L = sandbox_->state();
  Decision decision;
  decision.log = options_.logLines ? &log_ : nullptr;
  decision.message = &*message;
  decision.where = "channel " + channel_ + " message " + std::to_string(context.messageId);
  if (!sandbox_->pushFunction("map")) {
    // The script removed or replaced its own map (`map = nil`): this message fails, and the
    // next one gets the script as saved, in a fresh state.
    const std::string why = "script " + scriptName_ + " no longer defines function map(msg, ctx)" +
                            " (it changed its own global) (" + decision.where + ")";
    if (auto fresh = compile(&loadedHash_)) sandbox_ = std::move(*fresh);
    return {MapResult::Kind::kFailed, {}, {}, why, {}, {}, {}, loadedHash_};
  }
  pushMessage(L, &*message);
  const int msgIndex = lua_gettop(L);
  pushContext(L, &decision, channel_, context.messageId);
  const int ctxIndex = lua_gettop(L);
  // Keep both objects reachable after the call so that they can be ended there.
  lua_pushvalue(L, msgIndex);
  lua_pushvalue(L, ctxIndex);
  lua_rotate(L, msgIndex - 1, 2);  // [msg ctx] map msg ctx
  auto called = sandbox_->call(2, 0);
  invalidateMessage(L, -2);
  static_cast<ContextBox*>(lua_touserdata(L, -1))->decision = nullptr;
  lua_pop(L, 2);
  MapResult out;
  out.scriptHash = loadedHash_;
  out.notes = std::move(decision.notes);
  if (!called) {
    out.kind = MapResult::Kind::kFailed;
    out.reason = "script " + called.error().text + " (" + decision.where + ")";
  } else if (decision.rejected) {
    out.kind = MapResult::Kind::kFailed;
    out.reason = "rejected by " + scriptName_ + ": " + decision.reason;
  } else if (decision.filtered) {
    out.kind = MapResult::Kind::kFiltered;
    out.reason = std::move(decision.reason);
    out.derived = std::move(decision.derived);
  } else {
    out.bytes = message->encode();
    out.routes = std::move(decision.routes);
    out.derived = std::move(decision.derived);
    out.hints = std::move(decision.hints);
  }
  return out;
}

}  // namespace pathhub::lua

// A channel's mapping done by a Lua script: the Mapper the pipeline calls on each message.
//
// The script defines `function map(msg, ctx)`. It edits `msg` in place and may choose
// destinations with ctx:route(name), drop the message with ctx:filter(reason), refuse it with
// ctx:reject(reason), and write to the log with ctx:log(level, text). A script error, an
// exceeded instruction budget or memory cap fails the message with a reason naming script,
// line, channel and message id, and the traceback; the worker goes on.
//
// Each result carries the SHA-256 of the script text that made it (its version).
//
// Hot reload: before a message and when the worker is idle, at most once a second (reloadCheck),
// the script file's time is checked (not for a script given as text); a changed script is compiled
// and run in a fresh sandbox, and only if that works is it swapped in. A script that does not load
// leaves the previous version live and its error logged, and returned by loadError() (the channel
// shows it).
#pragma once

#include <Poco/Logger.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "lua/code_tables.h"
#include "lua/lua_sandbox.h"
#include "pipeline/mapper.h"

namespace pathhub::lua {

struct ScriptOptions {
  std::filesystem::path script;  // the mapping script
  // The script's text when it is not read from `script` (a version being tried or deployed,
  // which `script` then only names): loaded once, never reloaded.
  std::optional<std::string> text;
  std::filesystem::path scriptsRoot;  // where require() finds modules
  SandboxLimits limits;
  std::chrono::milliseconds reloadCheck{1000};  // how often the file's time is looked at
  std::shared_ptr<CodeTables> tables;           // shared by the channel's workers; may be null
  // Whether ctx:log lines go to the hub's log besides the message's notes (a diff-replay of a
  // week's traffic keeps them out of it).
  bool logLines = true;
};

class LuaMapper : public pipeline::Mapper {
 public:
  // Loads the script; a script that does not load is an error (the channel does not start).
  static Result<std::unique_ptr<LuaMapper>> create(const ScriptOptions& options,
                                                   std::string channel);
  pipeline::MapResult map(const std::string& bytes, const pipeline::MapContext& context) override;
  void idle() override { reloadIfChanged(); }
  std::string loadError() const override { return lastLoadError_; }
  // SHA-256 of the version live now (MapResult::scriptHash).
  const std::string& scriptHash() const { return loadedHash_; }

 private:
  LuaMapper(ScriptOptions options, std::string channel);
  // The script's text and its hash (read from the file unless options_.text gives it), then a
  // sandbox with it loaded.
  Result<std::unique_ptr<Sandbox>> compile(std::string* hash);
  void reloadIfChanged();

  ScriptOptions options_;
  std::string channel_;
  std::string scriptName_;
  Poco::Logger& log_;
  std::unique_ptr<Sandbox> sandbox_;
  std::filesystem::file_time_type loadedVersion_;
  std::chrono::steady_clock::time_point lastCheck_;
  std::string lastLoadError_;
  std::string loadedHash_;
  std::shared_ptr<const TableSet> tablesForCall_;  // what tables.lookup reads during a call
};

}  // namespace pathhub::lua

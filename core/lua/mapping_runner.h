// Running mapping scripts outside a channel — pathhub-map, and the script tests a deployment
// through the API must pass: one LuaMapper per script, with the scripts folder's code tables,
// as a channel would set it up. One script may be given as text in place of its file (the
// version being deployed), so its tests run on what would go live.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "lua/lua_mapper.h"

namespace pathhub::lua {

// The scripts folder a script's folder or a tests folder belongs to: the folder itself when it
// holds tables/, else its parent (scripts/examples, scripts/tests); "scripts/tests/" and
// "scripts/tests" are the same folder.
std::filesystem::path scriptsFolderFor(std::filesystem::path folder);

class MappingRunner {
 public:
  explicit MappingRunner(std::filesystem::path scriptsRoot);
  // From now on, `script` (a path as run() takes it, or the same file by another path) maps
  // with `text` instead of what its file holds.
  void replace(const std::filesystem::path& script, std::string text);
  // Maps `message` with `script` (a path, or relative to the scripts folder).
  Result<pipeline::MapResult> run(const std::string& script, const std::string& message);

 private:
  std::filesystem::path resolve(const std::string& script) const;

  std::filesystem::path root_;
  std::filesystem::path replaced_;  // canonical path ("" none)
  std::string replacement_;
  std::shared_ptr<lua::CodeTables> tables_;
  std::map<std::string, std::unique_ptr<lua::LuaMapper>> mappers_;
  std::int64_t nextId_ = 1;
};

}  // namespace pathhub::lua

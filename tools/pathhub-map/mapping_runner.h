// Running a mapping script outside the hub, for pathhub-map: one LuaMapper per script, with
// the scripts folder's code tables, as a channel would set it up.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "lua/lua_mapper.h"

namespace pathhub::tools {

// The scripts folder a script's folder or a tests folder belongs to: the folder itself when it
// holds tables/, else its parent (scripts/examples, scripts/tests); "scripts/tests/" and
// "scripts/tests" are the same folder.
std::filesystem::path scriptsFolderFor(std::filesystem::path folder);

class MappingRunner {
 public:
  explicit MappingRunner(std::filesystem::path scriptsRoot);
  // Maps `message` with `script` (a path, or relative to the scripts folder).
  Result<pipeline::MapResult> run(const std::string& script, const std::string& message);

 private:
  std::filesystem::path root_;
  std::shared_ptr<lua::CodeTables> tables_;
  std::map<std::string, std::unique_ptr<lua::LuaMapper>> mappers_;
  std::int64_t nextId_ = 1;
};

}  // namespace pathhub::tools

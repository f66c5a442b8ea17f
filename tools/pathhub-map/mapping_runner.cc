// Script runs for pathhub-map (see mapping_runner.h).
#include "mapping_runner.h"

namespace pathhub::tools {

std::filesystem::path scriptsFolderFor(std::filesystem::path folder) {
  folder = folder.lexically_normal();
  if (!folder.has_filename() && folder.has_parent_path()) folder = folder.parent_path();
  if (folder.empty()) folder = ".";
  if (std::filesystem::exists(folder / "tables")) return folder;
  const std::filesystem::path parent = folder.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

MappingRunner::MappingRunner(std::filesystem::path scriptsRoot)
    : root_(std::move(scriptsRoot)), tables_(std::make_shared<lua::CodeTables>(root_ / "tables")) {}

Result<pipeline::MapResult> MappingRunner::run(const std::string& script,
                                               const std::string& message) {
  auto it = mappers_.find(script);
  if (it == mappers_.end()) {
    lua::ScriptOptions options;
    options.script =
        std::filesystem::exists(script) ? std::filesystem::path(script) : root_ / script;
    options.scriptsRoot = root_;
    options.tables = tables_;
    auto mapper = lua::LuaMapper::create(options, "pathhub-map");
    if (!mapper) return tl::unexpected(mapper.error());
    it = mappers_.emplace(script, std::move(*mapper)).first;
  }
  return it->second->map(message, pipeline::MapContext{"pathhub-map", nextId_++});
}

}  // namespace pathhub::tools

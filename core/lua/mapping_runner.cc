// Script runs outside a channel (see mapping_runner.h).
#include "lua/mapping_runner.h"

namespace pathhub::lua {

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

std::filesystem::path MappingRunner::resolve(const std::string& script) const {
  return std::filesystem::exists(script) ? std::filesystem::path(script) : root_ / script;
}

void MappingRunner::replace(const std::filesystem::path& script, std::string text) {
  replaced_ = std::filesystem::weakly_canonical(script);
  replacement_ = std::move(text);
  mappers_.clear();
}

Result<pipeline::MapResult> MappingRunner::run(const std::string& script,
                                               const std::string& message) {
  auto it = mappers_.find(script);
  if (it == mappers_.end()) {
    lua::ScriptOptions options;
    options.script = resolve(script);
    if (!replaced_.empty() && std::filesystem::weakly_canonical(options.script) == replaced_) {
      options.text = replacement_;
    }
    options.scriptsRoot = root_;
    options.tables = tables_;
    auto mapper = lua::LuaMapper::create(options, "pathhub-map");
    if (!mapper) return tl::unexpected(mapper.error());
    it = mappers_.emplace(script, std::move(*mapper)).first;
  }
  return it->second->map(message, pipeline::MapContext{"pathhub-map", nextId_++});
}

}  // namespace pathhub::lua

// The plugin loader: finds plugin shared libraries in folders, checks each before trusting it,
// and answers which plugin provides a source, destination or codec type.
//
// A file is refused, with an error naming it, when it does not load (a missing symbol: it is
// opened with RTLD_NOW), has no phub_plugin_entry, was built for another plugin ABI major
// version (checked before anything else is read), carries a descriptor or kind too small for
// this ABI, lacks a function, declares an unsound config schema, or repeats the name of a
// plugin or a type another plugin already provides. Libraries stay loaded for the registry's
// lifetime: it must outlive every instance made from it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"
#include "pathhub/plugin.h"

namespace pathhub::plugin {

struct LoadedPlugin {
  std::filesystem::path file;
  const phub_plugin* descriptor = nullptr;
  void* handle = nullptr;
  // The plugin's destination and codec kinds at this hub's size: an older plugin's smaller
  // ones are copied into zeroed structures, so the fields it does not have read as absent
  // (a 1.4 destination has no deliver_window, say).
  std::vector<phub_destination_kind> destinations;
  std::vector<phub_codec_kind> codecs;
};

class PluginRegistry {
 public:
  PluginRegistry() = default;
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Loads every *.so directly in each folder. Returns the refusals, one line each; what loaded
  // is kept either way. A folder that cannot be read is skipped (the default folders, not all
  // of which exist) or, with `MissingFolder::kRefuse` (folders the configuration names), is
  // itself a refusal.
  enum class MissingFolder { kSkip, kRefuse };
  std::vector<std::string> loadFolders(const std::vector<std::filesystem::path>& folders,
                                       MissingFolder missing = MissingFolder::kSkip);
  // Loads one file.
  Result<void> loadFile(const std::filesystem::path& file);

  // The kind (phub_source_kind or phub_destination_kind) providing a type, and its plugin;
  // null when no plugin provides it.
  template <typename Kind>
  const Kind* find(std::string_view type, const LoadedPlugin** from = nullptr) const;
  const phub_source_kind* source(std::string_view type) const {
    return find<phub_source_kind>(type);
  }
  const phub_destination_kind* destination(std::string_view type) const {
    return find<phub_destination_kind>(type);
  }
  const phub_codec_kind* codec(std::string_view type) const { return find<phub_codec_kind>(type); }
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }

  // A readable list: each plugin, what it provides and the config keys of each type.
  std::string describe() const;

 private:
  Result<void> check(const LoadedPlugin& p, const std::string& file) const;
  template <typename Kind>
  Result<void> checkKinds(const LoadedPlugin& p, const std::string& file) const;

  std::vector<LoadedPlugin> plugins_;
};

// Where plugins are looked for when the configuration names no folder: $PATHHUB_PLUGIN_PATH
// (colon-separated), then <folder of the running program>/../plugins (the build tree),
// <folder of the running program>/../lib/pathhub/plugins (a hub installed under a prefix) and
// the folder compiled in (PATHHUB_PLUGIN_DIR: /usr/lib/<multiarch>/pathhub/plugins in the
// Debian package).
std::vector<std::filesystem::path> defaultPluginFolders();

}  // namespace pathhub::plugin

// The plugin loader (see plugin_registry.h).
#include "plugin/plugin_registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "plugin/plugin_config.h"

namespace pathhub::plugin {
namespace fs = std::filesystem;
namespace {

// The smallest descriptor and kinds this hub can read: ABI 1.0's.
constexpr std::size_t kMinPlugin = offsetof(phub_plugin, destination_count) + sizeof(std::size_t);
constexpr std::size_t kMinSource = offsetof(phub_source_kind, destroy) + sizeof(void*);
constexpr std::size_t kMinDestination = offsetof(phub_destination_kind, destroy) + sizeof(void*);

const char* typeName(phub_key_type t) {
  switch (t) {
    case PHUB_KEY_STRING:
      return "text";
    case PHUB_KEY_INTEGER:
      return "integer";
    case PHUB_KEY_BOOLEAN:
      return "true/false";
    case PHUB_KEY_ENDPOINT:
      return "host:port";
    case PHUB_KEY_PATH:
      return "path";
  }
  return "?";
}

void describeKeys(std::ostringstream& out, const phub_config_key* keys, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const phub_config_key& k = keys[i];
    out << "      " << k.name << " (" << typeName(k.type);
    if (k.type == PHUB_KEY_INTEGER) out << " " << k.min << ".." << k.max;
    if (k.required) {
      out << ", required";
    } else if (k.default_value) {
      out << ", default \"" << k.default_value << "\"";
    }
    out << "): " << (k.description ? k.description : "") << "\n";
  }
}

Error refused(const std::string& file, const std::string& why) {
  ErrorContext ctx;
  ctx.file = file;
  return Error{ErrorCode::kInvalidValue, "plugin " + file + " refused: " + why, ctx};
}

}  // namespace

PluginRegistry::~PluginRegistry() {
  for (auto& p : plugins_) dlclose(p.handle);
}

std::vector<std::string> PluginRegistry::loadFolders(const std::vector<fs::path>& folders) {
  std::vector<std::string> problems;
  for (const fs::path& folder : folders) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".so") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());  // the same order on every start
    for (const fs::path& file : files) {
      if (auto ok = loadFile(file); !ok) problems.push_back(ok.error().text);
    }
  }
  return problems;
}

Result<void> PluginRegistry::loadFile(const fs::path& file) {
  const std::string name = file.string();
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return tl::unexpected(refused(name, std::string("cannot be loaded: ") + dlerror()));
  auto entry = reinterpret_cast<phub_plugin_entry_fn>(dlsym(handle, PHUB_ENTRY_SYMBOL));
  const phub_plugin* descriptor = entry ? entry() : nullptr;
  Result<void> ok = {};
  if (!entry) {
    ok = tl::unexpected(refused(name, "it has no " PHUB_ENTRY_SYMBOL " function"));
  } else if (!descriptor) {
    ok = tl::unexpected(refused(name, PHUB_ENTRY_SYMBOL " returned no descriptor"));
  } else if (descriptor->abi_major != PHUB_ABI_MAJOR) {
    ok = tl::unexpected(refused(name, "it was built for plugin ABI " +
                                          std::to_string(descriptor->abi_major) +
                                          ".x; this hub has ABI " + std::to_string(PHUB_ABI_MAJOR) +
                                          "." + std::to_string(PHUB_ABI_MINOR)));
  } else {
    ok = check(*descriptor, name);
  }
  if (!ok) {
    dlclose(handle);
    return ok;
  }
  plugins_.push_back({file, descriptor, handle});
  return {};
}

Result<void> PluginRegistry::check(const phub_plugin& p, const std::string& file) const {
  if (p.struct_size < kMinPlugin) {
    return tl::unexpected(refused(file, "its descriptor is smaller than ABI 1.0's"));
  }
  if (!p.name || !*p.name) return tl::unexpected(refused(file, "the descriptor has no name"));
  const std::string name = p.name;
  for (const auto& other : plugins_) {
    if (name == other.descriptor->name) {
      return tl::unexpected(refused(
          file, "a plugin named '" + name + "' is already loaded from " + other.file.string()));
    }
  }
  if ((p.source_count && !p.sources) || (p.destination_count && !p.destinations)) {
    return tl::unexpected(refused(file, "it counts kinds it does not list"));
  }
  for (std::size_t i = 0; i < p.source_count; ++i) {
    const phub_source_kind& k = p.sources[i];
    if (k.struct_size < kMinSource || !k.type || !k.create || !k.start || !k.stop || !k.destroy) {
      return tl::unexpected(
          refused(file, "source kind " + std::to_string(i + 1) + " is incomplete for ABI 1.0"));
    }
    if (source(k.type)) {
      return tl::unexpected(
          refused(file, "source type '" + std::string(k.type) + "' is provided twice"));
    }
    if (auto problem = schemaProblem(k.keys, k.key_count); !problem.empty()) {
      return tl::unexpected(refused(file, "source type '" + std::string(k.type) + "': " + problem));
    }
  }
  for (std::size_t i = 0; i < p.destination_count; ++i) {
    const phub_destination_kind& k = p.destinations[i];
    if (k.struct_size < kMinDestination || !k.type || !k.create || !k.start || !k.deliver ||
        !k.stop || !k.destroy) {
      return tl::unexpected(refused(
          file, "destination kind " + std::to_string(i + 1) + " is incomplete for ABI 1.0"));
    }
    if (destination(k.type)) {
      return tl::unexpected(
          refused(file, "destination type '" + std::string(k.type) + "' is provided twice"));
    }
    if (auto problem = schemaProblem(k.keys, k.key_count); !problem.empty()) {
      return tl::unexpected(
          refused(file, "destination type '" + std::string(k.type) + "': " + problem));
    }
  }
  return {};
}

const phub_source_kind* PluginRegistry::source(std::string_view type,
                                               const LoadedPlugin** from) const {
  for (const auto& p : plugins_) {
    for (std::size_t i = 0; i < p.descriptor->source_count; ++i) {
      if (type == p.descriptor->sources[i].type) {
        if (from) *from = &p;
        return &p.descriptor->sources[i];
      }
    }
  }
  return nullptr;
}

const phub_destination_kind* PluginRegistry::destination(std::string_view type,
                                                         const LoadedPlugin** from) const {
  for (const auto& p : plugins_) {
    for (std::size_t i = 0; i < p.descriptor->destination_count; ++i) {
      if (type == p.descriptor->destinations[i].type) {
        if (from) *from = &p;
        return &p.descriptor->destinations[i];
      }
    }
  }
  return nullptr;
}

std::string PluginRegistry::describe() const {
  std::ostringstream out;
  for (const auto& p : plugins_) {
    const phub_plugin& d = *p.descriptor;
    out << d.name << " " << (d.version ? d.version : "?") << " (ABI " << d.abi_major << "."
        << d.abi_minor << ", " << p.file.string() << ")\n";
    if (d.description) out << "  " << d.description << "\n";
    for (std::size_t i = 0; i < d.source_count; ++i) {
      out << "  source " << d.sources[i].type << ": "
          << (d.sources[i].description ? d.sources[i].description : "") << "\n";
      describeKeys(out, d.sources[i].keys, d.sources[i].key_count);
    }
    for (std::size_t i = 0; i < d.destination_count; ++i) {
      out << "  destination " << d.destinations[i].type << ": "
          << (d.destinations[i].description ? d.destinations[i].description : "") << "\n";
      describeKeys(out, d.destinations[i].keys, d.destinations[i].key_count);
    }
  }
  return out.str();
}

std::vector<fs::path> defaultPluginFolders() {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("PATHHUB_PLUGIN_PATH")) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      if (colon != 0) out.emplace_back(rest.substr(0, colon));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(self.parent_path().parent_path() / "plugins");
    out.push_back(self.parent_path().parent_path() / "lib" / "pathhub" / "plugins");
  }
  return out;
}

}  // namespace pathhub::plugin

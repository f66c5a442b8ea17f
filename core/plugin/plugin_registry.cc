// The plugin loader (see plugin_registry.h).
#include "plugin/plugin_registry.h"

#include <dlfcn.h>
#include <elf.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>

#include "plugin/plugin_config.h"

namespace pathhub::plugin {
namespace fs = std::filesystem;
namespace {

// The smallest descriptor and kinds this hub can read: ABI 1.0's.
constexpr std::size_t kMinPlugin = offsetof(phub_plugin, destination_count) + sizeof(std::size_t);

// What differs between the kinds of a descriptor; everything else handles them alike.
template <typename Kind>
struct KindTraits;

template <>
struct KindTraits<phub_source_kind> {
  static constexpr const char* kRole = "source";
  static constexpr std::size_t kMinSize = offsetof(phub_source_kind, destroy) + sizeof(void*);
  static std::span<const phub_source_kind> of(const LoadedPlugin& p) {
    return {p.descriptor->sources, p.descriptor->source_count};
  }
  static bool complete(const phub_source_kind& k) {
    return k.create && k.start && k.stop && k.destroy;
  }
};

template <>
struct KindTraits<phub_destination_kind> {
  static constexpr const char* kRole = "destination";
  static constexpr std::size_t kMinSize = offsetof(phub_destination_kind, destroy) + sizeof(void*);
  static std::span<const phub_destination_kind> of(const LoadedPlugin& p) { return p.destinations; }
  static bool complete(const phub_destination_kind& k) {
    return k.create && k.start && k.deliver && k.stop && k.destroy;
  }
};

template <>
struct KindTraits<phub_codec_kind> {
  static constexpr const char* kRole = "codec";
  static constexpr std::size_t kMinSize = offsetof(phub_codec_kind, encode) + sizeof(void*);
  static std::span<const phub_codec_kind> of(const LoadedPlugin& p) { return p.codecs; }
  // decode and encode always; the four functions of a codec with settings (ABI 1.2) together.
  static bool complete(const phub_codec_kind& k) {
    const int configured = !!k.create + !!k.decode_with + !!k.encode_with + !!k.destroy;
    return k.decode && k.encode && (configured == 0 || configured == 4);
  }
};

// `count` kinds at this hub's size. The array's stride is its plugin's sizeof(Kind), which
// the first kind's struct_size tells (kinds only grow at the end). Sizes that cannot be a
// kind are left for the check.
template <typename Kind>
std::vector<Kind> readKinds(const Kind* first, std::size_t count) {
  std::vector<Kind> out;
  if (!first || count == 0) return out;
  const std::size_t stride = first->struct_size;
  if (stride < KindTraits<Kind>::kMinSize) {
    out.push_back(*first);  // refused by checkKinds as too small
    return out;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(first);
  for (std::size_t i = 0; i < count; ++i) {
    Kind k{};
    std::memcpy(&k, bytes + i * stride, std::min(stride, sizeof k));
    out.push_back(k);
  }
  return out;
}

// The codec kinds of a descriptor; a 1.0 descriptor ends before the codecs and has none.
std::vector<phub_codec_kind> readCodecs(const phub_plugin& p) {
  if (p.struct_size < offsetof(phub_plugin, codec_count) + sizeof(std::size_t)) return {};
  return readKinds(p.codecs, p.codec_count);
}

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
    case PHUB_KEY_URL:
      return "http(s) URL";
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

template <typename Kind>
void describeKinds(std::ostringstream& out, const LoadedPlugin& p) {
  for (const Kind& k : KindTraits<Kind>::of(p)) {
    out << "  " << KindTraits<Kind>::kRole << " " << k.type << ": "
        << (k.description ? k.description : "") << "\n";
    describeKeys(out, k.keys, k.key_count);
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

std::vector<std::string> PluginRegistry::loadFolders(const std::vector<fs::path>& folders,
                                                     MissingFolder missing) {
  std::vector<std::string> problems;
  for (const fs::path& folder : folders) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".so") {
        files.push_back(entry.path());
      }
    }
    if (ec && missing == MissingFolder::kRefuse) {
      problems.push_back("the plugin folder " + folder.string() +
                         " cannot be read: " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end());  // the same order on every start
    for (const fs::path& file : files) {
      if (auto ok = loadFile(file); !ok) problems.push_back(ok.error().text);
    }
  }
  return problems;
}

// Whether `file` is a whole ELF shared object: dlopen of a truncated one can die of SIGBUS
// (mapping pages past the end of the file) before it could say anything, so the headers and
// the tables they point to are checked against the file's size first.
std::string elfProblem(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  Elf64_Ehdr h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return "it is too short to be a plugin";
  if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) return "it is not an ELF file";
  if (h.e_ident[EI_CLASS] != ELFCLASS64) return "it is not a 64-bit ELF file";
  if (h.e_type != ET_DYN) return "it is not a shared object";
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return "its size cannot be read";
  const auto ends = [size](std::uint64_t offset, std::uint64_t count, std::uint64_t each) {
    return offset <= size && count * each <= size - offset;
  };
  if (!ends(h.e_phoff, h.e_phnum, h.e_phentsize) || !ends(h.e_shoff, h.e_shnum, h.e_shentsize)) {
    return "it is truncated (its headers point past its " + std::to_string(size) + " bytes)";
  }
  // Every loaded segment's bytes must be in the file.
  in.seekg(static_cast<std::streamoff>(h.e_phoff));
  for (int i = 0; i < h.e_phnum; ++i) {
    Elf64_Phdr ph{};
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return "its program headers are cut";
    if (ph.p_type == PT_LOAD && !ends(ph.p_offset, 1, ph.p_filesz)) {
      return "it is truncated (a loadable segment ends past its " + std::to_string(size) +
             " bytes)";
    }
  }
  return "";
}

Result<void> PluginRegistry::loadFile(const fs::path& file) {
  const std::string name = file.string();
  if (const std::string bad = elfProblem(file); !bad.empty()) {
    return tl::unexpected(refused(name, bad));
  }
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
  }
  LoadedPlugin candidate{file, descriptor, handle, {}, {}};
  if (ok) {
    candidate.destinations = readKinds(descriptor->destinations, descriptor->destination_count);
    candidate.codecs = readCodecs(*descriptor);
    ok = check(candidate, name);
  }
  if (!ok) {
    dlclose(handle);
    return ok;
  }
  plugins_.push_back(std::move(candidate));
  return {};
}

Result<void> PluginRegistry::check(const LoadedPlugin& loaded, const std::string& file) const {
  const phub_plugin& p = *loaded.descriptor;
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
  const bool listsCodecs =
      p.struct_size >= offsetof(phub_plugin, codec_count) + sizeof(std::size_t);
  if ((p.source_count && !p.sources) || (p.destination_count && !p.destinations) ||
      (listsCodecs && p.codec_count && !p.codecs)) {
    return tl::unexpected(refused(file, "it counts kinds it does not list"));
  }
  if (auto ok = checkKinds<phub_source_kind>(loaded, file); !ok) return ok;
  if (auto ok = checkKinds<phub_destination_kind>(loaded, file); !ok) return ok;
  return checkKinds<phub_codec_kind>(loaded, file);
}

template <typename Kind>
Result<void> PluginRegistry::checkKinds(const LoadedPlugin& p, const std::string& file) const {
  using Traits = KindTraits<Kind>;
  const std::string role = Traits::kRole;
  std::size_t n = 0;
  for (const Kind& k : Traits::of(p)) {
    ++n;
    if (k.struct_size < Traits::kMinSize || !k.type || !Traits::complete(k)) {
      return tl::unexpected(refused(file, role + " kind " + std::to_string(n) +
                                              " is incomplete: it lacks a function or a field"));
    }
    if (find<Kind>(k.type)) {
      return tl::unexpected(
          refused(file, role + " type '" + std::string(k.type) + "' is provided twice"));
    }
    if (auto problem = schemaProblem(k.keys, k.key_count); !problem.empty()) {
      return tl::unexpected(
          refused(file, role + " type '" + std::string(k.type) + "': " + problem));
    }
  }
  return {};
}

template <typename Kind>
const Kind* PluginRegistry::find(std::string_view type, const LoadedPlugin** from) const {
  for (const auto& p : plugins_) {
    for (const Kind& k : KindTraits<Kind>::of(p)) {
      if (type == k.type) {
        if (from) *from = &p;
        return &k;
      }
    }
  }
  return nullptr;
}

template const phub_source_kind* PluginRegistry::find(std::string_view, const LoadedPlugin**) const;
template const phub_destination_kind* PluginRegistry::find(std::string_view,
                                                           const LoadedPlugin**) const;
template const phub_codec_kind* PluginRegistry::find(std::string_view, const LoadedPlugin**) const;

std::string PluginRegistry::describe() const {
  std::ostringstream out;
  for (const auto& p : plugins_) {
    const phub_plugin& d = *p.descriptor;
    out << d.name << " " << (d.version ? d.version : "?") << " (ABI " << d.abi_major << "."
        << d.abi_minor << ", " << p.file.string() << ")\n";
    if (d.description) out << "  " << d.description << "\n";
    describeKinds<phub_source_kind>(out, p);
    describeKinds<phub_destination_kind>(out, p);
    describeKinds<phub_codec_kind>(out, p);
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
  if (std::find(out.begin(), out.end(), fs::path(PATHHUB_PLUGIN_DIR)) == out.end()) {
    out.emplace_back(PATHHUB_PLUGIN_DIR);
  }
  return out;
}

}  // namespace pathhub::plugin

// The console's static files (see console_assets.h).
#include "http/console_assets.h"

#include <fstream>
#include <iterator>

namespace pathhub::http {
namespace {

std::string typeOf(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  return {};
}

}  // namespace

std::filesystem::path ConsoleAssets::defaultFolder() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("share/pathhub/console")
            : self.parent_path().parent_path() / "share" / "pathhub" / "console";
}

Result<ConsoleAssets> ConsoleAssets::load(const std::filesystem::path& folder) {
  ErrorContext where;
  where.file = folder.string();
  std::error_code ec;
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) return fail(ErrorCode::kIoError, "console folder: " + ec.message(), where);
  ConsoleAssets assets;
  for (const auto& entry : it) {
    if (!entry.is_regular_file()) continue;
    const std::string type = typeOf(entry.path());
    if (type.empty()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    assets.files_[entry.path().filename().string()] = {
        type, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())};
  }
  if (!assets.find("index.html")) {
    return fail(ErrorCode::kNotFound, "console folder has no index.html", where);
  }
  return assets;
}

const ConsoleAsset* ConsoleAssets::find(std::string_view name) const {
  const auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace pathhub::http

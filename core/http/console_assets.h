// The web console's static files (HTML, JavaScript modules, CSS, images), read once when the
// API starts and served from memory by exact name: no part of a request's path ever reaches
// the file system, so no path can climb out of the folder.
//
// The folder is `<api console="...">`, or else share/pathhub/console beside the program's
// bin/ folder (where the build puts a copy of core/http/console/, and an install puts it).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "pathhub/error.h"

namespace pathhub::http {

struct ConsoleAsset {
  std::string contentType;
  std::string body;
};

class ConsoleAssets {
 public:
  ConsoleAssets() = default;  // none: the console is not served (GET / answers 404)
  // Every file directly in `folder` with a known type; an error names a folder that is missing
  // or holds no index.html.
  static Result<ConsoleAssets> load(const std::filesystem::path& folder);
  static std::filesystem::path defaultFolder();

  const ConsoleAsset* find(std::string_view name) const;
  bool empty() const { return files_.empty(); }

 private:
  std::map<std::string, ConsoleAsset, std::less<>> files_;
};

}  // namespace pathhub::http

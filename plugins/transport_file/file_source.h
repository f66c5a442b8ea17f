// File source: picks up files matching a pattern from a folder, oldest name first. A file is
// claimed by renaming it (atomic, so two hubs or a half-written copy never share it), the hub
// records each message in it (one, several, or an FHS/BHS batch), and then the file moves to
// the archive folder — or to the error folder when a message in it was rejected (the rejected
// message is kept in the journal with the reason either way). A crash between recording and
// moving means the file is read again at start-up; the journal's dedupe makes that harmless.
#pragma once

#include <atomic>
#include <filesystem>
#include <string_view>
#include <thread>

#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_file {

class FileSource : public sdk::Source {
 public:
  explicit FileSource(const sdk::Host& host);
  ~FileSource() override;
  void start() override;
  void stop() override;
  // One pass over the folder (what the polling thread does each interval); returns the
  // number of files taken.
  int pollOnce();

 private:
  // A file that is not a plain file of its own (a link, a device): moved to the errors folder
  // unread, and logged.
  void refuse(const std::filesystem::path& file, const std::string& why);
  bool takeFile(const std::filesystem::path& claimed);
  void moveTo(const std::filesystem::path& file, const std::string& folder);

  sdk::Host host_;
  std::string directory_, pattern_, archive_, errors_;
  std::chrono::milliseconds pollInterval_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Whether `name` matches a glob pattern of literal characters, '*' and '?'.
bool globMatch(std::string_view pattern, std::string_view name);

}  // namespace pathhub::transport_file

// File source (see file_source.h).
#include "file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <vector>

namespace pathhub::transport_file {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kClaimSuffix = ".processing";

// Reads `path` only if it is a plain file of its own: not a symbolic link (O_NOFOLLOW), not a
// device or pipe, not a hard link to a file elsewhere (one name only). A hub running as root
// must never be made to read /etc/shadow by a link dropped in its folder. At most `limit`
// bytes and one more are read, so the size check that follows sees an oversized file.
std::optional<std::string> readOwnFile(const fs::path& path, std::size_t limit, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    why = errno == ELOOP ? "it is a symbolic link"
                         : std::string("cannot open it: ") + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) != 0) {
    why = std::string("cannot examine it: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    why = "it is not a plain file";
  } else if (st.st_nlink != 1) {
    why = "it is a hard link to another file (" + std::to_string(st.st_nlink) + " names)";
  } else {
    std::string bytes;
    char buffer[65536];
    for (ssize_t n; bytes.size() <= limit && (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        why = std::string("cannot read it: ") + std::strerror(errno);
        break;
      }
      bytes.append(buffer, static_cast<std::size_t>(n));
    }
    if (why.empty()) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

}  // namespace

bool globMatch(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern[0] == '*') {
    for (std::size_t skip = 0; skip <= name.size(); ++skip) {
      if (globMatch(pattern.substr(1), name.substr(skip))) return true;
    }
    return false;
  }
  if (name.empty()) return false;
  return (pattern[0] == '?' || pattern[0] == name[0]) &&
         globMatch(pattern.substr(1), name.substr(1));
}

FileSource::FileSource(const sdk::Host& host)
    : host_(host),
      directory_(host.text("directory")),
      pattern_(host.text("pattern", "*.hl7")),
      archive_(host.text("archive", directory_ + "/archive")),
      errors_(host.text("errors", directory_ + "/error")),
      pollInterval_(host.integer("pollMs", 1000)) {}

FileSource::~FileSource() { stop(); }

void FileSource::start() {
  for (const std::string& dir : {directory_, archive_, errors_}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create folder " + dir + ": " + ec.message());
  }
  thread_ = std::thread([this] {
    while (!stopping_) {
      pollOnce();
      for (auto waited = std::chrono::milliseconds(0); waited < pollInterval_ && !stopping_;
           waited += std::chrono::milliseconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  });
  host_.log(PHUB_LOG_INFO, "file source watching " + directory_ + " for " + pattern_);
}

void FileSource::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

int FileSource::pollOnce() {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    const std::string name = entry.path().filename().string();
    // Files claimed by a run that crashed are taken again; dedupe makes that safe.
    const bool claimed =
        name.size() > kClaimSuffix.size() &&
        name.compare(name.size() - kClaimSuffix.size(), kClaimSuffix.size(), kClaimSuffix) == 0;
    if (!claimed && (name[0] == '.' || !globMatch(pattern_, name))) continue;
    std::error_code kind;
    if (entry.is_symlink(kind)) {
      refuse(entry.path(), "it is a symbolic link");
    } else if (entry.is_regular_file(kind)) {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  int taken = 0;
  for (const fs::path& file : found) {
    if (stopping_) break;
    fs::path claimed = file;
    if (file.extension() != kClaimSuffix) {
      claimed += kClaimSuffix;
      fs::rename(file, claimed, ec);
      if (ec) continue;  // someone else took it
    }
    taken += takeFile(claimed) ? 1 : 0;
  }
  return taken;
}

void FileSource::refuse(const fs::path& file, const std::string& why) {
  // Set aside unread: whoever put it there sees it in the errors folder and the log.
  std::string name = file.filename().string();
  if (name.size() > kClaimSuffix.size() && name.ends_with(kClaimSuffix)) {
    name.resize(name.size() - kClaimSuffix.size());
  }
  host_.log(PHUB_LOG_WARNING, name + " not read: " + why + "; moved to " + errors_);
  host_.count("files_refused");
  std::error_code ec;
  fs::path target = fs::path(errors_) / name;
  for (int n = 1; fs::exists(fs::symlink_status(target, ec)); ++n) {
    target = fs::path(errors_) / (name + "." + std::to_string(n));
  }
  fs::rename(file, target, ec);  // a link is moved as the link, never followed
  if (ec) host_.log(PHUB_LOG_ERROR, "cannot move " + file.string() + ": " + ec.message());
}

bool FileSource::takeFile(const fs::path& claimed) {
  std::string why;
  // Whole files may hold many messages (a batch): the hub's own limit for a file is 64
  // messages' worth, and it refuses anything larger with the reason.
  const auto read = readOwnFile(claimed, host_.maxMessageBytes() * 64, why);
  if (!read) {
    refuse(claimed, why);
    return false;
  }
  const std::string& bytes = *read;
  std::string origin = claimed.filename().string();
  origin.resize(origin.size() - kClaimSuffix.size());
  const phub_submit_result r = host_.submitFile(bytes, origin);
  if (r.status == PHUB_SUBMIT_STOPPING) return false;  // taken again at the next start
  if (r.status == PHUB_SUBMIT_FAILED) {
    host_.log(PHUB_LOG_ERROR, origin + " not recorded, left for the next poll: " + r.reason);
    return false;
  }
  const bool anyRejected = r.status == PHUB_SUBMIT_REJECTED;
  moveTo(claimed, anyRejected ? errors_ : archive_);
  if (anyRejected) {
    host_.log(PHUB_LOG_WARNING,
              origin + " held a rejected message (" + r.reason + "); moved to " + errors_);
    host_.count("files_rejected");
  }
  host_.count("files_taken");
  return true;
}

void FileSource::moveTo(const fs::path& file, const std::string& folder) {
  std::string name = file.filename().string();
  name.resize(name.size() - kClaimSuffix.size());
  fs::path target = fs::path(folder) / name;
  std::error_code ec;
  // Never overwrite an earlier file of the same name in the archive.
  for (int n = 1; fs::exists(target, ec); ++n) {
    target = fs::path(folder) / (name + "." + std::to_string(n));
  }
  fs::rename(file, target, ec);
  if (ec) {
    host_.log(PHUB_LOG_ERROR,
              "cannot move " + file.string() + " to " + target.string() + ": " + ec.message());
  }
}

}  // namespace pathhub::transport_file

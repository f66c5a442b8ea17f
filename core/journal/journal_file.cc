// The journal file's identity check (see journal_file.h).
#include "journal/journal_file.h"

#include <Poco/Logger.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace pathhub::journal {

Result<JournalFile> JournalFile::identify(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(ErrorCode::kIoError,
                "the journal " + path + " cannot be examined: " + std::strerror(errno));
  }
  return JournalFile(path, st.st_dev, st.st_ino);
}

JournalFile::JournalFile(std::string path, dev_t device, ino_t inode)
    : path_(std::move(path)), device_(device), inode_(inode) {}

JournalFile::JournalFile(const JournalFile& other)
    : path_(other.path_), device_(other.device_), inode_(other.inode_), lost_(other.lost_.load()) {}

Result<void> JournalFile::check() const {
  struct stat st {};
  std::string what;
  if (::stat(path_.c_str(), &st) != 0) {
    what = std::string("is gone (") + std::strerror(errno) + ")";
  } else if (st.st_dev != device_ || st.st_ino != inode_) {
    what = "is no longer the file the hub opened (replaced or remounted)";
  }
  if (what.empty()) {
    if (lost_.exchange(false)) {
      Poco::Logger::get("journal").warning(
          "the journal %s is back; messages refused meanwhile are resent by their senders", path_);
    }
    return {};
  }
  const std::string text = "the journal " + path_ + " " + what +
                           ": nothing can be kept, so messages are refused (AE) until it is"
                           " back or the hub is restarted on a journal that is there";
  if (!lost_.exchange(true)) Poco::Logger::get("journal").fatal(text);
  return fail(ErrorCode::kUnavailable, text);
}

}  // namespace pathhub::journal

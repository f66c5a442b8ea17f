// One hub per journal (see journal_lock.h).
#include "journal/journal_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pathhub::journal {

Result<std::unique_ptr<JournalLock>> JournalLock::acquire(const std::string& journalPath) {
  const std::string path = journalPath + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kIoError,
                "cannot open the journal's lock file " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[32] = "";
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "unknown";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    if (error == EWOULDBLOCK) {
      return fail(ErrorCode::kIoError, "journal " + journalPath + " is in use by pathhub pid " +
                                           pid + " (lock file " + path + "): one hub per journal");
    }
    return fail(ErrorCode::kIoError, "cannot lock " + path + ": " + std::strerror(error));
  }
  // The holder's pid, for the next one's message.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds regardless; only the message of a second hub would lack the pid.
  }
  return std::unique_ptr<JournalLock>(new JournalLock(fd, path));
}

JournalLock::~JournalLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (unlinking would race)
}

}  // namespace pathhub::journal

// One hub per journal. The daemon holds an exclusive lock on "<journal>.lock" (flock, released
// by the kernel when the process ends, even by kill -9) for as long as it runs; a second
// daemon on the same journal is refused at start, naming the pid that holds it, instead of
// splitting senders between two hubs that both think they own the queue.
#pragma once

#include <memory>
#include <string>

#include "pathhub/error.h"

namespace pathhub::journal {

class JournalLock {
 public:
  // Takes the lock of the journal at `journalPath`, or fails with "journal … is in use by
  // pathhub pid N (lock file …): one hub per journal".
  static Result<std::unique_ptr<JournalLock>> acquire(const std::string& journalPath);
  ~JournalLock();
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  JournalLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace pathhub::journal

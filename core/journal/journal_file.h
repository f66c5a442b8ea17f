// Whether the journal's file is still the one the hub opened. A lost mount or a removed folder
// does not stop SQLite: it goes on writing to the open, now nameless, file, and every commit
// "succeeds" into something that is gone at the next restart. So each commit, each read and
// /ready ask this first: the path must still name the same file (device and inode).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>

#include "pathhub/error.h"

namespace pathhub::journal {

class JournalFile {
 public:
  // Notes which file `path` names now (just after it was opened).
  static Result<JournalFile> identify(const std::string& path);

  // Ok while `path` still names that file; kUnavailable naming what happened otherwise. Logs
  // once when the file is lost and once when it is found again.
  Result<void> check() const;

  JournalFile(const JournalFile& other);

 private:
  JournalFile(std::string path, dev_t device, ino_t inode);

  std::string path_;
  dev_t device_;
  ino_t inode_;
  mutable std::atomic<bool> lost_{false};
};

}  // namespace pathhub::journal

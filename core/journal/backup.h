// Backing up and restoring the journal. A backup is SQLite's online backup of the journal into
// a new file while the hub runs (a reader's consistent snapshot: writers go on meanwhile in WAL
// mode), checked with PRAGMA integrity_check before it is handed over. A restore (hub stopped)
// checks the backup the same way and that this program can open its schema version, moves the
// journal it replaces aside (never deleted), and puts the copy in place atomically.
#pragma once

#include <cstdint>
#include <string>

#include "pathhub/error.h"

namespace pathhub::journal {

struct BackupFacts {
  std::uintmax_t bytes = 0;
  int schemaVersion = 0;
  std::string journalId;  // journal_info's id ("" before schema version 2)
  std::int64_t messages = 0;
};

// Copies the journal at `journalPath` to a new file `destination` (which must not exist),
// synced to disk and checked; the facts of the copy. On failure nothing is left at
// `destination`.
Result<BackupFacts> backupJournal(const std::string& journalPath, const std::string& destination);

// What a backup file holds, after PRAGMA integrity_check: kInvalidState naming the damage when
// the check fails, or when the file is not an SQLite journal at all.
Result<BackupFacts> checkBackup(const std::string& file);

struct RestoreDone {
  BackupFacts restored;
  std::string movedAside;  // where the journal it replaced went ("" when there was none)
};

// Puts the backup `file` in place as the journal at `journalPath`. Refused while a hub holds
// the journal's lock, when the backup fails its check, or when its schema version is newer
// than this program's. The journal replaced, with its -wal and -shm files, is moved aside to
// "<journal>.before-restore-<time>".
Result<RestoreDone> restoreJournal(const std::string& file, const std::string& journalPath);

}  // namespace pathhub::journal

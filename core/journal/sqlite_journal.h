// The SQLite journal: one file in WAL mode with synchronous=FULL, its writer and a pool of
// readers beside it (WAL lets them run together). The embedded default: a single-node hub
// needs nothing else.
#pragma once

#include <memory>

#include "journal/journal_file.h"
#include "journal/sql_journal.h"

namespace pathhub::journal {

class SqliteJournal final : public SqlJournal {
 public:
  // Opens (or creates) the journal at options.path. Refused (invalid_state) when the file
  // exists but is empty or fails SQLite's quick_check, or when its schema is newer than this
  // program's: the hub does not start on a damaged or foreign journal.
  static Result<std::unique_ptr<Journal>> open(const JournalOptions& options);
  ~SqliteJournal() override;

  Result<void> present() const override { return file_->check(); }
  // SQLite's integrity_check of the whole file.
  Result<std::vector<std::string>> integrityCheck() override;

 private:
  SqliteJournal(JournalOptions options, std::shared_ptr<const JournalFile> file,
                std::unique_ptr<Poco::Data::SessionPool> readers,
                std::unique_ptr<GroupCommitter> writer);

  std::shared_ptr<const JournalFile> file_;  // checked before every read and after every commit
};

}  // namespace pathhub::journal
